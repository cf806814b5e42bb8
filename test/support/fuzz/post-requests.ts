import fc from 'fast-check';
import { bodies } from './bodies.js';
import { headersOf, type FuzzRequest } from './exchange.js';
import { contentTypes, extraHeaders, requestIds } from './headers.js';
import { fieldsOf, type Route } from './routes.js';
import { authorizations, type Context } from './tokens.js';

/**
 * Requests to the POST routes of the OpenAPI document: generated bodies for
 * each route's fields, content types, request ids, bearer values and extra
 * headers. The fast layer and the emulator fuzz share it.
 */
export function postRequests(
  posts: Route[],
  context: Context,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .constantFrom(...posts)
    .chain((route) =>
      fc.record({
        path: fc.constant(route.path),
        body: bodies(fieldsOf(route, context)),
        contentType: contentTypes,
        requestId: requestIds,
        // Never the fuzz user's token on logout: it would be revoked.
        authorization: authorizations(context, {
          real: !route.path.endsWith('/logout'),
        }),
        extra: extraHeaders,
      }),
    )
    .map(
      ({
        path,
        body,
        contentType,
        requestId,
        authorization,
        extra,
      }): FuzzRequest => ({
        method: 'POST',
        path,
        headers: [
          ...headersOf({
            'content-type': contentType,
            'x-request-id': requestId,
            authorization,
          }),
          ...extra,
        ],
        body,
      }),
    );
}
