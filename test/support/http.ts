export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client over real HTTP (fetch). */
export class Http {
  constructor(private readonly baseUrl: string) {}

  get<T = any>(
    path: string,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return this.send<T>('GET', path, undefined, token, headers);
  }

  post<T = any>(
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return this.send<T>('POST', path, body, token, headers);
  }

  /** Sends `raw` as the body as is, with the given headers. */
  async raw<T = any>(
    method: string,
    path: string,
    raw: string | undefined,
    headers: Record<string, string>,
  ): Promise<Answer<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      body: raw,
      headers,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  }

  private send<T>(
    method: string,
    path: string,
    body: unknown,
    token: string | undefined,
    headers: Record<string, string>,
  ): Promise<Answer<T>> {
    return this.raw<T>(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    );
  }
}

/** The error shape of every failure. */
export function expectError(
  answer: Answer,
  status: number,
  error: string,
): void {
  expect({ status: answer.status, error: answer.body?.error }).toEqual({
    status,
    error,
  });
  expect(Object.keys(answer.body).sort()).toEqual([
    'error',
    'message',
    'requestId',
    'statusCode',
  ]);
  expect(answer.body.statusCode).toBe(status);
  expect(answer.body.requestId).toEqual(expect.stringMatching(/^\S+$/));
  expect(answer.body.requestId).toBe(answer.headers.get('x-request-id'));
}
