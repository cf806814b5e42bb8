import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiException } from '../errors/api-exception.js';
import { toErrorBody } from './api-exception.filter.js';

const REQUEST_ID = 'req-42';

describe('toErrorBody', () => {
  it('renders an ApiException with its own status, code and message', () => {
    const exception = new ApiException(
      HttpStatus.CONFLICT,
      'USER_EXISTS',
      'An account with this email already exists.',
    );
    expect(toErrorBody(exception, REQUEST_ID)).toEqual({
      statusCode: 409,
      error: 'USER_EXISTS',
      message: 'An account with this email already exists.',
      requestId: REQUEST_ID,
    });
  });

  it('keeps the list of sentences of a validation ApiException', () => {
    const exception = new ApiException(
      HttpStatus.BAD_REQUEST,
      'PASSWORD_POLICY',
      ['password must contain a digit', 'password must contain a symbol'],
    );
    expect(toErrorBody(exception, REQUEST_ID).message).toEqual([
      'password must contain a digit',
      'password must contain a symbol',
    ]);
  });

  it('does not render the cause of an ApiException', () => {
    const exception = new ApiException(
      HttpStatus.SERVICE_UNAVAILABLE,
      'IDP_UNAVAILABLE',
      'The identity provider cannot be reached; try again later.',
      { cause: new Error('connect ECONNREFUSED 10.0.0.7:443') },
    );
    expect(JSON.stringify(toErrorBody(exception, REQUEST_ID))).not.toContain(
      'ECONNREFUSED',
    );
  });

  it.each<[string, number, string, HttpException]>([
    [
      'BadRequestException',
      400,
      'VALIDATION_FAILED',
      new BadRequestException('Bad input'),
    ],
    ['UnauthorizedException', 401, 'UNAUTHORIZED', new UnauthorizedException()],
    ['ForbiddenException', 403, 'FORBIDDEN', new ForbiddenException()],
    [
      'NotFoundException',
      404,
      'NOT_FOUND',
      new NotFoundException('Cannot GET /x'),
    ],
    [
      'PayloadTooLargeException',
      413,
      'PAYLOAD_TOO_LARGE',
      new PayloadTooLargeException(),
    ],
    [
      'HttpException 429',
      429,
      'TOO_MANY_REQUESTS',
      new HttpException('Too many', 429),
    ],
    [
      'HttpException 418',
      418,
      'VALIDATION_FAILED',
      new HttpException('Teapot', 418),
    ],
  ])('renders Nest %s as %i %s', (_label, statusCode, error, exception) => {
    const body = toErrorBody(exception, REQUEST_ID);
    expect(body.statusCode).toBe(statusCode);
    expect(body.error).toBe(error);
    expect(typeof body.message).toBe('string');
  });

  it('keeps the message of a Nest 4xx exception', () => {
    expect(
      toErrorBody(new NotFoundException('No Pokemon 9999.'), REQUEST_ID)
        .message,
    ).toBe('No Pokemon 9999.');
  });

  it('replaces the message of a 500 HttpException with the generic sentence', () => {
    const body = toErrorBody(
      new InternalServerErrorException('pool us-east-1_X misconfigured'),
      REQUEST_ID,
    );
    expect(body).toEqual({
      statusCode: 500,
      error: 'INTERNAL',
      message: 'Something went wrong; the error was logged.',
      requestId: REQUEST_ID,
    });
  });

  it('replaces the message of a Nest 503 with a sentence, never leaving it out', () => {
    const body = toErrorBody(
      new ServiceUnavailableException('redis at 10.0.0.9 is down'),
      REQUEST_ID,
    );
    expect(body.statusCode).toBe(503);
    expect(body.error).toBe('IDP_UNAVAILABLE');
    expect(typeof body.message).toBe('string');
    expect(body.message).not.toBe('');
    expect(JSON.stringify(body)).not.toContain('10.0.0.9');
  });

  it('answers a plain Error with 500 INTERNAL and none of its text', () => {
    const body = toErrorBody(new Error('secret internals'), REQUEST_ID);
    expect(body).toEqual({
      statusCode: 500,
      error: 'INTERNAL',
      message: 'Something went wrong; the error was logged.',
      requestId: REQUEST_ID,
    });
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });

  it.each([
    ['a string', 'secret internals'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a 5xx statusCode', { statusCode: 502, code: 'X' }],
    ['an object with a string statusCode', { statusCode: '400' }],
  ])('answers %s with 500 INTERNAL', (_label, exception) => {
    const body = toErrorBody(exception, REQUEST_ID);
    expect(body.statusCode).toBe(500);
    expect(body.error).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });

  it.each([
    [
      'FST_ERR_CTP_INVALID_JSON_BODY',
      400,
      'VALIDATION_FAILED',
      'The request body is not valid JSON.',
    ],
    [
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      400,
      'VALIDATION_FAILED',
      'The request body is empty; send a JSON object.',
    ],
    [
      'FST_ERR_CTP_BODY_TOO_LARGE',
      413,
      'PAYLOAD_TOO_LARGE',
      'The request body is too large.',
    ],
    [
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'The request body must be JSON (Content-Type: application/json).',
    ],
  ])(
    'renders the Fastify error %s as %i %s with a sentence of its own',
    (code, statusCode, error, message) => {
      const fastifyError = Object.assign(
        new Error(
          `Body is not valid JSON but content-type is set to 'application/json'`,
        ),
        { statusCode, code },
      );
      expect(toErrorBody(fastifyError, REQUEST_ID)).toEqual({
        statusCode,
        error,
        message,
        requestId: REQUEST_ID,
      });
    },
  );

  it('renders a plain Fastify-like object {statusCode: 400, code} too', () => {
    expect(
      toErrorBody(
        { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' },
        REQUEST_ID,
      ),
    ).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'The request body is not valid JSON.',
      requestId: REQUEST_ID,
    });
  });

  it('renders a Fastify body error wrapped in a Nest exception by its own sentence, not the parser text', () => {
    const parserError = Object.assign(
      new SyntaxError('Unexpected token } in JSON at position 10'),
      { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' },
    );
    const wrapped = new BadRequestException(parserError.message, {
      cause: parserError,
    });
    expect(toErrorBody(wrapped, REQUEST_ID)).toEqual({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'The request body is not valid JSON.',
      requestId: REQUEST_ID,
    });
  });

  it('does not pass on the text of an unknown Fastify 4xx error', () => {
    const body = toErrorBody(
      Object.assign(new Error('parser internals at line 3'), {
        statusCode: 400,
        code: 'FST_ERR_SOMETHING_NEW',
      }),
      REQUEST_ID,
    );
    expect(body.statusCode).toBe(400);
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toContain('parser internals');
  });

  it.each([
    ['an ApiException', new ApiException(401, 'UNAUTHORIZED', 'No.')],
    ['a Nest exception', new NotFoundException()],
    ['a 500 HttpException', new HttpException('x', 500)],
    ['a Nest 503', new ServiceUnavailableException()],
    ['a plain Error', new Error('x')],
    [
      'a Fastify error',
      { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' },
    ],
  ])(
    'gives %s exactly statusCode, error, message and requestId, all set',
    (_label, exception) => {
      const body = toErrorBody(exception, 'abc-123');
      expect(Object.keys(body).sort()).toEqual([
        'error',
        'message',
        'requestId',
        'statusCode',
      ]);
      expect(body.requestId).toBe('abc-123');
      expect(body.message).toBeDefined();
      expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    },
  );
});
