import type { ApiAnswer, ApiClient, ApiErrorBody } from './http/api-client';

/** A signed-in member, as each request finds it from the session cookie. */
export interface Session {
  token: string;
  org: string;
  memberId: string;
  role: string;
  csrf: string;
  api: ApiClient;
}

/** Thrown by a handler to answer with an error page. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly heading: string,
    message: string,
  ) {
    super(message);
  }
}

/** An API answer that is not the success a page needs, as the page the person sees. */
export function apiFailure(answer: ApiAnswer<unknown>): PageError {
  const error = (answer.body as ApiErrorBody | null)?.error;
  if (answer.status === 404) return new PageError(404, 'Not found', error?.message ?? 'There is nothing here.');
  if (answer.status === 403) return new PageError(403, 'Not allowed', error?.message ?? 'Your role does not allow this.');
  return new PageError(
    answer.status >= 400 && answer.status < 600 ? answer.status : 502,
    'Something went wrong',
    error?.message ?? `the API answered ${answer.status}`,
  );
}
