import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiException, type ErrorCode } from '../errors/api-exception.js';

/** The one error body of the API. */
export interface ErrorBody {
  statusCode: number;
  error: ErrorCode;
  message: string | string[];
  requestId: string;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  503: 'IDP_UNAVAILABLE',
};

export const SENTENCE_BY_CODE: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid.',
  UNAUTHORIZED: 'A valid bearer token is required.',
  FORBIDDEN: 'You are not allowed to do this.',
  REAUTHENTICATION_REQUIRED:
    'This change needs a recent sign-in: sign in again, then retry.',
  NOT_FOUND: 'Nothing here.',
  REQUEST_TIMEOUT: 'The request took too long to arrive.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE:
    'The request body must be JSON (Content-Type: application/json).',
  HEADERS_TOO_LARGE:
    'The request head (request line and headers) is too large.',
  TOO_MANY_REQUESTS: 'Too many requests; try again later.',
  IDP_UNAVAILABLE: 'The identity provider cannot be reached; try again later.',
  STORE_UNAVAILABLE:
    'The shared session store cannot take or answer this; try again later.',
  INTERNAL: 'Something went wrong; the error was logged.',
};

/** Fastify's own client errors, which never pass through Nest's exceptions. */
export const FASTIFY_SENTENCES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: SENTENCE_BY_CODE.UNSUPPORTED_MEDIA_TYPE!,
  FST_ERR_CTP_BODY_TOO_LARGE: SENTENCE_BY_CODE.PAYLOAD_TOO_LARGE!,
  FST_ERR_BAD_URL: 'The URL is not valid (malformed percent-encoding).',
  FST_ERR_MAX_PARAM_LENGTH: 'A part of the URL is too long.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH:
    'The Content-Length header does not match the body.',
};

/**
 * Renders every error as `{statusCode, error, message, requestId}`. Nothing
 * else leaves: no stack, no SDK error name, no upstream message. 5xx answers
 * are logged with the request id and the original error.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toErrorBody(exception, String(request.id));
    if (body.statusCode >= 500) {
      const cause =
        exception instanceof HttpException
          ? (exception.cause ?? exception)
          : exception;
      request.log.error(
        {
          status: body.statusCode,
          error: body.error,
          path: request.url.split('?')[0],
          cause: describeCause(cause),
        },
        'request failed',
      );
    }
    if (exception instanceof ApiException && exception.retryAfterSeconds) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    void reply.status(body.statusCode).send(body);
  }
}

export function toErrorBody(exception: unknown, requestId: string): ErrorBody {
  if (exception instanceof ApiException) {
    return {
      statusCode: exception.getStatus(),
      error: exception.code,
      message: exception.messages,
      requestId,
    };
  }
  // Fastify's own client errors (body parsing) arrive wrapped by the adapter.
  const fastify =
    fastifyClientError(exception) ??
    (exception instanceof HttpException
      ? fastifyClientError(exception.cause)
      : undefined);
  if (fastify) {
    const error = codeFor(fastify.statusCode);
    const message =
      FASTIFY_SENTENCES[fastify.code] ??
      SENTENCE_BY_CODE[error] ??
      'Bad request.';
    return { statusCode: fastify.statusCode, error, message, requestId };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const error = codeFor(statusCode);
    const message =
      statusCode < 500 ? exception.message : SENTENCE_BY_CODE[error]!;
    return { statusCode, error, message, requestId };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: 'INTERNAL',
    message: SENTENCE_BY_CODE.INTERNAL!,
    requestId,
  };
}

/** The machine code of an error status (one the app has no own code for: by its class). */
export function codeFor(status: number): ErrorCode {
  return (
    CODE_BY_STATUS[status] ?? (status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL')
  );
}

function fastifyClientError(
  error: unknown,
): { statusCode: number; code: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code } = error as {
    statusCode?: unknown;
    code?: unknown;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500)
    return undefined;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return { statusCode, code: typeof code === 'string' ? code : '' };
}

/** What is logged of an unexpected error: its name, message and stack; no request data. */
function describeCause(cause: unknown): Record<string, unknown> {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      // Not `code`: that key is redacted in logs (confirmation codes).
      errorCode: code,
      message: cause.message,
      stack: cause.stack,
    };
  }
  return { value: String(cause) };
}
