import { loadConfig, type VigilConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { checkNewPassword, generatePassword, hashPassword } from '../web/auth/password';
import { WebSessionRepository } from '../web/auth/web-session.repository';

export interface PasswordReset {
  email: string;
  /** Needed only when the address is a member of several organizations. */
  org?: string | undefined;
  /** The new password (read from standard input by `vigil admin reset-password --stdin`); none: one is generated. */
  password?: string | undefined;
}

export interface PasswordResetDone {
  email: string;
  organizationSlug: string;
  /** The password generated, when none was given: printed once, stored only as its scrypt hash. */
  generated: string | null;
}

/**
 * Gives a member a new dashboard password and ends every session the member has. For when email is not
 * configured or the last owner forgot theirs; it needs the database, so only an operator can run it. A password
 * given must meet the rule of a chosen one (`checkNewPassword`); without one, 128 random bits are generated.
 * Errors say what is wrong (no such member, several organizations without `org`, a short password).
 */
export async function resetMemberPassword(config: VigilConfig, reset: PasswordReset): Promise<PasswordResetDone> {
  const email = reset.email.trim().toLowerCase();
  if (reset.password !== undefined) checkNewPassword(reset.password);
  const dataSource = createDataSource(config, { poolSize: 1 });
  await dataSource.initialize();
  try {
    const sessions = new WebSessionRepository(dataSource);
    const members = (await sessions.candidates(email)).filter((candidate) => reset.org === undefined || candidate.organizationSlug === reset.org);
    if (members.length === 0) throw new Error(`no member has the address ${email}${reset.org ? ` in organization ${reset.org}` : ''}`);
    if (members.length > 1)
      throw new Error(`${email} is a member of ${members.map((member) => member.organizationSlug).join(', ')}: say which with --org <slug>`);
    const generated = reset.password === undefined ? generatePassword() : null;
    await sessions.setPassword(members[0]!.memberId, await hashPassword(reset.password ?? generated!));
    return { email, organizationSlug: members[0]!.organizationSlug, generated };
  } finally {
    await dataSource.destroy();
  }
}

/** The password piped to `--stdin`: its first line, without the line end; a terminal is refused so it is never echoed. */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new Error('--stdin reads the new password from a pipe (printf %s "$PASSWORD" | vigil admin reset-password ...), not from a terminal');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (line.includes('\n')) throw new Error('--stdin takes one line: the new password');
  return line;
}

/**
 * `vigil admin reset-password <email> [--org <slug>] [--stdin]` runs this (`node services/api/dist/cli/reset-password.js
 * <email> [--org <slug>] [--stdin]`): prints a generated password once as `VIGIL_ADMIN_EMAIL=` and
 * `VIGIL_ADMIN_PASSWORD=` lines, or with `--stdin` sets the one piped to it and says so (never printing it).
 * Exit codes: 0 done, 1 refused (no such member, a short password), 2 a usage error.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const stdin = args.includes('--stdin');
  const rest = args.filter((arg) => arg !== '--stdin');
  const orgIndex = rest.indexOf('--org');
  const org = orgIndex >= 0 ? rest[orgIndex + 1] : undefined;
  const words = rest.filter((_, index) => orgIndex < 0 || (index !== orgIndex && index !== orgIndex + 1));
  if (words.length !== 1 || words[0]!.startsWith('-') || (orgIndex >= 0 && !org)) {
    process.stderr.write('usage: vigil admin reset-password <email> [--org <organization slug>] [--stdin]\n');
    return 2;
  }
  const password = stdin ? await passwordFromStdin() : undefined;
  const done = await resetMemberPassword(loadConfig(), { email: words[0]!, org, password });
  if (done.generated === null)
    process.stdout.write(`password of ${done.email} in ${done.organizationSlug} set from standard input; their sessions were ended\n`);
  else process.stdout.write(`VIGIL_ADMIN_EMAIL=${done.email}\nVIGIL_ADMIN_PASSWORD=${done.generated}\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`reset-password failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
