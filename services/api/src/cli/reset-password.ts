import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { generatePassword, hashPassword } from '../web/auth/password';
import { WebSessionRepository } from '../web/auth/web-session.repository';

/**
 * `vigil admin reset-password <email> [--org <slug>]` (`node services/api/dist/cli/reset-password.js <email>`):
 * gives a member a new generated password for the dashboard, ends every session the member has, and prints the
 * password once. For when email is not configured or the last owner forgot theirs; it needs the database, so
 * only an operator can run it. An address that is a member of several organizations needs `--org`.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const orgIndex = args.indexOf('--org');
  const org = orgIndex >= 0 ? args[orgIndex + 1] : undefined;
  const email = args
    .filter((_, index) => index !== orgIndex && index !== orgIndex + 1)[0]
    ?.trim()
    .toLowerCase();
  if (!email || (orgIndex >= 0 && !org)) throw new Error('usage: vigil admin reset-password <email> [--org <organization slug>]');
  const dataSource = createDataSource(loadConfig(), { poolSize: 1 });
  await dataSource.initialize();
  try {
    const sessions = new WebSessionRepository(dataSource);
    const members = (await sessions.candidates(email)).filter((candidate) => org === undefined || candidate.organizationSlug === org);
    if (members.length === 0) throw new Error(`no member has the address ${email}${org ? ` in organization ${org}` : ''}`);
    if (members.length > 1)
      throw new Error(`${email} is a member of ${members.map((member) => member.organizationSlug).join(', ')}: say which with --org <slug>`);
    const password = generatePassword();
    await sessions.setPassword(members[0]!.memberId, await hashPassword(password));
    process.stdout.write(`VIGIL_ADMIN_EMAIL=${email}\nVIGIL_ADMIN_PASSWORD=${password}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`reset-password failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
