import { register } from 'on-exit-leak-free';
import type { DestinationStream } from 'pino';

/** The part of a sonic-boom (pino.destination) the batch writes through. */
export interface FlushableStream extends DestinationStream {
  flushSync(): void;
}

/**
 * Lines of one turn of the event loop handed to the stream beneath in one
 * write, in the order they were logged, at the end of the turn
 * (setImmediate). Under load a turn answers many requests, and sonic-boom
 * appends every write to the text it holds and measures that text again
 * (a copy and a scan per line, of everything waiting): one write a turn
 * pays that once. A line waits at most for the turn to end; what is still
 * queued when the process exits (normally, by process.exit or after an
 * uncaught exception) is written synchronously then.
 */
export class TurnBatchedStream implements DestinationStream {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly target: FlushableStream) {
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

  /** Writes what is queued now and waits for nothing. */
  flushSync(): void {
    this.flush();
    this.target.flushSync();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const lines = this.pending;
    if (lines.length === 0) return;
    this.pending = [];
    this.target.write(lines.length === 1 ? lines[0] : lines.join(''));
  };
}
