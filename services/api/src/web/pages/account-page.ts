import { DomainError } from '@vigil/errors';
import { ChangePassword } from '../auth/change-password.usecase';
import { PASSWORD_MIN_LENGTH } from '../auth/password';
import type { Session } from '../page-context';
import { failure, orgPath, renderPage, utcText, type Form, type PageKit } from './page-kit';

interface ApiMember {
  id: string;
  email: string;
  name: string;
  role: string;
  teams: string[];
  dateCreated: string;
}

const PASSWORD_FIELDS = ['current_password', 'new_password', 'confirm_password'];

/** The signed-in member's own account: who they are (read through the API) and their password (the dashboard's own, decision 0024). */
export class AccountPage {
  private readonly change: ChangePassword;

  constructor(private readonly kit: PageKit) {
    this.change = new ChangePassword(kit.sessions, kit.config);
  }

  private async member(session: Session, org: string): Promise<ApiMember> {
    const answer = await session.api.get<ApiMember>(`${orgPath(org)}/members/${encodeURIComponent(session.memberId)}/`);
    if (answer.status !== 200) throw failure(answer);
    return answer.body;
  }

  async render(
    session: Session,
    org: string,
    shown: { flash?: string; error?: string; fieldErrors?: Record<string, string> } = {},
    status = 200,
  ): Promise<{ status: number; html: string }> {
    const member = await this.member(session, org);
    const html = await renderPage(this.kit, session, { title: 'Account', current: 'account' }, '@account', {
      org,
      member: { ...member, joinedText: utcText(member.dateCreated) },
      minLength: PASSWORD_MIN_LENGTH,
      flash: shown.flash ?? null,
      error: shown.error ?? null,
      fieldErrors: shown.fieldErrors ?? {},
    });
    return { status, html };
  }

  /** Changes the password; answers the new session token, or the page with the error beside its field. */
  async changePassword(session: Session, org: string, form: Form, clientAddress: string): Promise<{ token?: string; status?: number; html?: string }> {
    const member = await this.member(session, org);
    try {
      const token = await this.change.run(
        { memberId: member.id, email: member.email },
        {
          current: (form['current_password'] ?? '').slice(0, 1000),
          next: (form['new_password'] ?? '').slice(0, 1000),
          confirm: (form['confirm_password'] ?? '').slice(0, 1000),
        },
        clientAddress,
      );
      return { token };
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== 'invalid' && error.kind !== 'rate_limited')) throw error;
      const status = error.kind === 'rate_limited' ? 429 : 400;
      const field = error.field && PASSWORD_FIELDS.includes(error.field) ? error.field : null;
      return this.render(
        session,
        org,
        { error: 'The password was not changed.', fieldErrors: field ? { [field]: error.message } : { current_password: error.message } },
        status,
      );
    }
  }
}
