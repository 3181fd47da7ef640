import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeResult, runProcess } from './process';

export interface CurlResponse {
  status: number;
  /** Response headers, names lower-cased (of the last response, should curl follow anything). */
  headers: Record<string, string>;
  body: string;
}

/**
 * Runs the system curl with the given arguments (URL included) and returns the response. curl itself must
 * succeed (a 4xx is a response, not a failure: no `-f`); a connection error throws.
 */
export async function curl(args: readonly string[], input?: string): Promise<CurlResponse> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-curl-'));
  try {
    const headerFile = join(dir, 'headers');
    const bodyFile = join(dir, 'body');
    const result = await runProcess('curl', ['-sS', '-m', '20', '-D', headerFile, '-o', bodyFile, '-w', '%{http_code}', ...args], { input, timeoutMs: 30000 });
    if (result.code !== 0) throw new Error(`curl ${args.join(' ')} failed: ${describeResult(result)}`);
    const rawHeaders = await readFile(headerFile, 'utf8');
    const body = await readFile(bodyFile, 'utf8').catch(() => '');
    const blocks = rawHeaders.split(/\r?\n\r?\n/).filter((block) => block.trim() !== '');
    const headers: Record<string, string> = {};
    for (const line of (blocks[blocks.length - 1] ?? '').split(/\r?\n/).slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { status: Number(result.stdout.trim()), headers, body };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
