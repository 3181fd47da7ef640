import type { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import { checkNewPassword, hashPassword, verifyPassword } from './password';
import type { WebSessionRepository } from './web-session.repository';

type Limits = Pick<
  VigilConfig,
  'VIGIL_WEB_SESSION_HOURS' | 'VIGIL_WEB_SIGNIN_WINDOW_MINUTES' | 'VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT' | 'VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS'
>;

export interface PasswordChange {
  current: string;
  next: string;
  confirm: string;
}

/**
 * A member changes their own password: the current one is required (checked with scrypt as at sign-in, and a
 * wrong one counts as a failed sign-in, so a stolen session cannot guess its way to the password faster than
 * the sign-in form allows); the new one follows `checkNewPassword` and is typed twice. The change ends every
 * session of the member (`setPassword`), and a new one is opened for this browser: it stays signed in, every
 * other place is signed out. Errors are DomainErrors naming the form field.
 */
export class ChangePassword {
  constructor(
    private readonly sessions: WebSessionRepository,
    private readonly limits: Limits,
  ) {}

  /** Answers the new session's token (the cookie's new value). */
  async run(member: { memberId: string; email: string }, change: PasswordChange, clientAddress: string): Promise<string> {
    const account = `account:${member.email.trim().toLowerCase()}`;
    const address = `address:${clientAddress}`;
    const window = this.limits.VIGIL_WEB_SIGNIN_WINDOW_MINUTES;
    const failures = await this.sessions.failures([account, address], window);
    if (
      (failures.get(account) ?? 0) >= this.limits.VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT ||
      (failures.get(address) ?? 0) >= this.limits.VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS
    ) {
      throw new DomainError('rate_limited', 'too_many_sign_ins', `too many wrong passwords: try again in ${window} minutes`, 'current_password', window * 60);
    }
    const stored = await this.sessions.passwordHashOf(member.memberId);
    if (stored === null || !(await verifyPassword(change.current, stored))) {
      await this.sessions.recordFailure([account, address], window);
      throw new DomainError('invalid', 'wrong_password', 'current_password is not your current password', 'current_password');
    }
    checkNewPassword(change.next, 'new_password');
    if (change.confirm !== change.next)
      throw new DomainError('invalid', 'passwords_differ', 'confirm_password must repeat new_password exactly', 'confirm_password');
    await this.sessions.setPassword(member.memberId, await hashPassword(change.next));
    return this.sessions.open(member.memberId, this.limits.VIGIL_WEB_SESSION_HOURS);
  }
}
