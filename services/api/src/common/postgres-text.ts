import { unstorableText } from '@vigil/contracts';

/**
 * Postgres text cannot hold a NUL character, and a query that sends one fails (a 500); a lone UTF-16 surrogate
 * (JSON's `"\ud800"`) is no character at all, and is refused with it (`unstorableText`, the rule ingest applies too). Request bodies and query
 * parameters are refused with a 400 before a handler runs (`RequestValidator`); names that come from a URL path
 * reach repositories as they are, so every lookup by such a name asks `isPostgresText` first: a name with a NUL
 * is no row's, and finding nothing answers the same 404 as any unknown name.
 */
export function isPostgresText(value: string): boolean {
  return unstorableText(value) === null;
}

/** The JSON Schema pattern of free text: anything Postgres text can hold (no NUL). */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';
