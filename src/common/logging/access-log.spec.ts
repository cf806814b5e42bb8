import fc from 'fast-check';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  AccessLogController,
  writeAccessLine,
  type AccessLine,
} from './access-log.js';
import { createLogger, lazyChildLogger } from './logger.js';

/** A logger as production makes it (JSON, info), writing into `lines`. */
function capture(level = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(
    { logLevel: level as 'info', logFormat: 'json' },
    { write: (chunk: string) => void lines.push(chunk) },
  );
  return { logger, lines };
}

afterEach(() => {
  vi.useRealTimers();
});

/** Any string a request line can carry: Node decodes it as latin1. */
const latin1 = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
const accessLine = fc.record<AccessLine>({
  requestId: fc.oneof(fc.uuid(), fc.stringMatching(/^[\w.:-]{1,128}$/)),
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'M"\\'),
  path: fc.oneof(latin1, fc.constant('/api/v1/pokemons')),
  status: fc.integer({ min: 100, max: 599 }),
  durationMs: fc.oneof(
    fc.integer({ min: 0, max: 100_000 }).map((tenths) => tenths / 10),
    fc.constantFrom(0, 0.1, 12.3, 1e21, NaN, Infinity),
  ),
});

describe('writeAccessLine', () => {
  it('writes what logger.info(line, "request") writes, byte for byte', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    fc.assert(
      fc.property(
        accessLine,
        fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }),
        (line, at) => {
          vi.setSystemTime(at);
          const fast = capture();
          const slow = capture();
          writeAccessLine(fast.logger, line);
          slow.logger.info(line, 'request');
          expect(fast.lines).toEqual(slow.lines);
          expect(fast.lines).toHaveLength(1);
        },
      ),
      { numRuns: 2000, seed: 14 },
    );
  });
});

describe('AccessLogController', () => {
  const request = {
    id: 'req-1',
    method: 'GET',
    url: '/api/v1/pokemons?email=a@b.c',
  } as unknown as FastifyRequest;
  const reply = {
    statusCode: 200,
    elapsedTime: 1.26,
  } as unknown as FastifyReply;

  it('writes one access line per answer: requestId, method, path without the query, status, durationMs', () => {
    const { logger, lines } = capture();
    new AccessLogController(logger).requestCompleted(null, request, reply);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      level: 30,
      time: expect.any(String),
      requestId: 'req-1',
      method: 'GET',
      path: '/api/v1/pokemons',
      status: 200,
      durationMs: 1.3,
      msg: 'request',
    });
  });

  it('writes none below its level, and an error line for a failed answer', () => {
    const quiet = capture('warn');
    const controller = new AccessLogController(quiet.logger);
    controller.requestCompleted(null, request, reply);
    expect(quiet.lines).toEqual([]);
    controller.requestCompleted(new TypeError('broken'), request, reply);
    expect(JSON.parse(quiet.lines[0])).toMatchObject({
      level: 50,
      requestId: 'req-1',
      path: '/api/v1/pokemons',
      err: { name: 'TypeError', message: 'broken' },
      msg: 'request',
    });
  });
});

describe('lazyChildLogger', () => {
  it('makes no child while its methods are only looked at (as Fastify does), and one bound to the request id once it logs', () => {
    const { logger, lines } = capture();
    const child = vi.spyOn(logger, 'child');
    const log = lazyChildLogger(logger as unknown as FastifyBaseLogger, {
      requestId: 'req-9',
    });
    for (const method of [
      'info',
      'error',
      'debug',
      'fatal',
      'warn',
      'trace',
      'child',
    ] as const) {
      expect(typeof log[method]).toBe('function');
    }
    expect(child).not.toHaveBeenCalled();
    log.error({ status: 500 }, 'request failed');
    log.info('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(
      lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    ).toMatchObject([
      { level: 50, requestId: 'req-9', status: 500, msg: 'request failed' },
      { level: 30, requestId: 'req-9', msg: 'again' },
    ]);
    expect(log.level).toBe('info');
  });
});
