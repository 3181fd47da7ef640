import type { TeamView } from './team.repository';

/** A team in Sentry's shape. */
export function presentTeam(view: TeamView): Record<string, unknown> {
  return {
    id: view.team.id,
    slug: view.team.slug,
    name: view.team.name,
    memberCount: view.memberCount,
    dateCreated: view.team.createdAt.toISOString(),
  };
}
