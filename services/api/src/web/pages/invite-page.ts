import { isInviteToken } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newPreSessionCsrf, sameToken } from '../auth/csrf';
import type { InviteRepository } from '../auth/invite.repository';
import { checkNewPassword, hashPassword, PASSWORD_MIN_LENGTH } from '../auth/password';
import { PRE_SESSION_CSRF_COOKIE, readCookie, SESSION_COOKIE, setCookie } from '../http/cookies';
import type { Form, PageKit } from './page-kit';

/**
 * The invite link's page (`/invite?token=vgi_...`), for someone who has no password yet: choose one, then signed
 * in. Signed out, so its form carries the double-submit CSRF token of the sign-in form. The token travels in the
 * query string, which request logs redact (`token=`).
 */
export class InvitePage {
  constructor(
    private readonly kit: PageKit,
    private readonly invites: InviteRepository,
  ) {}

  private async page(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    token: string,
    extras: { error?: string; fieldErrors?: Record<string, string> } = {},
  ): Promise<FastifyReply> {
    const invite = isInviteToken(token) ? await this.invites.find(token) : null;
    const csrf = newPreSessionCsrf();
    setCookie(request, reply, PRE_SESSION_CSRF_COOKIE, csrf, 3600);
    const body = this.kit.views.page({ title: 'Join Vigil', session: null, csrf: null }, '@invite', {
      invite,
      token,
      csrf,
      minLength: PASSWORD_MIN_LENGTH,
      error: extras.error ?? null,
      fieldErrors: extras.fieldErrors ?? {},
    });
    return this.kit.html(reply, invite ? status : 404, body);
  }

  show(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    return this.page(request, reply, 200, ((request.query as Form)['token'] ?? '').slice(0, 100));
  }

  async accept(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const form = (request.body ?? {}) as Form;
    const token = (form['token'] ?? '').slice(0, 100);
    if (!sameToken(form['_csrf'], readCookie(request, PRE_SESSION_CSRF_COOKIE))) {
      return this.page(request, reply, 403, token, { error: 'The form is stale or was sent from another site (CSRF check): try again.' });
    }
    const password = (form['new_password'] ?? '').slice(0, 1000);
    try {
      checkNewPassword(password, 'new_password');
      if ((form['confirm_password'] ?? '') !== password)
        throw new DomainError('invalid', 'passwords_differ', 'confirm_password must repeat new_password exactly', 'confirm_password');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.page(request, reply, 400, token, { error: 'No password was set.', fieldErrors: { [error.field ?? 'new_password']: error.message } });
    }
    const invite = isInviteToken(token) ? await this.invites.accept(token, await hashPassword(password)) : null;
    if (!invite) return this.page(request, reply, 404, token);
    const session = await this.kit.sessions.open(invite.memberId, this.kit.config.VIGIL_WEB_SESSION_HOURS);
    setCookie(request, reply, SESSION_COOKIE, session, this.kit.config.VIGIL_WEB_SESSION_HOURS * 3600);
    setCookie(request, reply, PRE_SESSION_CSRF_COOKIE, '', 0);
    return reply.redirect(`/orgs/${encodeURIComponent(invite.organizationSlug)}/monitors/`, 303);
  }
}
