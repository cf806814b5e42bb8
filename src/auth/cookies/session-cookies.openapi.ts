import type { OpenAPIObject } from '@nestjs/swagger';
import {
  ACCESS_COOKIE,
  COOKIES_ONLY_VALUE,
  REFRESH_COOKIE,
  REFRESH_COOKIE_PATH,
} from './session-cookies.js';

/** The security scheme of the access token cookie, beside `bearer`. */
export const COOKIE_SCHEME = 'cookie';
const BEARER_SCHEME = 'bearer';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const ISSUING = ['auth/login', 'auth/challenge', 'auth/refresh'];
const ENDING: [string, (typeof METHODS)[number]][] = [
  ['auth/logout', 'post'],
  ['auth/logout/all', 'post'],
  ['auth/me', 'delete'],
  ['auth/change-password', 'post'],
  ['auth/confirm-password', 'post'],
];

const SET_COOKIE = {
  description: `Cookie mode: \`${ACCESS_COOKIE}\` (Path=/) and, when the answer has a refresh token, \`${REFRESH_COOKIE}\` (Path=${REFRESH_COOKIE_PATH}); both HttpOnly, SameSite=Strict, Secure except in embedded mode`,
  schema: { type: 'string' },
};
const CLEAR_COOKIE = {
  description: `Cookie mode: \`${ACCESS_COOKIE}\` and \`${REFRESH_COOKIE}\` cleared (Max-Age=0) when the request carried them`,
  schema: { type: 'string' },
};

const COOKIES_ONLY_PARAMETER = {
  name: 'X-Auth-Cookies',
  in: 'header' as const,
  required: false,
  description: `Cookie mode: \`${COOKIES_ONLY_VALUE}\` asks for the tokens in the cookies only. A tokens answer then carries no token in its body, only \`expiresIn\`, \`tokenType\` and (login, challenge) \`username\`, so no script on the page can read one. A refresh that takes the refresh token from its cookie answers so without the mark. Ignored outside cookie mode.`,
  schema: { type: 'string', enum: [COOKIES_ONLY_VALUE] },
};

/**
 * Cookie mode in the OpenAPI document: the access token cookie as a second
 * way to authenticate wherever a bearer token is, the Set-Cookie headers
 * of the routes that set or clear the cookies, and the mark (X-Auth-Cookies)
 * by which a page asks those that issue tokens for cookies only.
 */
export function documentSessionCookies(
  document: OpenAPIObject,
  prefix: string,
): void {
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    [COOKIE_SCHEME]: {
      type: 'apiKey',
      in: 'cookie',
      name: ACCESS_COOKIE,
      description:
        'The access token cookie set by login, challenge and refresh (cookie mode); taken only when no Authorization header is sent. A POST, PUT, PATCH or DELETE that authenticates by it must send X-Requested-With (or an Origin equal to the API’s own), else 403 FORBIDDEN',
    },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const security = item[method]?.security;
      if (!security) continue;
      const bearer = security.some((entry) => BEARER_SCHEME in entry);
      const cookie = security.some((entry) => COOKIE_SCHEME in entry);
      if (bearer && !cookie) security.push({ [COOKIE_SCHEME]: [] });
    }
  }
  for (const path of ISSUING) {
    addHeader(document, `${prefix}/${path}`, 'post', '200', SET_COOKIE);
    const operation = document.paths[`${prefix}/${path}`]?.post;
    if (operation) {
      operation.parameters = [
        ...(operation.parameters ?? []),
        COOKIES_ONLY_PARAMETER,
      ];
    }
  }
  for (const [path, method] of ENDING) {
    const operation = document.paths[`${prefix}/${path}`]?.[method];
    const status = Object.keys(operation?.responses ?? {}).find((code) =>
      code.startsWith('2'),
    );
    if (status) {
      addHeader(document, `${prefix}/${path}`, method, status, CLEAR_COOKIE);
    }
  }
}

function addHeader(
  document: OpenAPIObject,
  path: string,
  method: (typeof METHODS)[number],
  status: string,
  header: { description: string; schema: { type: string } },
): void {
  const response = document.paths[path]?.[method]?.responses[status];
  if (!response || '$ref' in response) return;
  response.headers = { ...response.headers, 'Set-Cookie': header };
}
