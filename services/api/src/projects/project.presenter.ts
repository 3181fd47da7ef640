import type { ProjectEntity } from '@vigil/db';

/**
 * A project as the API shows it, in Sentry's shape (`id` as a string) plus its ping key and the base of its slug
 * ping URLs (`<pingUrl><slug>`): both are credentials a job needs, readable like the DSN.
 */
export function presentProject(project: ProjectEntity, publicIngestUrl: string): Record<string, unknown> {
  return {
    id: String(project.id),
    slug: project.slug,
    name: project.name,
    dateCreated: project.createdAt.toISOString(),
    pingKey: project.pingKey,
    pingUrl: `${publicIngestUrl.replace(/\/+$/, '')}/ping/${project.pingKey}/`,
  };
}
