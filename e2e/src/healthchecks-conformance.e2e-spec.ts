import { randomUUID } from 'node:crypto';
import { resetTestTopics, ServiceProcess, testConfig } from '@vigil/testing';
import { HealthchecksApi, uniqueSlug, Vigil } from './support';

/**
 * Vigil against Healthchecks' own answers, on the real stack (ingest, history, api as processes). Each expected
 * value is what Healthchecks (healthchecks/healthchecks at 29b5ec2: hc/api/views.py, urls.py, decorators.py)
 * answers the same request; where Vigil's body differs on purpose (its errors are JSON naming the field) the
 * test holds the status and what the README's "What differs from Healthchecks" says.
 */

let vigil: Vigil;
let scheduler: ServiceProcess;
let key: string;
let checks: HealthchecksApi;

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** A check as `/api/v3/` shows it: the fields these tests read (the assertions check the others). */
interface HcCheck {
  uuid: string;
  tz: string;
  status: string;
  n_pings: number;
  last_ping: string | null;
}

async function send<T = unknown>(method: string, url: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer<T>> {
  const response = await fetch(url, { method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json: json as T };
}

function v3<T = unknown>(method: string, path: string, init: { key?: string | null; contentType?: string; body?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  const apiKey = init.key === undefined ? key : init.key;
  if (apiKey !== null) headers['x-api-key'] = apiKey;
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  return send<T>(method, `${vigil.api.url}/api/v3/${path}`, { headers, ...(init.body === undefined ? {} : { body: init.body }) });
}

const JSON_TYPE = 'application/json';

async function newCheck(fields: Record<string, unknown> = {}): Promise<HcCheck> {
  const answer = await v3<HcCheck>('POST', 'checks/', {
    contentType: JSON_TYPE,
    body: JSON.stringify({ name: 'conformance', slug: uniqueSlug('conf'), ...fields }),
  });
  expect(answer.status).toBe(201);
  return answer.json;
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever ran before.
  await resetTestTopics(testConfig());
  vigil = await Vigil.start();
  scheduler = await ServiceProcess.start('scheduler', vigil.env);
  key = vigil.credentials.VIGIL_PROJECT_API_KEY;
  checks = new HealthchecksApi(vigil.api.url, key);
}, 120_000);

afterAll(async () => {
  await scheduler?.stop();
  await vigil?.stop();
});

describe('Management API: authentication comes before the body', () => {
  it.each([
    ['an empty JSON body', JSON_TYPE, ''],
    ['an empty object', JSON_TYPE, '{}'],
    ['fields that break the rules', JSON_TYPE, '{"timeout": "soon", "colour": 1}'],
    ['a form-encoded body (curl --data)', 'application/x-www-form-urlencoded', '{"name": "x"}'],
  ])('POST checks/ without a key and %s: 401', async (_what, contentType, body) => {
    const answer = await v3('POST', 'checks/', { key: null, contentType, body });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 'missing_api_key' } });
  });

  it('a body that is not a JSON object is a 400 even without a key (the key could have been in it)', async () => {
    expect((await v3('POST', 'checks/', { key: null, contentType: JSON_TYPE, body: '["name"]' })).status).toBe(400);
    expect((await v3('POST', 'checks/', { key: null, contentType: JSON_TYPE, body: '{"name":' })).status).toBe(400);
  });

  it('pause and resume take an empty JSON body, and no body at all', async () => {
    const check = await newCheck();
    expect(await v3('POST', `checks/${check.uuid}/pause`, { contentType: JSON_TYPE, body: '' })).toMatchObject({ status: 200, json: { status: 'paused' } });
    expect(await v3('POST', `checks/${check.uuid}/resume`, { contentType: JSON_TYPE, body: '' })).toMatchObject({ status: 200, json: { status: 'new' } });
    expect(await v3('POST', `checks/${check.uuid}/pause`)).toMatchObject({ status: 200, json: { status: 'paused' } });
    expect(await v3('POST', `checks/${check.uuid}/resume`, { contentType: JSON_TYPE, body: '{}' })).toMatchObject({ status: 200, json: { status: 'new' } });
  });
});

describe('Management API: bodies are read as Healthchecks reads them', () => {
  it('ignores fields it does not know, on create and on update', async () => {
    const slug = uniqueSlug('unknown');
    const created = await v3<HcCheck>('POST', 'checks/', {
      contentType: JSON_TYPE,
      body: JSON.stringify({ name: 'newer client', slug, timeout: 3600, start_kw_v2: 'x', colour: null }),
    });
    expect(created).toMatchObject({ status: 201, json: { name: 'newer client', slug, timeout: 3600 } });
    expect(created.json).not.toHaveProperty('colour');
    const updated = await v3('POST', `checks/${created.json.uuid}`, { contentType: JSON_TYPE, body: JSON.stringify({ grace: 120, not_a_field: [1, 2] }) });
    expect(updated).toMatchObject({ status: 200, json: { grace: 120, timeout: 3600 } });
  });

  it("reads a JSON body sent form-encoded, as curl --data sends it in Healthchecks' own examples", async () => {
    const slug = uniqueSlug('form');
    const answer = await v3('POST', 'checks/', {
      contentType: 'application/x-www-form-urlencoded',
      body: JSON.stringify({ name: 'from curl', slug, timeout: 600 }),
    });
    expect(answer).toMatchObject({ status: 201, json: { name: 'from curl', slug, timeout: 600 } });
  });

  it.each([
    ['timeout', '{"timeout": 3600.0}'],
    ['grace', '{"grace": 60.0}'],
    ['timeout', '{"name": "x", "timeout": 36e2}'],
  ])('refuses an integer written as a float (%s), as Healthchecks refuses it, writing nothing', async (field, body) => {
    const check = await newCheck({ timeout: 600, grace: 300 });
    const created = await v3('POST', 'checks/', { contentType: JSON_TYPE, body });
    expect(created).toMatchObject({ status: 400, json: { error: { code: `invalid_${field}`, field } } });
    const updated = await v3('POST', `checks/${check.uuid}`, { contentType: JSON_TYPE, body });
    expect(updated).toMatchObject({ status: 400, json: { error: { field } } });
    expect(await v3('GET', `checks/${check.uuid}`)).toMatchObject({ json: { timeout: 600, grace: 300 } });
  });

  it('an integer field written as an integer, next to a float elsewhere, is fine', async () => {
    const answer = await v3('POST', 'checks/', {
      contentType: JSON_TYPE,
      body: `{"name": "2.5 jobs", "slug": "${uniqueSlug('int')}", "timeout": 3600, "desc": "3600.0"}`,
    });
    expect(answer).toMatchObject({ status: 201, json: { timeout: 3600, desc: '3600.0' } });
  });

  it.each([
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['US/Eastern', 'America/New_York'],
    ['Europe/Berlin', 'Europe/Berlin'],
  ])('stores the zone %s as %s', async (given, stored) => {
    const check = await newCheck({ schedule: '0 3 * * *', tz: given });
    expect(check.tz).toBe(stored);
    expect((await v3<HcCheck>('GET', `checks/${check.uuid}`)).json.tz).toBe(stored);
  });
});

describe('Management API: HTTP manners', () => {
  it.each([
    ['PUT', 'checks/', 'GET, POST, OPTIONS'],
    ['DELETE', 'checks/', 'GET, POST, OPTIONS'],
    ['PATCH', `checks/${randomUUID()}`, 'GET, POST, DELETE, OPTIONS'],
    ['GET', `checks/${randomUUID()}/pause`, 'POST, OPTIONS'],
    ['DELETE', `checks/${randomUUID()}/resume`, 'POST, OPTIONS'],
    ['POST', `checks/${randomUUID()}/pings/`, 'GET, OPTIONS'],
    ['POST', 'channels/', 'GET, OPTIONS'],
  ])('%s %s is a 405 with CORS, not a 404', async (method, path, methods) => {
    const answer = await v3(method, path);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-methods')).toBe(methods);
  });

  it('a path that is not a route stays a 404', async () => {
    expect((await v3('GET', 'no-such-thing/')).status).toBe(404);
  });

  it('OPTIONS preflights are 204 with the methods, X-Api-Key and a max age, without a key', async () => {
    const check = await newCheck();
    for (const [path, methods] of [
      ['checks/', 'GET, POST, OPTIONS'],
      [`checks/${check.uuid}`, 'GET, POST, DELETE, OPTIONS'],
      [`checks/${check.uuid}/pause`, 'POST, OPTIONS'],
      [`checks/${check.uuid}/flips/`, 'GET, OPTIONS'],
      ['channels/', 'GET, OPTIONS'],
    ] as const) {
      const answer = await send('OPTIONS', `${vigil.api.url}/api/v3/${path}`, {
        headers: { origin: 'https://dash.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
      });
      expect({ path, status: answer.status, text: answer.text }).toEqual({ path, status: 204, text: '' });
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('access-control-allow-headers')).toBe('X-Api-Key');
      expect(answer.headers.get('access-control-allow-methods')).toBe(methods);
      expect(answer.headers.get('access-control-max-age')).toBe('600');
    }
  });

  it('every answer, errors included, carries Access-Control-Allow-Origin: *', async () => {
    const check = await newCheck();
    for (const answer of [
      await v3('GET', 'checks/'),
      await v3('GET', `checks/${check.uuid}`),
      await v3('GET', 'checks/', { key: null }),
      await v3('GET', `checks/${randomUUID()}`),
    ]) {
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('GET status/ answers OK without a key', async () => {
    const answer = await v3('GET', 'status/', { key: null });
    expect(answer).toMatchObject({ status: 200, text: 'OK' });
  });
});

describe('ping URLs: bodies, headers and URL forms', () => {
  it('a body that is not UTF-8 comes back from the body endpoint byte for byte', async () => {
    const check = await newCheck();
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x0a, 0xe2, 0x82]);
    expect((await send('POST', `${vigil.ingestUrl}/ping/${check.uuid}`, { body: bytes })).status).toBe(200);
    const utf8 = Buffer.from('Grüße, 日本\n\u0000end', 'utf8');
    expect((await send('POST', `${vigil.ingestUrl}/ping/${check.uuid}/fail`, { body: utf8 })).status).toBe(200);
    const [second, first] = await checks.waitForPings(check.uuid, 2);
    const body = async (n: number): Promise<{ bytes: Buffer; type: string | null }> => {
      const response = await fetch(`${vigil.api.url}/api/v3/checks/${check.uuid}/pings/${n}/body`, { headers: { 'x-api-key': key } });
      expect(response.status).toBe(200);
      return { bytes: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') };
    };
    const raw = await body(first!.n);
    expect(raw.bytes.equals(bytes)).toBe(true);
    expect(raw.type).toBe('text/plain');
    const text = await body(second!.n);
    expect(text.bytes.equals(utf8)).toBe(true);
    expect(text.type).toBe('text/plain; charset=utf-8');
  });

  it('a body cut at the limit inside a character keeps the bytes up to the limit', async () => {
    const check = await newCheck();
    const limit = Number((await send('GET', `${vigil.ingestUrl}/ping/${check.uuid}/log`)).headers.get('ping-body-limit'));
    const posted = Buffer.concat([Buffer.alloc(limit - 1, 0x61), Buffer.from('€', 'utf8')]);
    expect((await send('POST', `${vigil.ingestUrl}/ping/${check.uuid}`, { body: posted })).status).toBe(200);
    const pings = await checks.waitForPings(check.uuid, 2);
    const response = await fetch(`${vigil.api.url}/api/v3/checks/${check.uuid}/pings/${pings[0]!.n}/body`, { headers: { 'x-api-key': key } });
    expect(Buffer.from(await response.arrayBuffer()).equals(posted.subarray(0, limit))).toBe(true);
  });

  it('keeps 200 characters of the user agent', async () => {
    const check = await newCheck();
    const agent = `job/1.0 ${'x'.repeat(292)}`;
    expect((await send('GET', `${vigil.ingestUrl}/ping/${check.uuid}`, { headers: { 'user-agent': agent } })).status).toBe(200);
    const [ping] = await checks.waitForPings(check.uuid, 1);
    expect(ping!.ua).toBe(agent.slice(0, 200));
  });

  it('a slug over 100 characters is answered in plain text: 404 not found, 400 with ?create=1', async () => {
    const long = `a${'b'.repeat(120)}`;
    const base = `${vigil.ingestUrl}/ping/${vigil.credentials.VIGIL_PING_KEY}/${long}`;
    for (const [url, status, text] of [
      [base, 404, 'not found'],
      [`${base}/start`, 404, 'not found'],
      [`${base}?create=1`, 400, 'invalid url format: a slug has at most 50 characters'],
      [`${vigil.ingestUrl}/ping/${'k'.repeat(150)}/${long}`, 404, 'not found'],
    ] as const) {
      const answer = await send('GET', url);
      expect({ url, status: answer.status, text: answer.text, type: answer.headers.get('content-type') }).toEqual({
        url,
        status,
        text,
        type: 'text/plain; charset=utf-8',
      });
    }
  });

  it('an upper-case slug is a bad URL; a segment that cannot be a slug is not found', async () => {
    const key = vigil.credentials.VIGIL_PING_KEY;
    expect(await send('GET', `${vigil.ingestUrl}/ping/${key}/Nightly`)).toMatchObject({ status: 400, text: 'invalid url format' });
    expect(await send('GET', `${vigil.ingestUrl}/ping/${key}/night.ly`)).toMatchObject({ status: 404, text: 'not found' });
  });

  it('an upper-case uuid is a 404, as in Healthchecks, and records nothing', async () => {
    const check = await newCheck();
    const upper = String(check.uuid).toUpperCase();
    for (const suffix of ['', '/start', '/fail', '/0', '/log']) {
      expect(await send('GET', `${vigil.ingestUrl}/ping/${upper}${suffix}`)).toMatchObject({ status: 404, text: 'not found' });
    }
    expect(await send('GET', `${vigil.ingestUrl}/ping/${check.uuid}/log`)).toMatchObject({ status: 200, text: 'OK' });
    const pings = await checks.waitForPings(check.uuid, 1);
    expect(pings.map((ping) => ping.type)).toEqual(['log']);
  });
});

describe('read after write', () => {
  /**
   * Healthchecks applies a ping before answering it; Vigil answers once Kafka has the ping, and the check's reads
   * show it once history stored it (n_pings, last_ping, the pings list) and the scheduler judged it (status).
   * README, "What differs from Healthchecks", states this window; here it is measured on the real stack.
   */
  it('a ping shows in the check (counted, last_ping, up) once history and the scheduler applied it', async () => {
    const windows: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const check = await newCheck({ timeout: 3600 });
      const answered = await send('GET', `${vigil.ingestUrl}/ping/${check.uuid}`);
      expect(answered.status).toBe(200);
      const acknowledged = Date.now();
      let seen: HcCheck;
      for (;;) {
        seen = (await v3<HcCheck>('GET', `checks/${check.uuid}`)).json;
        if (seen.status === 'up' && seen.n_pings === 1 && seen.last_ping !== null) break;
        expect(Date.now() - acknowledged).toBeLessThan(20_000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      windows.push(Date.now() - acknowledged);
    }
    process.stdout.write(`read-after-write windows (ms, ping answered → status up and counted): ${windows.join(', ')}\n`);
  });
});
