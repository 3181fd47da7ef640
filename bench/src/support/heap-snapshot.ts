import { readFileSync } from 'node:fs';

/** The parts of a V8 `.heapsnapshot` (what `v8.writeHeapSnapshot` writes) this summary reads. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapLine {
  /** The node type (object, string, number, array, code, …) and, for objects, the constructor name. */
  name: string;
  count: number;
  bytes: number;
}

/**
 * Self size of everything in a heap snapshot, grouped by constructor (objects) or by type (strings, heap
 * numbers, arrays' backing stores, code…), largest first. Self sizes, not retained: a `Track` here is the
 * object itself, its boxed numbers and strings are counted under their own type.
 */
export function summarizeHeapSnapshot(file: string, count = 30): { totalBytes: number; lines: HeapLine[] } {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapLine>();
  let totalBytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? 'unknown';
    const bytes = snapshot.nodes[i + sizeAt]!;
    totalBytes += bytes;
    const name =
      type === 'object' || type === 'closure' || type === 'hidden' || type === 'array'
        ? `${type} ${snapshot.strings[snapshot.nodes[i + nameAt]!] ?? ''}`
        : type;
    const line = groups.get(name) ?? { name, count: 0, bytes: 0 };
    line.count += 1;
    line.bytes += bytes;
    groups.set(name, line);
  }
  return { totalBytes, lines: [...groups.values()].sort((a, b) => b.bytes - a.bytes).slice(0, count) };
}

export function formatHeapSummary(summary: { totalBytes: number; lines: HeapLine[] }, perUnit?: { label: string; units: number }): string {
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const lines = [`heap snapshot: ${mib(summary.totalBytes)} MiB in all (self sizes)`];
  for (const line of summary.lines) {
    const per = perUnit ? `  ${(line.bytes / perUnit.units).toFixed(1).padStart(7)} B per ${perUnit.label}` : '';
    lines.push(`  ${mib(line.bytes).padStart(8)} MiB  ${String(line.count).padStart(9)} ×  ${line.name}${per}`);
  }
  return lines.join('\n');
}
