import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const stream = new TurnBatchedStream(out, -1);
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

  it('on flushSync writes what the stream beneath holds, then what is queued, both at once', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'turn-batch-')), 'log');
    const fd = openSync(file, 'w');
    const out = target();
    out.flushSync = () => {
      out.flushes += 1;
      writeSync(fd, 'held\n');
    };
    const stream = new TurnBatchedStream(out, fd);
    stream.write('a\n');
    stream.write('b\n');
    stream.flushSync();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('held\na\nb\n');
    expect(out.flushes).toBe(1);
    expect(out.writes).toEqual([]);
  });

  it('hands a busy turn over in whole lines, at most 16 KB a piece', async () => {
    const out = target();
    const stream = new TurnBatchedStream(out, -1);
    const lines = Array.from(
      { length: 100 },
      (_, i) => `${String(i).padStart(3, '0')}${'x'.repeat(1000)}\n`,
    );
    for (const line of lines) stream.write(line);
    stream.write(`${'y'.repeat(20_000)}\n`);
    await nextTurn();
    expect(out.writes.join('')).toBe(
      lines.join('') + `${'y'.repeat(20_000)}\n`,
    );
    expect(out.writes.length).toBeGreaterThan(6);
    for (const piece of out.writes.slice(0, -1)) {
      expect(piece.length).toBeLessThanOrEqual(16 * 1024);
      expect(piece.endsWith('\n')).toBe(true);
    }
    expect(out.writes.at(-1)).toBe(`${'y'.repeat(20_000)}\n`);
  });

  it("keeps pino's lines and the access lines in the order they were logged", async () => {
    const out = target();
    const logger = pino(
      { base: undefined, timestamp: false },
      new TurnBatchedStream(out, -1),
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
