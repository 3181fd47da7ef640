import { randomUUID } from 'node:crypto';
// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { loadConfig } from '@vigil/config';
import { createDataSource, hashSecret } from '@vigil/db';
import type { DataSource } from 'typeorm';
import { accessFingerprint, apiCall, createOrganization, pageLinks, Vigil, type ApiAnswer, type TestOrganization } from './support';

/**
 * The management endpoints of #6 as a script uses them, on the real API and Postgres: projects, DSN keys, API
 * tokens, members and teams, their shapes, and bad input answered 4xx naming the field with nothing written.
 * Who may call them: access-control.e2e-spec.ts; keys reaching ingest: credentials-at-ingest.e2e-spec.ts.
 */

let vigil: Vigil;
let db: DataSource;
let org: TestOrganization;

function call(method: string, path: string, body?: unknown, token = org.ownerToken): Promise<ApiAnswer> {
  return apiCall(vigil.api.url, token, method, path, body);
}

/** Sends a bad request and checks it is refused naming `field`, with nothing written. */
async function refused(method: string, path: string, body: unknown, status: number, field: string | undefined): Promise<void> {
  const before = await accessFingerprint(db);
  const answer = await call(method, path, body);
  expect({ status: answer.status, field: (answer.json as { error?: { field?: string } } | null)?.error?.field }).toEqual({ status, field });
  expect(await accessFingerprint(db)).toBe(before);
}

beforeAll(async () => {
  vigil = await Vigil.start();
  db = createDataSource(loadConfig({ ...process.env, ...vigil.env }), { poolSize: 1 });
  await db.initialize();
  org = await createOrganization(db, 'mgmt');
}, 120000);

afterAll(async () => {
  await db?.destroy();
  await vigil?.stop();
});

describe('the seeded default organization', () => {
  it("has an owner, and make up's token is the owner's", async () => {
    const { VIGIL_ORG, VIGIL_API_TOKEN } = vigil.credentials;
    const answer = await apiCall(vigil.api.url, VIGIL_API_TOKEN, 'GET', `organizations/${VIGIL_ORG}/`);
    expect(answer).toMatchObject({ status: 200, json: { slug: VIGIL_ORG, role: 'owner' } });
    const members = (await apiCall(vigil.api.url, VIGIL_API_TOKEN, 'GET', `organizations/${VIGIL_ORG}/members/`)).json as Array<{
      email: string;
      role: string;
    }>;
    expect(members).toContainEqual(expect.objectContaining({ email: 'owner@vigil.local', role: 'owner' }));
  });
});

describe('projects', () => {
  it('create (slug from the name), list, get by slug or id, rename, change slug, delete', async () => {
    const created = await call('POST', `organizations/${org.slug}/projects/`, { name: 'Billing Jobs' });
    expect(created).toMatchObject({
      status: 201,
      json: { slug: 'billing-jobs', name: 'Billing Jobs', id: expect.stringMatching(/^\d+$/), pingKey: expect.any(String) },
    });
    const project = created.json as { id: string; pingKey: string };
    expect((created.json as { pingUrl: string }).pingUrl).toBe(`${vigil.env['VIGIL_PUBLIC_INGEST_URL']}/ping/${project.pingKey}/`);

    const listed = (await call('GET', `organizations/${org.slug}/projects/`)).json as Array<{ slug: string }>;
    expect(listed.map((entry) => entry.slug)).toEqual(['billing-jobs']);
    expect((await call('GET', `projects/${org.slug}/${project.id}/`)).json).toEqual(created.json);

    const renamed = await call('PUT', `projects/${org.slug}/billing-jobs/`, { name: 'Billing', slug: 'billing' });
    expect(renamed).toMatchObject({ status: 200, json: { id: project.id, slug: 'billing', name: 'Billing', pingKey: project.pingKey } });
    expect((await call('GET', `projects/${org.slug}/billing-jobs/`)).status).toBe(404);

    expect((await call('POST', `organizations/${org.slug}/projects/`, { name: 'Other', slug: 'other' })).status).toBe(201);
    await refused('PUT', `projects/${org.slug}/other/`, { slug: 'billing' }, 409, 'slug');
    await refused('POST', `organizations/${org.slug}/projects/`, { name: 'Billing', slug: 'billing' }, 409, 'slug');

    // Lists come a page at a time, like every list of the API: follow the Link header's next page.
    const first = await fetch(`${vigil.api.url}/api/0/organizations/${org.slug}/projects/?per_page=1`, {
      headers: { authorization: `Bearer ${org.ownerToken}` },
    });
    expect(((await first.json()) as Array<{ slug: string }>).map((entry) => entry.slug)).toEqual(['billing']);
    const links = pageLinks(first.headers.get('link'));
    expect(links).toMatchObject({ previous: { results: false }, next: { results: true } });
    const second = await fetch(links.next.url, { headers: { authorization: `Bearer ${org.ownerToken}` } });
    expect(((await second.json()) as Array<{ slug: string }>).map((entry) => entry.slug)).toEqual(['other']);
    expect(pageLinks(second.headers.get('link'))).toMatchObject({ previous: { results: true }, next: { results: false } });

    expect((await call('DELETE', `projects/${org.slug}/other/`)).status).toBe(204);
    expect((await call('GET', `projects/${org.slug}/other/`)).status).toBe(404);
    expect((await call('DELETE', `projects/${org.slug}/other/`)).status).toBe(404);
  });

  it('refuses bad input naming the field', async () => {
    const projects = `organizations/${org.slug}/projects/`;
    await refused('POST', projects, { name: '' }, 400, 'name');
    await refused('POST', projects, { name: 'x'.repeat(101) }, 400, 'name');
    await refused('POST', projects, { name: 'Fine', slug: 'Not A Slug' }, 400, 'slug');
    await refused('POST', projects, { name: 'Fine', slug: '12345' }, 400, 'slug');
    await refused('POST', projects, { name: '!!!' }, 400, 'slug');
    await refused('POST', projects, { name: 'Fine', platform: 'node' }, 400, 'platform');
    await refused('POST', projects, ['name'], 400, undefined);
  });

  it('refuses a body that is not JSON, too large, empty or of another type, with a stable code and nothing written', async () => {
    const send = async (body: string, contentType: string): Promise<{ status: number; code: string | undefined }> => {
      const before = await accessFingerprint(db);
      const response = await fetch(`${vigil.api.url}/api/0/organizations/${org.slug}/projects/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.ownerToken}`, 'content-type': contentType },
        body,
      });
      const answer = (await response.json()) as { error?: { code?: string } };
      expect(await accessFingerprint(db)).toBe(before);
      return { status: response.status, code: answer.error?.code };
    };
    expect(await send('{"name": "Broken",', 'application/json')).toEqual({ status: 400, code: 'invalid_json' });
    expect(await send('', 'application/json')).toEqual({ status: 400, code: 'empty_body' });
    expect(await send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }), 'application/json')).toEqual({ status: 413, code: 'body_too_large' });
    expect(await send('name=Form', 'text/csv')).toEqual({ status: 415, code: 'unsupported_media_type' });
  });
});

describe('DSN keys', () => {
  it("list, create, rename, rotate, revoke in Sentry's shape", async () => {
    expect((await call('POST', `organizations/${org.slug}/projects/`, { name: 'Keys', slug: 'keys' })).status).toBe(201);
    const base = `projects/${org.slug}/keys/keys/`;
    const initial = (await call('GET', base)).json as Array<Record<string, unknown>>;
    expect(initial).toHaveLength(1);
    const first = initial[0]!;
    expect(first).toMatchObject({ name: 'Default', label: 'Default', isActive: true, dateRevoked: null, public: first['id'] });
    const projectId = first['projectId'] as number;
    const ingest = new URL(vigil.env['VIGIL_PUBLIC_INGEST_URL']!);
    expect(first['dsn']).toEqual({
      public: `${ingest.protocol}//${first['id'] as string}@${ingest.host}/${projectId}`,
      crons: `${ingest.origin}/api/${projectId}/cron/___MONITOR_SLUG___/${first['id'] as string}/`,
    });

    const made = await call('POST', base, { name: 'CI' });
    expect(made).toMatchObject({ status: 201, json: { name: 'CI', isActive: true } });
    const ci = (made.json as { id: string }).id;
    expect((await call('PUT', `${base}${ci}/`, { name: 'CI runners' })).json).toMatchObject({ id: ci, name: 'CI runners' });
    await refused('PUT', `${base}${ci}/`, { name: '' }, 400, 'name');
    await refused('PUT', `${base}${ci}/`, { isActive: false }, 400, 'isActive');

    const rotated = await call('POST', `${base}${ci}/rotate/`);
    expect(rotated).toMatchObject({ status: 201, json: { name: 'CI runners', isActive: true } });
    expect((await call('GET', `${base}?status=active`)).json).toHaveLength(2);
    expect(((await call('GET', `${base}?status=inactive`)).json as Array<{ id: string }>).map((key) => key.id)).toEqual([ci]);
    expect((await call('GET', `${base}?status=revoked`)).json).toMatchObject({ error: { field: 'status' } });
    expect((await call('GET', `${base}not-a-key!/`)).status).toBe(404);
  });
});

describe('API tokens', () => {
  it('are shown once, listed by prefix, work, and stop when revoked', async () => {
    const made = await call('POST', `organizations/${org.slug}/api-tokens/`, { name: 'deploys', scope: 'read' });
    expect(made).toMatchObject({ status: 201, json: { name: 'deploys', scope: 'read', member: null, role: 'read-only', dateLastUsed: null } });
    const { id, token, tokenPrefix } = made.json as { id: string; token: string; tokenPrefix: string };
    expect(token).toMatch(/^vgl_[0-9a-f]{40}$/);
    expect(tokenPrefix).toBe(token.slice(0, 12));
    // Only the hash is stored.
    const stored: Array<{ token_hash: string }> = await db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
    expect(stored[0]!.token_hash).toBe(hashSecret(token));

    expect((await call('GET', `organizations/${org.slug}/projects/`, undefined, token)).status).toBe(200);
    const listed = await call('GET', `organizations/${org.slug}/api-tokens/`);
    expect(listed.text).not.toContain(token);
    expect(listed.json).toContainEqual(expect.objectContaining({ id, tokenPrefix, dateLastUsed: expect.any(String) }));

    expect((await call('DELETE', `organizations/${org.slug}/api-tokens/${id}/`)).status).toBe(204);
    expect(await call('GET', `organizations/${org.slug}/projects/`, undefined, token)).toMatchObject({
      status: 401,
      json: { error: { code: 'invalid_token' } },
    });
    expect((await call('DELETE', `organizations/${org.slug}/api-tokens/${id}/`)).status).toBe(404);
    expect(((await call('GET', `organizations/${org.slug}/api-tokens/`)).json as Array<{ id: string }>).map((entry) => entry.id)).not.toContain(id);
  });

  it('refuses bad input naming the field', async () => {
    const tokens = `organizations/${org.slug}/api-tokens/`;
    await refused('POST', tokens, { name: 'x', scope: 'admin' }, 400, 'scope');
    await refused('POST', tokens, { name: 'x' }, 400, 'scope');
    await refused('POST', tokens, { scope: 'read' }, 400, 'name');
    await refused('POST', tokens, { name: 'x', scope: 'read', member: 'someone' }, 400, 'member');
    await refused('POST', tokens, { name: 'x', scope: 'read', member: '00000000-0000-4000-8000-000000000000' }, 400, 'member');
  });
});

describe('members and teams', () => {
  it('add, read, change and remove members; teams with members', async () => {
    const added = await call('POST', `organizations/${org.slug}/members/`, { email: 'Ada@Example.com', name: 'Ada', role: 'admin' });
    expect(added).toMatchObject({ status: 201, json: { email: 'ada@example.com', name: 'Ada', role: 'admin', teams: [] } });
    const ada = (added.json as { id: string }).id;
    await refused('POST', `organizations/${org.slug}/members/`, { email: 'ada@example.com' }, 409, 'email');
    await refused('POST', `organizations/${org.slug}/members/`, { email: 'not an address' }, 400, 'email');
    await refused('POST', `organizations/${org.slug}/members/`, { email: 'bob@example.com', role: 'manager' }, 400, 'role');
    await refused('PUT', `organizations/${org.slug}/members/${ada}/`, { email: 'x@example.com' }, 400, 'email');
    expect((await call('GET', `organizations/${org.slug}/members/not-a-uuid/`)).status).toBe(404);

    const defaulted = await call('POST', `organizations/${org.slug}/members/`, { email: 'bob@example.com' });
    expect(defaulted).toMatchObject({ status: 201, json: { role: 'member', name: 'bob@example.com' } });
    const bob = (defaulted.json as { id: string }).id;

    expect(await call('POST', `organizations/${org.slug}/teams/`, { name: 'Data Platform' })).toMatchObject({
      status: 201,
      json: { slug: 'data-platform', name: 'Data Platform', memberCount: 0 },
    });
    await refused('POST', `organizations/${org.slug}/teams/`, { slug: 'data-platform' }, 409, 'slug');
    await refused('POST', `organizations/${org.slug}/teams/`, {}, 400, 'slug');
    expect((await call('POST', `organizations/${org.slug}/members/${ada}/teams/data-platform/`)).json).toMatchObject({ slug: 'data-platform', memberCount: 1 });
    expect((await call('POST', `organizations/${org.slug}/members/${ada}/teams/data-platform/`)).json).toMatchObject({ memberCount: 1 });
    expect((await call('POST', `organizations/${org.slug}/members/${bob}/teams/data-platform/`)).json).toMatchObject({ memberCount: 2 });
    expect(((await call('GET', `teams/${org.slug}/data-platform/members/`)).json as Array<{ email: string }>).map((member) => member.email)).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
    expect((await call('GET', `organizations/${org.slug}/members/${ada}/`)).json).toMatchObject({ teams: ['data-platform'] });

    expect((await call('DELETE', `organizations/${org.slug}/members/${bob}/teams/data-platform/`)).status).toBe(204);
    expect((await call('DELETE', `organizations/${org.slug}/members/${bob}/teams/data-platform/`)).json).toMatchObject({ error: { code: 'not_in_team' } });
    expect((await call('PUT', `organizations/${org.slug}/members/${bob}/`, { role: 'read-only', name: 'Bob' })).json).toMatchObject({
      role: 'read-only',
      name: 'Bob',
    });
    expect((await call('DELETE', `organizations/${org.slug}/members/${bob}/`)).status).toBe(204);
    expect((await call('GET', `organizations/${org.slug}/members/${bob}/`)).status).toBe(404);

    expect((await call('DELETE', `teams/${org.slug}/data-platform/`)).status).toBe(204);
    expect((await call('GET', `teams/${org.slug}/data-platform/`)).status).toBe(404);
    expect((await call('GET', `organizations/${org.slug}/members/${ada}/`)).json).toMatchObject({ teams: [] });
  });
});

describe('names no row can have', () => {
  // Postgres text cannot hold NUL: a path name with one must be an unknown name (404), never a failed query (500).
  it('a NUL in a project, team, key or id of a path is a 404 with the code of an unknown one', async () => {
    const created = await call('POST', `organizations/${org.slug}/projects/`, { name: 'Nul Guard' });
    expect(created.status).toBe(201);
    const project = (created.json as { slug: string }).slug;
    const nul = 'a%00b';
    for (const [method, path, code] of [
      ['GET', `projects/${org.slug}/${nul}/`, 'unknown_project'],
      ['PUT', `projects/${org.slug}/${nul}/`, 'unknown_project'],
      ['DELETE', `projects/${org.slug}/${nul}/`, 'unknown_project'],
      ['POST', `projects/${org.slug}/${nul}/ping-key/rotate/`, 'unknown_project'],
      ['GET', `projects/${org.slug}/${nul}/keys/`, 'unknown_project'],
      ['GET', `projects/${org.slug}/${nul}/api-keys/`, 'unknown_project'],
      ['GET', `projects/${org.slug}/${nul}/processing-errors/`, 'unknown_project'],
      ['GET', `projects/${org.slug}/${nul}/monitors/nightly/processing-errors/`, 'unknown_project'],
      ['GET', `projects/${org.slug}/${project}/keys/${nul}/`, 'unknown_key'],
      ['DELETE', `projects/${org.slug}/${project}/api-keys/${nul}/`, 'unknown_api_key'],
      ['GET', `teams/${org.slug}/${nul}/`, 'unknown_team'],
      ['GET', `teams/${org.slug}/${nul}/members/`, 'unknown_team'],
      ['DELETE', `teams/${org.slug}/${nul}/`, 'unknown_team'],
      ['POST', `organizations/${org.slug}/members/${org.ownerId}/teams/${nul}/`, 'unknown_team'],
      ['GET', `organizations/${org.slug}/members/${nul}/`, 'unknown_member'],
      ['DELETE', `organizations/${org.slug}/api-tokens/${nul}/`, 'unknown_token'],
      ['GET', `organizations/${org.slug}/integrations/${nul}/`, 'unknown_integration'],
      ['GET', `organizations/${org.slug}/alert-rules/${nul}/`, 'unknown_alert_rule'],
      ['GET', `organizations/${org.slug}/issues/${nul}/`, 'unknown_issue'],
      ['GET', `organizations/${org.slug}/issues/${nul}/deliveries/`, 'unknown_issue'],
      ['GET', `organizations/${org.slug}/monitors/${nul}/`, 'unknown_monitor'],
    ] as const) {
      const answer = await call(method, path, method === 'PUT' ? { name: 'x' } : undefined);
      expect([method, path, answer.status, (answer.json as { error?: { code?: string } } | null)?.error?.code]).toEqual([method, path, 404, code]);
    }
  });
});

describe("another organization's issue", () => {
  // Issue #19: its deliveries answered `200 []`, unlike every other read of another organization's resource.
  it('has no deliveries to show: 404 unknown_issue, as for an issue id that does not exist', async () => {
    const created = await call('POST', `organizations/${org.slug}/projects/`, { name: 'Issue Owner' });
    expect(created.status).toBe(201);
    const project = created.json as { id: string; slug: string };
    const monitor = await call('POST', `organizations/${org.slug}/monitors/`, { project: project.slug, name: 'Nightly', config: { schedule: '0 3 * * *' } });
    expect(monitor.status).toBe(201);
    const [row] = await db.query<Array<{ id: string }>>('SELECT id FROM monitors WHERE project_id = $1', [Number(project.id)]);
    const issueId = randomUUID();
    await db.query(
      `INSERT INTO issues (id, organization_id, project_id, monitor_id, environment, status, failure_count, opening_checkin_id, opening_status, opened_at, last_failure_at)
       VALUES ($1, $2, $3, $4, 'production', 'open', 1, $5, 'missed', now(), now())`,
      [issueId, org.id, Number(project.id), row!.id, randomUUID()],
    );
    expect(await call('GET', `organizations/${org.slug}/issues/${issueId}/deliveries/`)).toMatchObject({ status: 200, json: [] });

    const { VIGIL_ORG, VIGIL_API_TOKEN } = vigil.credentials;
    for (const id of [issueId, randomUUID()]) {
      const answer = await apiCall(vigil.api.url, VIGIL_API_TOKEN, 'GET', `organizations/${VIGIL_ORG}/issues/${id}/deliveries/`);
      expect(answer).toMatchObject({ status: 404, json: { error: { code: 'unknown_issue', field: 'issue' } } });
    }
  });
});
