import { pino } from 'pino';
import { writeAccessLine } from './access-log.js';
import {
  TurnBatchedStream,
  type FlushableStream,
} from './turn-batched-stream.js';

function target(): FlushableStream & { writes: string[]; flushes: number } {
  const writes: string[] = [];
  return {
    writes,
    flushes: 0,
    write(chunk: string) {
      writes.push(chunk);
    },
    flushSync() {
      this.flushes += 1;
    },
  };
}

const nextTurn = (): Promise<void> => new Promise((done) => setImmediate(done));

describe('TurnBatchedStream', () => {
  it('hands the lines of one turn to the stream in one write, in order, and the next turn in another', async () => {
    const out = target();
    const stream = new TurnBatchedStream(out);
    stream.write('a\n');
    stream.write('b\n');
    stream.write('c\n');
    expect(out.writes).toEqual([]);
    await nextTurn();
    expect(out.writes).toEqual(['a\nb\nc\n']);
    stream.write('d\n');
    await nextTurn();
    expect(out.writes).toEqual(['a\nb\nc\n', 'd\n']);
    await nextTurn();
    expect(out.writes).toHaveLength(2);
  });

  it('writes what is queued at once on flushSync, then flushes the stream beneath', () => {
    const out = target();
    const stream = new TurnBatchedStream(out);
    stream.write('a\n');
    stream.write('b\n');
    stream.flushSync();
    expect(out.writes).toEqual(['a\nb\n']);
    expect(out.flushes).toBe(1);
  });

  it("keeps pino's lines and the access lines in the order they were logged", async () => {
    const out = target();
    const logger = pino(
      { base: undefined, timestamp: false },
      new TurnBatchedStream(out),
    );
    logger.info('first');
    writeAccessLine(logger, {
      requestId: 'r1',
      method: 'GET',
      path: '/x',
      status: 200,
      durationMs: 1,
    });
    logger.warn('third');
    await nextTurn();
    expect(out.writes).toHaveLength(1);
    const lines = out.writes[0].trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      'first',
      'request',
      'third',
    ]);
  });
});
