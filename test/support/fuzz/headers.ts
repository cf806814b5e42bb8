import fc from 'fast-check';
import { REQUEST_ID } from '../../../src/app.factory.js';
import { headerText } from './text.js';

/** Request headers: content types, request ids, and others. */

export const contentTypes = fc.oneof(
  { weight: 24, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON',
      'APPLICATION/JSON; CHARSET=UTF-8',
      'application/json; charset="utf-8"',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=',
      'application/json;',
      'application/json ; foo=bar',
      'application/json, text/plain',
      'application/vnd.api+json',
      'application/problem+json',
      'application/jsonx',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'text/plain',
      'text/plain; charset=utf-8',
      'text/json',
      'multipart/form-data',
      'multipart/form-data; boundary=----fuzz',
      'application/x-www-form-urlencoded',
      'application/xml',
      'text/html',
      'application/octet-stream',
      '*/*',
      'json',
      ';',
      '',
      'application/',
      '/json',
    ),
  },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: headerText(60) },
);

export const requestIds = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.stringMatching(REQUEST_ID) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'a'.repeat(128),
      'a'.repeat(129),
      '../../etc/passwd',
      '<script>alert(1)</script>',
      '"quoted"',
      'id with spaces',
      'x\ty',
      '%0d%0aSet-Cookie: x=1',
      'caf\u00e9-1',
      '\u00ff\u00fe\u00fd',
      '${jndi:ldap://x}',
    ),
  },
  { weight: 2, arbitrary: headerText(64) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 129, max: 4_000 }).map((n) => 'r'.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(headerText(40), fc.integer({ min: 1, max: 100 }))
      .map(([text, n]) => text.repeat(n).slice(0, 4_000)),
  },
);

/** Other headers a client (or a proxy, or an attacker) may add. */
export const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'content-encoding',
      'accept',
      'accept-encoding',
      'accept-language',
      'origin',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-real-ip',
      'x-http-method-override',
      'cookie',
      'range',
      'if-none-match',
      'x-amz-target',
      'authorization',
      'x-request-id',
    ),
    fc.oneof(
      fc.constantFrom(
        'gzip',
        'deflate, br',
        'identity',
        '*/*',
        'text/html',
        'application/json;q=0',
        'https://evil.example',
        'null',
        '127.0.0.1, 10.0.0.1',
        'not-an-ip',
        'DELETE',
        'bytes=0-1',
        '"etag"',
        'AWSCognitoIdentityProviderService.AdminDeleteUser',
      ),
      headerText(60),
    ),
  ),
  { maxLength: 2 },
);
