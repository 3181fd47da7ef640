import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { VigilConfig } from '@vigil/config';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSessionRepository } from '../auth/web-session.repository';
import type { ApiAnswer, ApiErrorBody } from '../http/api-client';
import { PageError, type Session } from '../page-context';
import { nextCursor } from '../page-data';
import type { DashboardViews, PageFrame, SessionView } from '../views/dashboard-views';

export type Form = Record<string, string | undefined>;
export type PageHandler = (request: FastifyRequest, reply: FastifyReply, session: Session) => Promise<FastifyReply>;

/**
 * What dashboard.routes.ts lends the pages registered outside it: the Fastify instance, its wrappers for
 * signed-in pages (session, CSRF on every POST, error pages) and the views. Each page file reads and writes only
 * through `session.api` (Vigil's own API), except where the API has nothing to say: the member's own password
 * and invite links (web sessions are the dashboard's, decision 0024).
 */
export interface PageKit {
  app: NestFastifyApplication;
  fastify: FastifyInstance;
  config: VigilConfig;
  views: DashboardViews;
  sessions: WebSessionRepository;
  page: (handler: PageHandler) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  html: (reply: FastifyReply, status: number, body: string) => FastifyReply;
  sessionView: (session: Session) => Promise<SessionView>;
}

/** Renders a whole page for a signed-in member, with the main nav marking `current`. */
export async function renderPage(kit: PageKit, session: Session, frame: Omit<PageFrame, 'session' | 'csrf'>, template: string, data: object): Promise<string> {
  return kit.views.page({ ...frame, session: await kit.sessionView(session), csrf: session.csrf }, template, { csrf: session.csrf, ...data });
}

export const orgPath = (org: string): string => `/api/0/organizations/${encodeURIComponent(org)}`;
export const projectPath = (org: string, project: string): string => `/api/0/projects/${encodeURIComponent(org)}/${encodeURIComponent(project)}`;
export const webPath = (org: string, rest: string): string => `/orgs/${encodeURIComponent(org)}/${rest}`;

/** The permissions the signed-in member holds in `org` (the API's own answer: `GET /organizations/<org>/`). */
export async function accessOf(session: Session, org: string): Promise<Set<string>> {
  const answer = await session.api.get<{ access: string[] }>(`${orgPath(org)}/`);
  if (answer.status !== 200) throw failure(answer);
  return new Set(answer.body.access);
}

/** An API answer a page cannot use, as the error page the person sees: 404 stays 404 (another organization, a missing object). */
export function failure(answer: ApiAnswer<unknown>, what = 'There is nothing here.'): PageError {
  const error = (answer.body as ApiErrorBody | null)?.error;
  if (answer.status === 404) return new PageError(404, 'Not found', error?.message ?? what);
  if (answer.status === 403) return new PageError(403, 'Not allowed', error?.message ?? 'Your role does not allow this.');
  if (answer.status === 401) return new PageError(401, 'Signed out', 'Your session ended: sign in again.');
  return new PageError(
    answer.status >= 400 && answer.status < 600 ? answer.status : 502,
    'Something went wrong',
    error?.message ?? `the API answered ${answer.status}`,
  );
}

/** The form field an API error names: `config.url` is `url`, `environments[2]` is `environments`, `config.to[0]` is `to`. */
export function formFieldOf(apiField: string | undefined): string | null {
  if (!apiField) return null;
  const name = apiField
    .replace(/^config\./, '')
    .replace(/\[\d+\]$/, '')
    .replace(/\..*$/, '');
  return name === '' ? null : name;
}

/** An API refusal as the form shows it: the message beside the field it names when the form has that field, else at the top. */
export interface FormRefusal {
  status: number;
  error: string;
  fieldErrors: Record<string, string>;
}

export function refusalOf(answer: ApiAnswer<unknown>, fields: readonly string[]): FormRefusal {
  if (answer.status === 403 || answer.status === 404 || answer.status === 401 || answer.status >= 500) throw failure(answer);
  const error = (answer.body as ApiErrorBody | null)?.error;
  const message = error?.message ?? `the API answered ${answer.status}`;
  const field = formFieldOf(error?.field);
  if (field !== null && fields.includes(field))
    return { status: answer.status, error: 'Nothing was saved: see the field marked below.', fieldErrors: { [field]: message } };
  return { status: answer.status, error: message, fieldErrors: {} };
}

/** Text of an instant with its zone (UTC on the server; the browser script rewrites `data-local` times into the viewer's zone). */
export function utcText(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)} UTC`;
}

/** Milliseconds as people read them. */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return minutes < 60 ? `${minutes} min ${seconds} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A text field of a form, trimmed, at most `max` characters (longer input is cut, and the API names any rule it breaks). */
export function field(form: Form, name: string, max = 2000): string {
  return (form[name] ?? '').trim().slice(0, max);
}

/**
 * Every item of a paged API list (`per_page=100`, following the `Link` header's next cursor), up to `maxPages`
 * pages; `more` says the list went on past them.
 */
export async function readAll<T>(session: Session, path: string, maxPages = 10): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const answer: ApiAnswer<T[]> = await session.api.get<T[]>(`${path}${separator}per_page=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (answer.status !== 200) throw failure(answer);
    items.push(...answer.body);
    cursor = nextCursor(answer.headers['link']);
    if (cursor === null) return { items, more: false };
  }
  return { items, more: true };
}
