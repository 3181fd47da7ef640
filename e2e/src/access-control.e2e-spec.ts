import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import type { DataSource } from 'typeorm';
import { accessFingerprint, addMember, addToken, apiCall, createOrganization, Vigil, type ApiAnswer, type TestOrganization } from './support';

/**
 * Who may do what through the management endpoints of #6 (decision 0010), on the real API and Postgres:
 * another organization's token gets 404 and never data, on every endpoint; read-only credentials and roles too
 * weak get 403 on every write and nothing is written; the last owner stays.
 */

let vigil: Vigil;
let db: DataSource;
/** The organization whose resources the tests try to reach, and a second one whose tokens try. */
let home: TestOrganization;
let other: TestOrganization;
/** Resources of `home` that the endpoint table names. */
const ids = { project: '', key: '', token: '', member: '', team: '' };

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Endpoint {
  method: Method;
  /** Placeholders: {org} {project} {key} {token} {member} {team}. */
  path: string;
  body?: unknown;
}

/** Every endpoint of the access model, with a body that would be valid, so only access decides the answer. */
const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: 'organizations/{org}/' },
  { method: 'GET', path: 'organizations/{org}/projects/' },
  { method: 'POST', path: 'organizations/{org}/projects/', body: { name: 'Intruder project' } },
  { method: 'GET', path: 'projects/{org}/{project}/' },
  { method: 'PUT', path: 'projects/{org}/{project}/', body: { name: 'Renamed by intruder' } },
  { method: 'DELETE', path: 'projects/{org}/{project}/' },
  { method: 'POST', path: 'projects/{org}/{project}/ping-key/rotate/' },
  { method: 'GET', path: 'projects/{org}/{project}/keys/' },
  { method: 'POST', path: 'projects/{org}/{project}/keys/', body: { name: 'Intruder key' } },
  { method: 'GET', path: 'projects/{org}/{project}/keys/{key}/' },
  { method: 'PUT', path: 'projects/{org}/{project}/keys/{key}/', body: { name: 'Renamed key' } },
  { method: 'DELETE', path: 'projects/{org}/{project}/keys/{key}/' },
  { method: 'POST', path: 'projects/{org}/{project}/keys/{key}/rotate/' },
  { method: 'GET', path: 'organizations/{org}/api-tokens/' },
  { method: 'POST', path: 'organizations/{org}/api-tokens/', body: { name: 'Intruder token', scope: 'write' } },
  { method: 'DELETE', path: 'organizations/{org}/api-tokens/{token}/' },
  { method: 'GET', path: 'organizations/{org}/members/' },
  { method: 'POST', path: 'organizations/{org}/members/', body: { email: 'intruder@example.com', role: 'member' } },
  { method: 'GET', path: 'organizations/{org}/members/{member}/' },
  { method: 'PUT', path: 'organizations/{org}/members/{member}/', body: { role: 'read-only' } },
  { method: 'DELETE', path: 'organizations/{org}/members/{member}/' },
  { method: 'GET', path: 'organizations/{org}/teams/' },
  { method: 'POST', path: 'organizations/{org}/teams/', body: { slug: 'intruders' } },
  { method: 'GET', path: 'teams/{org}/{team}/' },
  { method: 'DELETE', path: 'teams/{org}/{team}/' },
  { method: 'GET', path: 'teams/{org}/{team}/members/' },
  { method: 'POST', path: 'organizations/{org}/members/{member}/teams/{team}/' },
  { method: 'DELETE', path: 'organizations/{org}/members/{member}/teams/{team}/' },
];
const WRITES = ENDPOINTS.filter((endpoint) => endpoint.method !== 'GET');
const label = (endpoint: Endpoint) => `${endpoint.method} ${endpoint.path}`;

function fill(path: string, org: string): string {
  return path
    .replace('{org}', org)
    .replace('{project}', ids.project)
    .replace('{key}', ids.key)
    .replace('{token}', ids.token)
    .replace('{member}', ids.member)
    .replace('{team}', ids.team);
}

function call(token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return apiCall(vigil.api.url, token, method, path, body);
}

/**
 * `home`'s identifiers that must never show up in an answer to another organization's token, apart from those
 * the request itself sent (a 404 names what it did not find).
 */
function homeSecrets(sentPath = ''): string[] {
  return [home.id, home.ownerId, ids.key, ids.token, ids.member, `"${ids.project}"`, `"${ids.team}"`].filter(
    (secret) => !sentPath.includes(secret.replace(/"/g, '')),
  );
}

beforeAll(async () => {
  vigil = await Vigil.start();
  db = createDataSource(loadConfig({ ...process.env, ...vigil.env }), { poolSize: 2 });
  await db.initialize();
  home = await createOrganization(db, 'home');
  other = await createOrganization(db, 'other');
  // The resources of `home`, made through the API by its owner (which checks that the owner may).
  const project = await call(home.ownerToken, 'POST', `organizations/${home.slug}/projects/`, { name: 'Home backend', slug: 'home-backend' });
  expect(project.status).toBe(201);
  ids.project = 'home-backend';
  const keys = await call(home.ownerToken, 'GET', `projects/${home.slug}/home-backend/keys/`);
  ids.key = (keys.json as Array<{ id: string }>)[0]!.id;
  const token = await call(home.ownerToken, 'POST', `organizations/${home.slug}/api-tokens/`, { name: 'ci', scope: 'write' });
  expect(token.status).toBe(201);
  ids.token = (token.json as { id: string }).id;
  const member = await call(home.ownerToken, 'POST', `organizations/${home.slug}/members/`, { email: 'dev@home.test', role: 'member' });
  expect(member.status).toBe(201);
  ids.member = (member.json as { id: string }).id;
  const team = await call(home.ownerToken, 'POST', `organizations/${home.slug}/teams/`, { slug: 'home-team', name: 'Home team' });
  expect(team.status).toBe(201);
  ids.team = 'home-team';
  expect((await call(home.ownerToken, 'POST', `organizations/${home.slug}/members/${ids.member}/teams/${ids.team}/`)).status).toBe(201);
}, 120000);

afterAll(async () => {
  await db?.destroy();
  await vigil?.stop();
});

describe("another organization's token", () => {
  it.each(ENDPOINTS.map((endpoint) => [label(endpoint), endpoint] as const))(
    '%s on the home organization answers 404 and nothing of it',
    async (_name, endpoint) => {
      const before = await accessFingerprint(db);
      const answer = await call(other.ownerToken, endpoint.method, fill(endpoint.path, home.slug), endpoint.body);
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ error: { code: 'unknown_organization', field: 'organization' } });
      for (const secret of homeSecrets()) expect(answer.text).not.toContain(secret);
      expect(await accessFingerprint(db)).toBe(before);
    },
  );

  // The same endpoints under the token's own organization, naming the home organization's resources by id or
  // slug: not found there either. List endpoints name nothing and must simply not show home's data.
  it.each(ENDPOINTS.filter((endpoint) => /\{(project|key|token|member|team)\}/.test(endpoint.path)).map((endpoint) => [label(endpoint), endpoint] as const))(
    "%s with the home organization's ids under its own organization answers 404",
    async (_name, endpoint) => {
      const before = await accessFingerprint(db);
      const path = fill(endpoint.path, other.slug);
      const answer = await call(other.ownerToken, endpoint.method, path, endpoint.body);
      expect(answer.status).toBe(404);
      expect((answer.json as { error: { code: string } }).error.code).toMatch(/^unknown_(project|key|token|member|team)$/);
      for (const secret of homeSecrets(path)) expect(answer.text).not.toContain(secret);
      expect(await accessFingerprint(db)).toBe(before);
    },
  );

  it("lists of its own organization show nothing of the home organization's", async () => {
    for (const path of ['projects/', 'api-tokens/', 'members/', 'teams/']) {
      const answer = await call(other.ownerToken, 'GET', `organizations/${other.slug}/${path}`);
      expect(answer.status).toBe(200);
      for (const secret of homeSecrets()) expect(answer.text).not.toContain(secret);
    }
  });

  it('an unknown organization answers the same 404 as a foreign one', async () => {
    const answer = await call(other.ownerToken, 'GET', 'organizations/no-such-organization/');
    expect(answer).toMatchObject({ status: 404, json: { error: { code: 'unknown_organization' } } });
  });
});

describe('credentials that may not write', () => {
  // Each row: who, and the code its 403 carries.
  const weak: Array<[string, () => Promise<string>, string]> = [
    ['an organization token with the read scope', () => addToken(db, home.id, null, 'read'), 'insufficient_scope'],
    [
      "a read-only member's personal token",
      async () => addToken(db, home.id, await addMember(db, home.id, `ro-${Date.now()}@home.test`, 'read-only'), 'write'),
      'insufficient_role',
    ],
    ["an owner's personal token with the read scope", () => addToken(db, home.id, home.ownerId, 'read'), 'insufficient_scope'],
    ['an organization token with the write scope (acts as a member)', () => addToken(db, home.id, null, 'write'), 'insufficient_role'],
    [
      "a member's personal token",
      async () => addToken(db, home.id, await addMember(db, home.id, `m-${Date.now()}@home.test`, 'member'), 'write'),
      'insufficient_role',
    ],
  ];

  describe.each(weak)('%s', (_who, makeToken, code) => {
    let token: string;
    beforeAll(async () => {
      token = await makeToken();
    });

    it.each(WRITES.map((endpoint) => [label(endpoint), endpoint] as const))('gets 403 on %s and nothing is written', async (_name, endpoint) => {
      const before = await accessFingerprint(db);
      const answer = await call(token, endpoint.method, fill(endpoint.path, home.slug), endpoint.body);
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: { code, field: 'authorization' } });
      expect(await accessFingerprint(db)).toBe(before);
    });

    it('may read the organization, its projects, keys, members and teams', async () => {
      for (const path of [
        `organizations/${home.slug}/`,
        `organizations/${home.slug}/projects/`,
        `projects/${home.slug}/${ids.project}/keys/`,
        `organizations/${home.slug}/members/`,
        `teams/${home.slug}/${ids.team}/members/`,
      ]) {
        expect((await call(token, 'GET', path)).status).toBe(200);
      }
    });
  });

  it('only admins and owners see the token list', async () => {
    const member = await addToken(db, home.id, await addMember(db, home.id, `lister-${Date.now()}@home.test`, 'member'), 'write');
    expect((await call(member, 'GET', `organizations/${home.slug}/api-tokens/`)).status).toBe(403);
    const admin = await addToken(db, home.id, await addMember(db, home.id, `admin-${Date.now()}@home.test`, 'admin'), 'write');
    const listed = await call(admin, 'GET', `organizations/${home.slug}/api-tokens/`);
    expect(listed.status).toBe(200);
    expect(listed.text).not.toMatch(/vgl_[0-9a-f]{40}/);
  });

  it('the organization says what the calling token may do', async () => {
    const read = await addToken(db, home.id, null, 'read');
    expect((await call(read, 'GET', `organizations/${home.slug}/`)).json).toMatchObject({ slug: home.slug, role: 'read-only', access: ['org:read'] });
    const owner = (await call(home.ownerToken, 'GET', `organizations/${home.slug}/`)).json as { role: string; access: string[] };
    expect(owner.role).toBe('owner');
    expect(owner.access).toEqual(expect.arrayContaining(['org:read', 'members:write', 'tokens:write', 'keys:write']));
  });
});

describe('roles and owners', () => {
  let org: TestOrganization;
  let adminToken: string;
  let adminId: string;

  beforeAll(async () => {
    org = await createOrganization(db, 'owners');
    const admin = await call(org.ownerToken, 'POST', `organizations/${org.slug}/members/`, { email: 'admin@owners.test', role: 'admin' });
    expect(admin.status).toBe(201);
    adminId = (admin.json as { id: string }).id;
    const token = await call(org.ownerToken, 'POST', `organizations/${org.slug}/api-tokens/`, { name: 'admin', scope: 'write', member: adminId });
    expect(token).toMatchObject({ status: 201, json: { member: { id: adminId }, role: 'admin' } });
    adminToken = (token.json as { token: string }).token;
  });

  const member = (id: string) => `organizations/${org.slug}/members/${id}/`;

  it('the last owner can be neither demoted nor removed, even by itself, and nothing changes', async () => {
    const before = await accessFingerprint(db);
    expect(await call(org.ownerToken, 'PUT', member(org.ownerId), { role: 'admin' })).toMatchObject({
      status: 409,
      json: { error: { code: 'last_owner', field: 'role' } },
    });
    expect(await call(org.ownerToken, 'DELETE', member(org.ownerId))).toMatchObject({ status: 409, json: { error: { code: 'last_owner' } } });
    expect(await accessFingerprint(db)).toBe(before);
    expect((await call(org.ownerToken, 'GET', member(org.ownerId))).json).toMatchObject({ role: 'owner' });
  });

  it('an admin may not make owners, touch an owner, or borrow an owner through a token', async () => {
    const before = await accessFingerprint(db);
    expect(await call(adminToken, 'PUT', member(adminId), { role: 'owner' })).toMatchObject({ status: 403, json: { error: { code: 'owner_required' } } });
    expect(await call(adminToken, 'PUT', member(org.ownerId), { role: 'member' })).toMatchObject({ status: 403, json: { error: { code: 'owner_required' } } });
    expect(await call(adminToken, 'PUT', member(org.ownerId), { name: 'Renamed' })).toMatchObject({ status: 403, json: { error: { code: 'owner_required' } } });
    expect(await call(adminToken, 'DELETE', member(org.ownerId))).toMatchObject({ status: 403, json: { error: { code: 'owner_required' } } });
    expect(await call(adminToken, 'POST', `organizations/${org.slug}/members/`, { email: 'boss@owners.test', role: 'owner' })).toMatchObject({
      status: 403,
      json: { error: { code: 'owner_required' } },
    });
    expect(await call(adminToken, 'POST', `organizations/${org.slug}/api-tokens/`, { name: 'borrowed', scope: 'write', member: org.ownerId })).toMatchObject({
      status: 403,
      json: { error: { code: 'owner_required' } },
    });
    expect(await accessFingerprint(db)).toBe(before);
  });

  it("a role change applies to the member's tokens at once", async () => {
    const added = await call(adminToken, 'POST', `organizations/${org.slug}/members/`, { email: 'dev@owners.test', role: 'admin' });
    expect(added.status).toBe(201);
    const devId = (added.json as { id: string }).id;
    const devToken = (
      (await call(adminToken, 'POST', `organizations/${org.slug}/api-tokens/`, { name: 'dev', scope: 'write', member: devId })).json as { token: string }
    ).token;
    expect((await call(devToken, 'POST', `organizations/${org.slug}/teams/`, { slug: 'dev-made' })).status).toBe(201);
    expect((await call(adminToken, 'PUT', member(devId), { role: 'read-only' })).json).toMatchObject({ role: 'read-only' });
    expect(await call(devToken, 'POST', `organizations/${org.slug}/teams/`, { slug: 'dev-made-2' })).toMatchObject({
      status: 403,
      json: { error: { code: 'insufficient_role' } },
    });
    // Removing the member removes its tokens.
    expect((await call(adminToken, 'DELETE', member(devId))).status).toBe(204);
    expect(await call(devToken, 'GET', `organizations/${org.slug}/`)).toMatchObject({ status: 401, json: { error: { code: 'invalid_token' } } });
  });

  it('with a second owner, an owner may step down; then the other is the last', async () => {
    const promoted = await call(org.ownerToken, 'PUT', member(adminId), { role: 'owner' });
    expect(promoted).toMatchObject({ status: 200, json: { role: 'owner' } });
    expect((await call(adminToken, 'PUT', member(org.ownerId), { role: 'admin' })).json).toMatchObject({ role: 'admin' });
    expect(await call(adminToken, 'PUT', member(adminId), { role: 'admin' })).toMatchObject({ status: 409, json: { error: { code: 'last_owner' } } });
    // The former owner, now an admin, may no longer touch the owner.
    expect((await call(org.ownerToken, 'DELETE', member(adminId))).status).toBe(403);
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const fresh = await createOrganization(db, 'race');
    const second = await call(fresh.ownerToken, 'POST', `organizations/${fresh.slug}/members/`, { email: 'second@race.test', role: 'owner' });
    const secondId = (second.json as { id: string }).id;
    const secondToken = (
      (await call(fresh.ownerToken, 'POST', `organizations/${fresh.slug}/api-tokens/`, { name: 'second', scope: 'write', member: secondId })).json as {
        token: string;
      }
    ).token;
    const answers = await Promise.all([
      call(fresh.ownerToken, 'PUT', `organizations/${fresh.slug}/members/${secondId}/`, { role: 'member' }),
      call(secondToken, 'PUT', `organizations/${fresh.slug}/members/${fresh.ownerId}/`, { role: 'member' }),
    ]);
    // Whichever commits first wins; the other's member is no longer an owner (its role is read again under the
    // organization's lock), so it is refused.
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403]);
    const owners: Array<{ count: string }> = await db.query(`SELECT count(*) AS count FROM members WHERE organization_id = $1 AND role = 'owner'`, [fresh.id]);
    expect(Number(owners[0]!.count)).toBe(1);
  });
});
