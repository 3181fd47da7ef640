import { waitFor } from '@vigil/testing';

/** One ping as `GET /api/v3/checks/<uuid>/pings/` lists them (newest first), the fields the tests read. */
export interface HealthchecksPing {
  type: 'start' | 'success' | 'fail' | 'log' | 'ign';
  /** Counts the check's pings from 1, oldest first. */
  n: number;
  date: string;
  ua: string;
  /** The rid the ping named; null when it named none. */
  rid: string | null;
  body_url: string | null;
  /** Seconds since the start of the run, on success and fail pings that close one. */
  duration?: number;
}

/** Reads checks' pings back through the Healthchecks-shaped API (`/api/v3/`) with a project API key. */
export class HealthchecksApi {
  constructor(
    readonly url: string,
    private readonly apiKey: string,
  ) {}

  private async get(path: string): Promise<Response> {
    return fetch(`${this.url}/api/v3/checks/${path}`, { headers: { 'x-api-key': this.apiKey } });
  }

  async pings(uuid: string): Promise<HealthchecksPing[]> {
    const response = await this.get(`${encodeURIComponent(uuid)}/pings/`);
    if (response.status !== 200) throw new Error(`GET pings of ${uuid}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { pings: HealthchecksPing[] }).pings;
  }

  /** The body ping `n` carried (the job's output), or null when it had none. */
  async pingBody(uuid: string, n: number): Promise<string | null> {
    const response = await this.get(`${encodeURIComponent(uuid)}/pings/${n}/body`);
    const text = await response.text();
    if (response.status === 404 && text.includes('"no_ping_body"')) return null;
    if (response.status !== 200) throw new Error(`GET body of ping ${n} of ${uuid}: ${response.status} ${text}`);
    return text;
  }

  /** Polls the pings (history writes them asynchronously) until there are `count`; the error shows the last seen. */
  async waitForPings(uuid: string, count: number, timeoutMs = 20000): Promise<HealthchecksPing[]> {
    let last: HealthchecksPing[] | string = 'nothing yet';
    try {
      return await waitFor(
        `${count} ping(s) of ${uuid}`,
        async () => {
          last = await this.pings(uuid);
          return last.length === count ? last : undefined;
        },
        { timeoutMs, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast seen: ${JSON.stringify(last, null, 2)}`);
    }
  }
}
