import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface CostLine {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** (idle) excluded from the percentages of the rest. */
  idleMs: number;
  selfByFunction: CostLine[];
  selfByPackage: CostLine[];
  inclusiveByFunction: CostLine[];
}

/** Where a script comes from: its npm package, node's internals, or the repository's own code. */
export function packageOf(url: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  const own = /\/((?:libs|services)\/[^/]+)\//.exec(url);
  if (own?.[1]) return own[1];
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(libs|services)\//, '$1/');
}

function top(map: Map<string, { name: string; where: string; ms: number }>, busyMs: number, count: number): CostLine[] {
  return [...map.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((line) => ({ ...line, percent: (line.ms / busyMs) * 100 }));
}

const SYNTHETIC = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

export function summarizeProfile(file: string, count = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });

  const key = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}@${node.callFrame.url}:${node.callFrame.lineNumber + 1}`;
  const describe = (node: ProfileNode) => ({
    name: node.callFrame.functionName || '(anonymous)',
    where: node.callFrame.url ? `${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}` : '',
  });

  let totalMs = 0;
  let idleMs = 0;
  const selfByFunction = new Map<string, { name: string; where: string; ms: number }>();
  const selfByPackage = new Map<string, { name: string; where: string; ms: number }>();
  const inclusive = new Map<string, { name: string; where: string; ms: number }>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const k = key(node);
    const line = selfByFunction.get(k) ?? { ...describe(node), ms: 0 };
    line.ms += ms;
    selfByFunction.set(k, line);
    const pkg = SYNTHETIC.has(node.callFrame.functionName) ? node.callFrame.functionName : packageOf(node.callFrame.url);
    const pkgLine = selfByPackage.get(pkg) ?? { name: pkg, where: '', ms: 0 };
    pkgLine.ms += ms;
    selfByPackage.set(pkg, pkgLine);
    // Inclusive: every distinct function on the stack of these samples.
    const seen = new Set<string>();
    for (let current: ProfileNode | undefined = node; current; current = byId.get(parent.get(current.id) ?? -1)) {
      if (SYNTHETIC.has(current.callFrame.functionName)) continue;
      const ck = key(current);
      if (seen.has(ck)) continue;
      seen.add(ck);
      const incl = inclusive.get(ck) ?? { ...describe(current), ms: 0 };
      incl.ms += ms;
      inclusive.set(ck, incl);
    }
  }
  const busyMs = totalMs - idleMs;
  return {
    totalMs,
    idleMs,
    selfByFunction: top(selfByFunction, busyMs, count),
    selfByPackage: top(selfByPackage, busyMs, count),
    inclusiveByFunction: top(inclusive, busyMs, count),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const busy = summary.totalMs - summary.idleMs;
  const lines = [
    `profile: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (${((busy / summary.totalMs) * 100).toFixed(0)} %); percentages are of busy time`,
  ];
  const section = (title: string, rows: CostLine[]) => {
    lines.push('', title);
    for (const row of rows)
      lines.push(`  ${row.percent.toFixed(1).padStart(5)} %  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}${row.where ? `  (${row.where})` : ''}`);
  };
  section('self time by package', summary.selfByPackage);
  section('self time by function', summary.selfByFunction);
  section('inclusive time by function', summary.inclusiveByFunction);
  return lines.join('\n');
}
