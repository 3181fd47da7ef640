import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
}

/** A GitHub-flavoured markdown table; cells are escaped for `|`. */
export function markdownTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  const header = `| ${columns.map((column) => cell(column.title)).join(' | ')} |`;
  const rule = `| ${columns.map((column) => (column.align === 'right' ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((_column, index) => cell(row[index] ?? '')).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

export function startMarker(name: string): string {
  return `<!-- bench:${name}:start -->`;
}

export function endMarker(name: string): string {
  return `<!-- bench:${name}:end -->`;
}

/**
 * Writes `content` into the section of `file` between `<!-- bench:<name>:start -->` and
 * `<!-- bench:<name>:end -->`, leaving everything else as it is, so each benchmark owns only its own section.
 * A missing file is created from `preamble`; a missing section is appended.
 */
export function writeSection(file: string, name: string, content: string, preamble: string): void {
  const start = startMarker(name);
  const end = endMarker(name);
  const block = `${start}\n${content.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : `${preamble.trim()}\n`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  let next: string;
  if (from !== -1 && to > from) {
    next = current.slice(0, from) + block + current.slice(to + end.length);
  } else if (from === -1 && to === -1) {
    next = `${current.trimEnd()}\n\n${block}\n`;
  } else {
    throw new Error(`${file}: the markers of section "${name}" are broken (one is missing or they are out of order)`);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, next);
}
