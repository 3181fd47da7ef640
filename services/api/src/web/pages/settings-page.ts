import { MEMBER_ROLES, type MemberRole } from '@vigil/db';
import { canAssign, canManage } from '../../auth/permissions';
import type { InviteRepository } from '../auth/invite.repository';
import { INVITE_DAYS } from '../auth/invite.repository';
import { queryString } from '../http/api-client';
import { PageError, type Session } from '../page-context';
import { accessOf, failure, field, orgPath, projectPath, readAll, refusalOf, renderPage, utcText, webPath, type Form, type PageKit } from './page-kit';

interface ApiProject {
  id: string;
  slug: string;
  name: string;
  pingKey: string;
  pingUrl: string;
}

interface ApiDsnKey {
  id: string;
  name: string;
  isActive: boolean;
  dateCreated: string;
  dateRevoked: string | null;
  dsn: { public: string; crons: string };
}

interface ApiProjectApiKey {
  id: string;
  name: string;
  prefix: string;
  read_only: boolean;
  dateCreated: string;
  lastUsed: string | null;
  dateRevoked: string | null;
}

interface ApiMember {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  teams: string[];
  dateCreated: string;
}

interface ApiTeam {
  id: string;
  slug: string;
  name: string;
  memberCount: number;
}

/** What a page shows once and never again: a new API key's secret, an invite link. */
export interface OneTimeSecret {
  title: string;
  value: string;
  note: string;
}

/** Messages of the changes that redirect back (`?done=`), so a reload repeats nothing. */
export const DONE_MESSAGES: Record<string, string> = {
  'ping-key-rotated': 'The ping key was rotated: ping URLs with the old key stop working within moments.',
  'dsn-key-created': 'A DSN key was created.',
  'dsn-key-rotated': 'The DSN key was rotated: a new key with the same name; the old one is revoked.',
  'dsn-key-revoked': 'The DSN key was revoked: ingest refuses it within moments.',
  'api-key-revoked': 'The API key was revoked.',
  'role-changed': 'The role was changed. It applies at the member’s next request.',
};

/** The roles an actor may hand out (the API checks again): up to its own, `owner` only by an owner. */
export function assignableRoles(actor: string): MemberRole[] {
  if (!(MEMBER_ROLES as readonly string[]).includes(actor)) return [];
  return MEMBER_ROLES.filter((role) => canAssign(actor as MemberRole, role));
}

/**
 * Project settings: DSN keys, the ping key and project API keys of one project, rotated, revoked and created
 * through the API; for admins, the organization's members (roles, invitations) and teams. An invitation is a
 * member added through the API plus a one-time link (`member_invites`) to choose a password.
 */
export class SettingsPage {
  constructor(
    private readonly kit: PageKit,
    private readonly invites: InviteRepository,
  ) {}

  async render(
    session: Session,
    org: string,
    query: Form,
    shown: { secret?: OneTimeSecret; error?: string; fieldErrors?: Record<string, string>; form?: Form; status?: number } = {},
  ): Promise<{ status: number; html: string }> {
    const [access, projects] = await Promise.all([accessOf(session, org), readAll<{ slug: string; name: string }>(session, `${orgPath(org)}/projects/`)]);
    const chosen = projects.items.find((project) => project.slug === query['project']) ?? projects.items[0];
    if (query['project'] && chosen?.slug !== query['project']) throw new PageError(404, 'Not found', `There is no project "${query['project']}" here.`);
    const admin = access.has('members:write');
    const [project, keys, apiKeys, members, teams] = await Promise.all([
      chosen ? session.api.get<ApiProject>(`${projectPath(org, chosen.slug)}/`) : null,
      chosen ? readAll<ApiDsnKey>(session, `${projectPath(org, chosen.slug)}/keys/`) : null,
      chosen && access.has('tokens:read') ? readAll<ApiProjectApiKey>(session, `${projectPath(org, chosen.slug)}/api-keys/`) : null,
      admin ? readAll<ApiMember>(session, `${orgPath(org)}/members/`) : null,
      admin ? readAll<ApiTeam>(session, `${orgPath(org)}/teams/`) : null,
    ]);
    if (project && project.status !== 200) throw failure(project);
    const roles = assignableRoles(session.role);
    const html = await renderPage(this.kit, session, { title: 'Settings', current: 'settings' }, '@settings', {
      org,
      projects: projects.items,
      project: project?.body ?? null,
      keys: (keys?.items ?? []).map((key) => ({ ...key, createdText: utcText(key.dateCreated), revokedText: utcText(key.dateRevoked) })),
      apiKeys:
        apiKeys?.items.map((key) => ({
          ...key,
          createdText: utcText(key.dateCreated),
          lastUsedText: utcText(key.lastUsed),
          revokedText: utcText(key.dateRevoked),
        })) ?? null,
      members:
        members?.items.map((member) => ({
          ...member,
          self: member.id === session.memberId,
          manageable: canManage(session.role as MemberRole, member.role) && member.id !== session.memberId,
        })) ?? null,
      teams: teams?.items ?? null,
      roles,
      allRoles: MEMBER_ROLES,
      canKeys: access.has('keys:write'),
      canMembers: admin,
      inviteDays: INVITE_DAYS,
      done: DONE_MESSAGES[query['done'] ?? ''] ?? null,
      secret: shown.secret ?? null,
      error: shown.error ?? null,
      fieldErrors: shown.fieldErrors ?? {},
      form: shown.form ?? { role: 'member' },
    });
    return { status: shown.status ?? 200, html };
  }

  /** One change through the API; a redirect back (with `done`) or the page with what must be shown now. */
  async act(session: Session, org: string, form: Form): Promise<{ redirect?: string; status?: number; html?: string }> {
    const project = field(form, 'project', 100);
    const back = (done: string, anchor: string): { redirect: string } => ({
      redirect: `${webPath(org, 'settings/')}${queryString({ project, done })}#${anchor}`,
    });
    const call = async (method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => {
      const answer = await session.api.call<Record<string, unknown>>(method, path, body);
      if (answer.status >= 300) throw failure(answer);
      return answer.body;
    };
    const key = encodeURIComponent(field(form, 'key', 100));
    switch (form['action']) {
      case 'rotate-ping-key':
        await call('POST', `${projectPath(org, project)}/ping-key/rotate/`);
        return back('ping-key-rotated', 'project');
      case 'create-dsn-key':
        await call('POST', `${projectPath(org, project)}/keys/`, field(form, 'name', 200) === '' ? {} : { name: field(form, 'name', 200) });
        return back('dsn-key-created', 'dsn-keys');
      case 'rotate-dsn-key':
        await call('POST', `${projectPath(org, project)}/keys/${key}/rotate/`);
        return back('dsn-key-rotated', 'dsn-keys');
      case 'revoke-dsn-key':
        await call('DELETE', `${projectPath(org, project)}/keys/${key}/`);
        return back('dsn-key-revoked', 'dsn-keys');
      case 'revoke-api-key':
        await call('DELETE', `${projectPath(org, project)}/api-keys/${key}/`);
        return back('api-key-revoked', 'api-keys');
      case 'create-api-key': {
        const answer = await session.api.call<ApiProjectApiKey & { key: string }>('POST', `${projectPath(org, project)}/api-keys/`, {
          name: field(form, 'name', 200),
          read_only: form['read_only'] === 'on',
        });
        if (answer.status !== 201) {
          const refusal = refusalOf(answer, ['name']);
          return this.render(
            session,
            org,
            { project },
            { error: refusal.error, fieldErrors: { api_key_name: refusal.fieldErrors['name'] ?? refusal.error }, status: refusal.status },
          );
        }
        return this.render(
          session,
          org,
          { project },
          {
            secret: {
              title: `API key "${answer.body.name}"`,
              value: answer.body.key,
              note: 'Copy it now: it is shown this once (Vigil keeps only its hash). Send it to /api/v3/ as X-Api-Key.',
            },
            status: 201,
          },
        );
      }
      case 'set-role':
        await call('PUT', `${orgPath(org)}/members/${encodeURIComponent(field(form, 'member', 100))}/`, { role: field(form, 'role', 20) });
        return back('role-changed', 'members');
      case 'invite': {
        const email = field(form, 'email', 300);
        const answer = await session.api.call<ApiMember>('POST', `${orgPath(org)}/members/`, {
          email,
          role: field(form, 'role', 20),
          ...(field(form, 'name', 200) === '' ? {} : { name: field(form, 'name', 200) }),
        });
        if (answer.status !== 201) {
          const refusal = refusalOf(answer, ['email', 'role', 'name']);
          return this.render(session, org, { project }, { error: refusal.error, fieldErrors: refusal.fieldErrors, form, status: refusal.status });
        }
        // The API added the member with this session's rights; the link lets them choose a password.
        const token = await this.invites.create(answer.body.id);
        return this.render(
          session,
          org,
          { project },
          {
            secret: {
              title: `Invite link for ${answer.body.email} (${answer.body.role})`,
              value: `${this.kit.config.VIGIL_PUBLIC_APP_URL.replace(/\/+$/, '')}/invite${queryString({ token })}`,
              note: `Send it to them: it is shown this once, works once and for ${INVITE_DAYS} days, and lets them choose a password.`,
            },
            status: 201,
          },
        );
      }
      default:
        throw new PageError(400, 'Unknown action', 'The form asked for an action this page does not have.');
    }
  }
}
