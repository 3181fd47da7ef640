import { randomUUID } from 'node:crypto';
import { waitFor } from '@vigil/testing';
import { apiCall, uniqueSlug, Vigil, type ApiAnswer } from './support';

/**
 * Credentials changed through the API reach ingest on the real stack: a revoked or rotated-away DSN key and a
 * rotated-away ping key stop working within seconds, and their replacements work. Ingest hears of the change
 * from the `projects`/`project_keys` NOTIFY triggers (decision 0006); nothing here restarts it.
 */

/** The bound the issue sets ("within seconds"): the refusal must come well inside it, not eventually. */
const REFUSED_WITHIN_MS = 10_000;

let vigil: Vigil;
let org: string;
let token: string;

interface Project {
  id: string;
  slug: string;
  pingKey: string;
}

interface Key {
  id: string;
  isActive: boolean;
  dsn: { public: string };
}

function call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return apiCall(vigil.api.url, token, method, path, body);
}

async function newProject(): Promise<{ project: Project; key: Key }> {
  const created = await call('POST', `organizations/${org}/projects/`, { name: uniqueSlug('creds') });
  expect(created.status).toBe(201);
  const project = created.json as Project;
  const keys = await call('GET', `projects/${org}/${project.slug}/keys/`);
  expect(keys.status).toBe(200);
  return { project, key: (keys.json as Key[])[0]! };
}

/** An envelope with one check-in, authenticated by `key`, to the project of the key's DSN. */
async function sendEnvelope(projectId: string, key: string, slug: string): Promise<Response> {
  const item = {
    check_in_id: randomUUID().replace(/-/g, ''),
    monitor_slug: slug,
    status: 'ok',
    monitor_config: { schedule: { type: 'interval', value: 1, unit: 'hour' } },
  };
  return fetch(`${vigil.ingestUrl}/api/${projectId}/envelope/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${key}, sentry_client=vigil-e2e/1.0` },
    body: [JSON.stringify({}), JSON.stringify({ type: 'check_in' }), JSON.stringify(item)].join('\n'),
  });
}

/** Polls until `probe` answers `status`, and returns that answer's body; fails after REFUSED_WITHIN_MS. */
async function untilStatus(what: string, status: number, probe: () => Promise<Response>): Promise<string> {
  let last = 'no answer yet';
  try {
    return await waitFor(
      what,
      async () => {
        const response = await probe();
        const text = await response.text();
        last = `${response.status} ${text}`;
        return response.status === status ? text : undefined;
      },
      { timeoutMs: REFUSED_WITHIN_MS, intervalMs: 50 },
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last answer: ${last}`);
  }
}

beforeAll(async () => {
  vigil = await Vigil.start();
  org = vigil.credentials.VIGIL_ORG;
  token = vigil.credentials.VIGIL_API_TOKEN;
}, 120000);

afterAll(async () => {
  await vigil?.stop();
});

describe('DSN keys at ingest', () => {
  it("a new project's key works at once; revoked through the API, ingest refuses it within seconds", async () => {
    const { project, key } = await newProject();
    const slug = uniqueSlug('revoke');
    expect((await sendEnvelope(project.id, key.id, slug)).status).toBe(200);

    expect((await call('DELETE', `projects/${org}/${project.slug}/keys/${key.id}/`)).status).toBe(204);
    const refused = await untilStatus('the revoked key to be refused', 403, () => sendEnvelope(project.id, key.id, slug));
    expect(JSON.parse(refused)).toMatchObject({ error: { code: 'unknown_key' } });
    // It stays listed, inactive; revoking it again changes nothing.
    expect((await call('GET', `projects/${org}/${project.slug}/keys/${key.id}/`)).json).toMatchObject({ id: key.id, isActive: false });
    expect((await call('DELETE', `projects/${org}/${project.slug}/keys/${key.id}/`)).status).toBe(204);
    expect((await sendEnvelope(project.id, key.id, slug)).status).toBe(403);
  });

  it('a rotated key is refused within seconds and its replacement works at once', async () => {
    const { project, key } = await newProject();
    const slug = uniqueSlug('rotate');
    expect((await sendEnvelope(project.id, key.id, slug)).status).toBe(200);

    const rotated = await call('POST', `projects/${org}/${project.slug}/keys/${key.id}/rotate/`);
    expect(rotated).toMatchObject({ status: 201, json: { name: 'Default', isActive: true } });
    const replacement = rotated.json as Key;
    expect(replacement.id).not.toBe(key.id);
    expect(new URL(replacement.dsn.public).username).toBe(replacement.id);

    await untilStatus('the rotated-away key to be refused', 403, () => sendEnvelope(project.id, key.id, slug));
    expect((await sendEnvelope(project.id, replacement.id, slug)).status).toBe(200);
    // A revoked key cannot be rotated again.
    expect(await call('POST', `projects/${org}/${project.slug}/keys/${key.id}/rotate/`)).toMatchObject({
      status: 409,
      json: { error: { code: 'key_revoked' } },
    });
  });

  it("a deleted project's keys stop working within seconds", async () => {
    const { project, key } = await newProject();
    const slug = uniqueSlug('deleted');
    expect((await sendEnvelope(project.id, key.id, slug)).status).toBe(200);
    expect((await call('DELETE', `projects/${org}/${project.slug}/`)).status).toBe(204);
    await untilStatus("the deleted project's key to be refused", 403, () => sendEnvelope(project.id, key.id, slug));
    expect((await call('GET', `projects/${org}/${project.slug}/`)).status).toBe(404);
  });
});

describe('the ping key at ingest', () => {
  it('a rotated ping key stops working on slug ping URLs within seconds; the new one works', async () => {
    const { project } = await newProject();
    const slug = uniqueSlug('ping');
    const ping = (pingKey: string, suffix = '') => fetch(`${vigil.ingestUrl}/ping/${pingKey}/${slug}${suffix}`);
    expect((await ping(project.pingKey, '?create=1')).status).toBe(201);
    expect((await ping(project.pingKey)).status).toBe(200);

    const rotated = await call('POST', `projects/${org}/${project.slug}/ping-key/rotate/`);
    expect(rotated.status).toBe(200);
    const next = (rotated.json as Project).pingKey;
    expect(next).not.toBe(project.pingKey);
    expect((rotated.json as { pingUrl: string }).pingUrl).toBe(`${vigil.env['VIGIL_PUBLIC_INGEST_URL']}/ping/${next}/`);

    // Healthchecks answers an unknown ping key 404 "not found", and so does Vigil for a rotated-away one.
    expect(await untilStatus('the old ping key to be refused', 404, () => ping(project.pingKey))).toBe('not found');
    expect((await ping(next)).status).toBe(200);
    expect((await ping(next, '/start')).status).toBe(200);
    expect((await call('GET', `projects/${org}/${project.slug}/`)).json).toMatchObject({ pingKey: next });
  });
});
