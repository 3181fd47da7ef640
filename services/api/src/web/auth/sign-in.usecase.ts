import type { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import { dummyHash, verifyPassword } from './password';
import type { WebSessionRepository } from './web-session.repository';

export interface SignInResult {
  token: string;
  organizationSlug: string;
}

type SignInLimits = Pick<
  VigilConfig,
  'VIGIL_WEB_SESSION_HOURS' | 'VIGIL_WEB_SIGNIN_WINDOW_MINUTES' | 'VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT' | 'VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS'
>;

/**
 * Signing in with an email address and a password. Failed attempts are counted per account (the address typed,
 * lower-cased) and per client address over a sliding window in Postgres; past either limit every attempt is
 * refused (429) without checking the password, so guessing costs the attacker the window. An unknown address
 * is hashed against a dummy, so it takes as long as a wrong password and says nothing more. Where one address
 * is a member of several organizations, the first (by slug) whose password matches is signed in.
 */
export class SignIn {
  constructor(
    private readonly sessions: WebSessionRepository,
    private readonly limits: SignInLimits,
  ) {}

  async run(email: string, password: string, clientAddress: string): Promise<SignInResult> {
    const account = `account:${email.trim().toLowerCase()}`;
    const address = `address:${clientAddress}`;
    const window = this.limits.VIGIL_WEB_SIGNIN_WINDOW_MINUTES;
    const failures = await this.sessions.failures([account, address], window);
    if (
      (failures.get(account) ?? 0) >= this.limits.VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT ||
      (failures.get(address) ?? 0) >= this.limits.VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS
    ) {
      throw new DomainError('rate_limited', 'too_many_sign_ins', `too many failed sign-ins: try again in ${window} minutes`, 'email', window * 60);
    }
    const candidates = await this.sessions.candidates(email.trim());
    for (const candidate of candidates) {
      if (candidate.passwordHash !== null && (await verifyPassword(password, candidate.passwordHash))) {
        const token = await this.sessions.open(candidate.memberId, this.limits.VIGIL_WEB_SESSION_HOURS);
        return { token, organizationSlug: candidate.organizationSlug };
      }
    }
    if (candidates.every((candidate) => candidate.passwordHash === null)) await verifyPassword(password, await dummyHash());
    await this.sessions.recordFailure([account, address], window);
    throw new DomainError('unauthorized', 'wrong_password', 'the email address or the password is wrong', 'password');
  }
}
