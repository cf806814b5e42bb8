// Calls to the API, in cookie mode: the browser sends the HttpOnly cookies
// the API set at login; the page never sees a token. X-Requested-With
// marks every call as the page's own (the API refuses a cookie-authenticated
// state-changing request without it: a cross-site form cannot add it).
// X-Auth-Cookies: only asks login, challenge and refresh to keep the tokens
// in the cookies: their bodies carry only expiresIn, tokenType and username.

export const API = '/api/v1';

/** An API error: the contract's {statusCode, error, message, requestId}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(messageOf(status, body));
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof body?.error === 'string' ? body.error : undefined;
    this.requestId =
      typeof body?.requestId === 'string' ? body.requestId : undefined;
  }
}

/** The message an error answer carries (a list of sentences for a bad body). */
export function messageOf(status, body) {
  const message = body?.message;
  if (Array.isArray(message) && message.length > 0) return message.join(' ');
  if (typeof message === 'string' && message !== '') return message;
  return `The API answered ${status}.`;
}

/**
 * One call. Resolves to {status, body, headers}; rejects with an ApiError
 * for any answer of 400 or more (status 0: the API cannot be reached).
 */
export async function call(method, path, body) {
  const init = {
    method,
    headers: {
      'X-Requested-With': 'XMLHttpRequest',
      'X-Auth-Cookies': 'only',
      Accept: 'application/json',
    },
    credentials: 'same-origin',
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new ApiError(0, {
      message: 'The API cannot be reached. Is it running?',
    });
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed, headers: response.headers };
}
