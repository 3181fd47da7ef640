import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@vigil/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, installed by `make tools` (deploy/local/tools.sh); Playwright's own download is not reachable. */
export const CHROMIUM = '/usr/bin/chromium';

/** Starts headless Chromium; fails (never skips) with what to run when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run make tools (it installs Debian's chromium)`);
  // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** Signs in through the dashboard's form and waits for the monitors page. */
export async function signIn(page: Page, webUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${webUrl}/signin`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/orgs\/[^/]+\/monitors\/$/), page.click('button[type="submit"]')]);
}

/** A new password for a member, from the reset CLI (`vigil admin reset-password`), as an operator would set one. */
export function resetPassword(env: Record<string, string>, email: string, org: string): string {
  const output = execFileSync(process.execPath, [join(REPO_ROOT, 'services/cli/dist/main.js'), 'admin', 'reset-password', email, '--org', org], {
    env: { ...process.env, ...env },
  }).toString();
  const password = /^VIGIL_ADMIN_PASSWORD=(.+)$/m.exec(output)?.[1];
  if (!password) throw new Error(`reset-password printed no password:\n${output}`);
  return password;
}

/** `vigil admin reset-password --stdin`: sets the password piped to it; answers the exit code and what it printed. */
export function resetPasswordFromStdin(env: Record<string, string>, email: string, org: string, password: string): { status: number; output: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'services/cli/dist/main.js'), 'admin', 'reset-password', email, '--org', org, '--stdin'], {
    env: { ...process.env, ...env },
    input: `${password}\n`,
  });
  return { status: result.status ?? -1, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical violations on the page as it is now (a context made with `bypassCSP`, which the injection needs). */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  // A string: the tests compile without the DOM library.
  const result = await page.evaluate<{ violations: AxeViolation[] }>("axe.run(document, { resultTypes: ['violations'] })");
  return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** The context's cookie of that name, for checking its flags. */
export async function cookieNamed(
  context: BrowserContext,
  name: string,
): Promise<{ httpOnly: boolean; sameSite: string; secure: boolean; value: string } | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === name);
}
