/** True when Postgres refused a write for a unique constraint or index, optionally a named one. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const details = ((error as { driverError?: unknown }).driverError ?? error) as { code?: unknown; constraint?: unknown };
  return details.code === '23505' && (constraint === undefined || details.constraint === constraint);
}
