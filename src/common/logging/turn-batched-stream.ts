import { writeSync } from 'node:fs';
import { register } from 'on-exit-leak-free';
import type { DestinationStream } from 'pino';

/** The part of a sonic-boom (pino.destination) the batch writes through. */
export interface FlushableStream extends DestinationStream {
  flushSync(): void;
}

/** sonic-boom's maxWrite: what it hands to one fs.write at most. */
const PIECE_CHARS = 16 * 1024;

/**
 * Lines of one turn of the event loop handed to the stream beneath in one
 * go, in the order they were logged, at the end of the turn (setImmediate).
 * Under load a turn answers many requests, and sonic-boom appends every
 * write to the text it holds and measures that text again (a copy and a
 * scan per line, of everything waiting): a write a turn pays that once.
 * A turn's text is handed over in pieces of at most 16 KB, so that the
 * write sonic-boom has in flight is never more than it would be without
 * the batch. At exit (normally, by process.exit or after an uncaught
 * exception) what sonic-boom holds and what is still queued here are
 * written synchronously, in that order, to `fd`.
 */
export class TurnBatchedStream implements DestinationStream {
  private pending: string[] = [];
  private scheduled = false;

  constructor(
    private readonly target: FlushableStream,
    private readonly fd: number,
  ) {
    // At exit, once, for as long as the stream lives (it is not kept alive for it).
    register(this, (stream) => stream.flushSync());
  }

  write(line: string): void {
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what sonic-boom holds, then what is queued here, and waits for both. */
  flushSync(): void {
    const text = this.take();
    this.target.flushSync();
    if (text) writeFullySync(this.fd, text);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const lines = this.pending;
    this.pending = [];
    // Whole lines, up to PIECE_CHARS a piece (a longer line is a piece).
    let from = 0;
    let chars = 0;
    for (let i = 0; i < lines.length; i++) {
      if (chars > 0 && chars + lines[i].length > PIECE_CHARS) {
        this.target.write(lines.slice(from, i).join(''));
        from = i;
        chars = 0;
      }
      chars += lines[i].length;
    }
    if (from < lines.length) this.target.write(lines.slice(from).join(''));
  };

  private take(): string {
    const lines = this.pending;
    this.pending = [];
    return lines.length === 1 ? lines[0] : lines.join('');
  }
}

/** All of `text`, however many writes a pipe that is full at times takes. */
function writeFullySync(fd: number, text: string): void {
  let rest = Buffer.from(text);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}
