import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { SLUG_MAX } from '../common/slug';

/**
 * Monitor slugs are unique in the organization (Sentry's rule) for the monitors the API makes, through the
 * monitors API and the Healthchecks API alike. Postgres only keeps them unique per project, so every writer
 * takes this transaction lock on the slug before checking it: two requests cannot both take one.
 */
export async function monitorSlugInUse(manager: EntityManager, organizationId: string, slug: string, exceptId: string | null): Promise<boolean> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`vigil:monitor-slug:${organizationId}:${slug}`]);
  const rows: unknown[] = await manager.query(
    'SELECT 1 FROM monitors m JOIN projects p ON p.id = m.project_id WHERE p.organization_id = $1 AND m.slug = $2 AND ($3::uuid IS NULL OR m.id <> $3::uuid) LIMIT 1',
    [organizationId, slug, exceptId],
  );
  return rows.length > 0;
}

/**
 * The slug of a new monitor, locked for this transaction: `slug` when it is free; when it is taken and was made
 * from the name (`derived`), `slug` with a 4-character suffix as Sentry does, tried a few times. Null when
 * nothing was free: a slug sent that is taken is the caller's 409.
 */
export async function freeMonitorSlug(manager: EntityManager, organizationId: string, slug: string, derived: boolean): Promise<string | null> {
  let candidate = slug;
  for (let attempt = 0; await monitorSlugInUse(manager, organizationId, candidate, null); attempt += 1) {
    if (!derived || attempt >= 4) return null;
    candidate = `${slug.slice(0, SLUG_MAX - 5).replace(/-+$/, '')}-${randomBytes(2).toString('hex')}`;
  }
  return candidate;
}
