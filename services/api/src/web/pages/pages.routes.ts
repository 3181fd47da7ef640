import type { FastifyReply } from 'fastify';
import { setCookie, SESSION_COOKIE } from '../http/cookies';
import { AccountPage } from './account-page';
import { AlertsPage } from './alerts-page';
import { InviteRepository } from '../auth/invite.repository';
import { DataSource } from 'typeorm';
import { InvitePage } from './invite-page';
import { SettingsPage } from './settings-page';
import { StatusPage } from './status-page';
import { IssuesPage } from './issues-page';
import type { Form, PageKit } from './page-kit';

/**
 * The dashboard's pages beyond the monitors (issues, alerts, settings, account, Vigil's status), registered on the
 * API's Fastify instance by `registerDashboard` with its session and CSRF wrappers (`kit.page`): every POST here
 * carries the form's CSRF token, and every write goes through the API, which applies the member's role.
 */
export function registerPages(kit: PageKit): void {
  const { fastify, page, html } = kit;
  const issues = new IssuesPage(kit);
  const alerts = new AlertsPage(kit);
  const account = new AccountPage(kit);
  const invites = new InviteRepository(kit.app.get(DataSource));
  const settings = new SettingsPage(kit, invites);
  const invitePage = new InvitePage(kit, invites);
  const status = new StatusPage(kit);
  /** A form's outcome: a redirect after a change (303), or the page again with what happened. */
  const answer = (reply: FastifyReply, outcome: { redirect?: string; status?: number; html?: string }): FastifyReply =>
    outcome.redirect ? reply.redirect(outcome.redirect, 303) : html(reply, outcome.status ?? 200, outcome.html ?? '');
  type Params = { org: string; id: string };

  fastify.get(
    '/orgs/:org/issues',
    page(async (request, reply, session) => {
      const { org } = request.params as { org: string };
      return html(reply, 200, await issues.list(session, org, request.query as Form));
    }),
  );

  fastify.get(
    '/orgs/:org/issues/:id',
    page(async (request, reply, session) => {
      const { org, id } = request.params as { org: string; id: string };
      return html(reply, 200, await issues.detail(session, org, id));
    }),
  );

  // Alerts: integrations and rules.
  fastify.get(
    '/orgs/:org/alerts',
    page(async (request, reply, session) => html(reply, 200, await alerts.overview(session, (request.params as Params).org))),
  );
  fastify.get(
    '/orgs/:org/alerts/integrations/new',
    page(async (request, reply, session) =>
      answer(reply, await alerts.newIntegration(session, (request.params as Params).org, (request.query as Form)['type'])),
    ),
  );
  fastify.post(
    '/orgs/:org/alerts/integrations/new',
    page(async (request, reply, session) =>
      answer(reply, await alerts.createIntegration(session, (request.params as Params).org, (request.query as Form)['type'], request.body as Form)),
    ),
  );
  fastify.get(
    '/orgs/:org/alerts/integrations/:id',
    page(async (request, reply, session) => {
      const { org, id } = request.params as Params;
      const created = (request.query as Form)['created'] === '1';
      return answer(reply, await alerts.integration(session, org, id, created ? { flash: 'Created. Send a test notification to check that it arrives.' } : {}));
    }),
  );
  fastify.post(
    '/orgs/:org/alerts/integrations/:id',
    page(async (request, reply, session) => {
      const { org, id } = request.params as Params;
      return answer(reply, await alerts.actOnIntegration(session, org, id, request.body as Form));
    }),
  );
  fastify.get(
    '/orgs/:org/alerts/rules/new',
    page(async (request, reply, session) => answer(reply, await alerts.newRule(session, (request.params as Params).org, request.query as Form))),
  );
  fastify.post(
    '/orgs/:org/alerts/rules/new',
    page(async (request, reply, session) => answer(reply, await alerts.createRule(session, (request.params as Params).org, request.body as Form))),
  );
  fastify.get(
    '/orgs/:org/alerts/rules/:id',
    page(async (request, reply, session) => {
      const { org, id } = request.params as Params;
      return answer(reply, await alerts.rule(session, org, id));
    }),
  );
  fastify.post(
    '/orgs/:org/alerts/rules/:id',
    page(async (request, reply, session) => {
      const { org, id } = request.params as Params;
      return answer(reply, await alerts.actOnRule(session, org, id, request.body as Form));
    }),
  );

  // Account: the member's own password.
  fastify.get(
    '/orgs/:org/account',
    page(async (request, reply, session) => {
      const changed = (request.query as Form)['changed'] === '1';
      return answer(
        reply,
        await account.render(session, (request.params as Params).org, changed ? { flash: 'Password changed. Your other sessions were signed out.' } : {}),
      );
    }),
  );
  fastify.post(
    '/orgs/:org/account/password',
    page(async (request, reply, session) => {
      const { org } = request.params as Params;
      const outcome = await account.changePassword(session, org, request.body as Form, request.ip);
      if (!outcome.token) return answer(reply, outcome);
      // Every session ended with the change; this browser goes on with a new one.
      setCookie(request, reply, SESSION_COOKIE, outcome.token, kit.config.VIGIL_WEB_SESSION_HOURS * 3600);
      return reply.redirect(`/orgs/${encodeURIComponent(org)}/account/?changed=1`, 303);
    }),
  );

  // Project settings: keys, members (invitations) and teams.
  fastify.get(
    '/orgs/:org/settings',
    page(async (request, reply, session) => answer(reply, await settings.render(session, (request.params as Params).org, request.query as Form))),
  );
  fastify.post(
    '/orgs/:org/settings/actions',
    page(async (request, reply, session) => answer(reply, await settings.act(session, (request.params as Params).org, request.body as Form))),
  );
  // An invite link: signed out, so outside `page`; its form has its own CSRF token.
  fastify.get('/invite', (request, reply) => invitePage.show(request, reply));
  fastify.post('/invite', (request, reply) => invitePage.accept(request, reply));

  // The status of Vigil itself, for admins and owners.
  fastify.get(
    '/orgs/:org/status',
    page(async (request, reply, session) => html(reply, 200, await status.render(session, (request.params as Params).org))),
  );
}
