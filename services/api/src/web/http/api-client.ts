import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** An answer of Vigil's API as the dashboard reads it. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Record<string, string | number | string[] | undefined>;
}

/** The error body every API error has. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; field?: string };
}

/**
 * Vigil's own API, called in-process (Fastify's `inject`: no socket) with the signed-in member's session token as
 * the Bearer token. Every page reads and writes only through it, so everything a person sees a script can read
 * with a token, and the API's validation and roles apply to the dashboard unchanged.
 */
export class ApiClient {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly token: string,
  ) {}

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await this.app.inject({
      method,
      url: path,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const text = response.body;
    const parsed: unknown = text === '' ? null : (JSON.parse(text) as unknown);
    return { status: response.statusCode, body: parsed as T, headers: response.headers };
  }

  get<T>(path: string): Promise<ApiAnswer<T>> {
    return this.call<T>('GET', path);
  }
}

/** A query string from values, repeating arrays (`?environment=a&environment=b`), leaving out empty ones. */
export function queryString(values: Record<string, string | number | readonly string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(name, item);
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
