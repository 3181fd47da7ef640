import type { MemberView } from './member.repository';

/** A member as Sentry shows one: its organization role and the slugs of its teams. */
export function presentMember(view: MemberView): Record<string, unknown> {
  return {
    id: view.member.id,
    email: view.member.email,
    name: view.member.name,
    role: view.member.role,
    teams: view.teams,
    dateCreated: view.member.createdAt.toISOString(),
  };
}
