/**
 * The stream state changes the layer above asked to watch, kept until it
 * takes them (see `Connection.watchStreamStates`).
 * @packageDocumentation
 */
import type { StreamState } from '../streams';
import type { CoreStream } from './core-stream';

/** One stream entering `state` (RFC 9113 §5.1), the `seq`-th change recorded by its connection (from 1). */
export interface StreamStateChange {
  readonly stream: CoreStream;
  readonly state: StreamState;
  readonly seq: number;
}

/**
 * State changes in the order they happened. They are handed over after the
 * core call that made them returns, not from inside the transition: a
 * watcher may then run commands (a respond on `open`), which the core could
 * not take halfway through a frame.
 */
export class StreamStateLog {
  private changes: StreamStateChange[] = [];
  /** Changes recorded so far: a watcher that reads a stream's state now skips those up to here. */
  seq = 0;

  /** `stream` entered `state`. */
  record(stream: CoreStream, state: StreamState): void {
    this.changes.push({ stream, state, seq: ++this.seq });
  }

  /** The changes since the last take, oldest first, or `undefined` if none. */
  take(): StreamStateChange[] | undefined {
    if (this.changes.length === 0) return undefined;
    const out = this.changes;
    this.changes = [];
    return out;
  }
}
