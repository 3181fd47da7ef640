/**
 * Safe SQL for ClickHouse without server-side parameters (ClickHouse 18.16 has none): every value is
 * rendered as a literal by `sql`, every identifier by `identifier`, and nothing else reaches the query text.
 *
 *   sql`SELECT * FROM checkins WHERE monitor_id = ${id} AND project_id = ${projectId}`
 */
export class SqlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type SqlValue = string | number | bigint | boolean | Date | null | SqlFragment | readonly SqlValue[];

export class SqlValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlValueError';
  }
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

/** A quoted string literal; backslash escapes are understood by every ClickHouse version. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\'\n\r\t\0\b\f]/g, (c) => ESCAPES[c] ?? c)}'`;
}

export function literal(value: SqlValue): string {
  if (value instanceof SqlFragment) return value.text;
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SqlValueError(`cannot put ${value} into a query: only finite numbers`);
    return String(value);
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new SqlValueError('cannot put an invalid Date into a query');
    return `toDateTime(${Math.floor(ms / 1000)}, 'UTC')`;
  }
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  throw new SqlValueError(`cannot put a value of type ${typeof value} into a query`);
}

/** A table or column name: plain identifiers only, quoted with backticks. */
export function identifier(name: string): SqlFragment {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new SqlValueError(`"${name}" is not a plain identifier`);
  return new SqlFragment(`\`${name}\``);
}

export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += literal(value) + (strings[index + 1] ?? '');
  });
  return new SqlFragment(text);
}

/** Joins fragments, e.g. optional WHERE conditions. */
export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return new SqlFragment(fragments.map((f) => f.text).join(separator));
}
