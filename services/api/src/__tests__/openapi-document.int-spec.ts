import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

describe('docs/openapi.json', () => {
  it('is what the code generates (run node services/api/dist/cli/export-openapi.js after changing an endpoint)', () => {
    // The built CLI assembles the API in Nest's preview mode, fails when an endpoint lacks an @Endpoint
    // declaration or a schema does not compile, and compares with the committed document.
    const result = spawnSync(process.execPath, ['services/api/dist/cli/export-openapi.js', '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/is current/);
  });
});
