/**
 * What `JSON.parse` forgets: whether a number was written with a fraction or an exponent. `3600.0` parses to the
 * integer 3600, yet a client that sends it sends a float, which Healthchecks refuses for an integer field.
 */
const FRACTION_LITERALS = Symbol('vigil.fractionLiterals');

// Strings first, so nothing inside one is taken for a token; a key is a string followed by a colon.
const TOKENS = /"(?:[^"\\]|\\.)*"\s*:|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[{}[\]]/g;

/** The top-level members of a JSON object text whose value is a number written with a fraction or an exponent. */
export function fractionMembers(text: string): string[] {
  const found: string[] = [];
  let depth = 0;
  let key: string | null = null;
  for (const [token] of text.matchAll(TOKENS)) {
    const first = token[0];
    if (first === '{' || first === '[') {
      depth += 1;
      key = null;
    } else if (first === '}' || first === ']') {
      depth -= 1;
      key = null;
    } else if (first === '"') {
      key = depth === 1 && token.trimEnd().endsWith(':') ? (JSON.parse(token.replace(/\s*:$/, '')) as string) : null;
    } else {
      if (depth === 1 && key !== null && /[.eE]/.test(token)) found.push(key);
      key = null;
    }
  }
  return found;
}

/** Remembers on a parsed body (out of sight of JSON.stringify and Object.keys) which members were written as fractions. */
export function markFractionMembers(body: unknown, text: string): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const members = fractionMembers(text);
  if (members.length > 0) Object.defineProperty(body, FRACTION_LITERALS, { value: new Set(members), enumerable: false });
}

/** Whether the member `name` of a parsed body was written with a fraction or an exponent. */
export function writtenAsFraction(body: unknown, name: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const members = (body as { [FRACTION_LITERALS]?: Set<string> })[FRACTION_LITERALS];
  return members?.has(name) ?? false;
}
