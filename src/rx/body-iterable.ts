import { AbortError } from 'ix/aborterror';
import { AsyncIterableX } from 'ix/asynciterable';
import { ErrorCode } from '../protocol/error-code';
import { H2Error } from '../protocol/h2-error';

/** Options of {@link BodyIterable}. */
export interface BodyIterableOptions {
  /**
   * Called with a chunk's length at the moment the consumer takes it (its
   * `next()` is resolved with the chunk) — not when the chunk arrives. This is
   * where the session credits the receive window, so WINDOW_UPDATE reaches the
   * peer only as the consumer reads (DESIGN principle 4). It is called
   * synchronously from `next()`, or from `push()` when a consumer is already
   * waiting; it must not throw.
   */
  onConsumed?: (bytes: number) => void;
  /**
   * Called at most once, when the consumer stops before the end of the body
   * (`return()`: `break` out of `for await`, an ix operator such as `take`
   * finishing early, an aborted signal), with the octets buffered and never
   * consumed: reset the stream if it is still open (RST_STREAM CANCEL) and
   * credit those octets back to the connection window. Not called if the
   * producer had finished (`end`/`fail`) and every chunk was taken.
   */
  onCancel?: (unconsumedBytes: number) => void;
  /**
   * Defence in depth: the most octets the body may buffer. The session
   * passes the stream's receive window, which the producer (the
   * window-limited peer) cannot exceed without a flow-control error the core
   * should already have caught. Default: no check.
   */
  maxBufferedBytes?: number;
}

/** Lifecycle of a {@link BodyIterable}. */
type BodyState =
  /** Producer may push. */
  | 'open'
  /** Producer called `end()`; buffered chunks still to be read. */
  | 'ended'
  /** Producer called `fail()`; buffered chunks, then the error, still to be read. */
  | 'failed'
  /** Consumer saw the end or the error. */
  | 'done'
  /** Consumer stopped early. */
  | 'cancelled';

interface Waiter {
  resolve(result: IteratorResult<Uint8Array, undefined>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<Uint8Array, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A stream body as a pull-based ix `AsyncIterable<Uint8Array>`, fed by a push
 * source (the session, as DATA frames arrive), with real backpressure.
 *
 * - Producer side: {@link push}, {@link end}, {@link fail}.
 * - Consumer side: iterate it once (`for await`, or ix: it is an
 *   `AsyncIterableX`, so `body.pipe(map(...))` and `toArray(body)` work).
 *   A second iteration throws: a body is read once.
 *
 * Why it is bounded: chunks the consumer has not taken are buffered here, and
 * the only producer is the peer, limited by our receive window; the window is
 * credited (via `onConsumed`) only as the consumer takes chunks, so the buffer
 * never exceeds the stream's receive window (`maxBufferedBytes` checks it).
 * No Subject, no per-chunk subscription: a chunk costs a queue slot and the
 * iterator result the consumer asked for.
 *
 * Chunks pushed before `fail()` are delivered before the error (nothing
 * silently dropped); a consumer that stops early gets `onCancel` instead.
 */
export class BodyIterable extends AsyncIterableX<Uint8Array> {
  private readonly onConsumed: ((bytes: number) => void) | undefined;
  private readonly onCancel: ((unconsumedBytes: number) => void) | undefined;
  private readonly maxBufferedBytes: number;
  private state: BodyState = 'open';
  /** The error of `fail()`, until delivered; boxed so that any value, even `undefined`, can be an error. */
  private pendingError: { readonly error: unknown } | null = null;
  /** The consumer was stopped by its AbortSignal: later pulls reject with AbortError, as ix operators expect. */
  private aborted = false;
  /** Queue of chunks not yet taken: `chunks[head..]`. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private buffered = 0;
  /** Pending `next()` calls; only ever non-empty while the queue is empty. */
  private waiters: Waiter[] = [];
  private iterated = false;
  private signal: AbortSignal | undefined = undefined;
  private readonly onAbort = (): void => this.abort();

  constructor(options: BodyIterableOptions = {}) {
    super();
    this.onConsumed = options.onConsumed;
    this.onCancel = options.onCancel;
    this.maxBufferedBytes = options.maxBufferedBytes ?? Infinity;
  }

  /** Octets pushed and not yet taken by the consumer. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** True once the consumer stopped early: further pushes are refused. */
  get cancelled(): boolean {
    return this.state === 'cancelled';
  }

  /**
   * Producer: appends a chunk (handed over, not copied). If a consumer is
   * waiting it takes the chunk at once (and `onConsumed` runs now).
   * @returns `false` if the consumer has stopped early: the chunk was not
   *   taken, and the caller credits it to the connection window itself.
   * @throws Error after `end()` or `fail()` (a producer bug).
   * @throws H2Error FLOW_CONTROL_ERROR (stream scope) if buffering it would
   *   exceed `maxBufferedBytes`; the body is unchanged.
   */
  push(chunk: Uint8Array): boolean {
    const state = this.state;
    if (state === 'cancelled') return false;
    if (state !== 'open') throw new Error('BodyIterable.push after end() or fail()');
    const waiter = this.waiters.length > 0 ? this.waiters.shift()! : undefined;
    if (waiter !== undefined) {
      this.onConsumed?.(chunk.length);
      waiter.resolve({ done: false, value: chunk });
      return true;
    }
    if (this.buffered + chunk.length > this.maxBufferedBytes) {
      throw new H2Error(`body buffer would hold ${this.buffered + chunk.length} octets, above the receive window ${this.maxBufferedBytes} (RFC 9113 §6.9.1)`, {
        kind: 'protocol',
        code: ErrorCode.FLOW_CONTROL_ERROR,
        scope: 'stream',
        limit: 'maxBufferedBytes',
      });
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    return true;
  }

  /** Producer: the body is complete; the consumer sees the end after the buffered chunks. No-op unless open. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    if (this.head === this.chunks.length) this.finish();
  }

  /** Producer: the body failed; the consumer gets `error` after the buffered chunks. No-op unless open. */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.pendingError = { error };
    if (this.head === this.chunks.length) this.finish();
  }

  /**
   * Consumer: the one iterator of this body.
   * @param signal aborting it stops the consumer early (as `return()` does)
   *   and rejects a pending `next()` with ix's `AbortError`.
   * @throws TypeError on a second call.
   */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterableIterator<Uint8Array> {
    if (this.iterated) throw new TypeError('a BodyIterable can be iterated only once');
    this.iterated = true;
    if (signal !== undefined) {
      this.signal = signal;
      if (signal.aborted) this.abort();
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
    // One iterator object per body, not per chunk.
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next: () => this.pull(),
      return: () => {
        this.cancel();
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private pull(): Promise<IteratorResult<Uint8Array, undefined>> {
    if (this.head < this.chunks.length) {
      const chunk = this.take();
      if (this.head === this.chunks.length && this.state !== 'open') this.finish();
      return Promise.resolve({ done: false, value: chunk });
    }
    switch (this.state) {
      case 'open':
        return new Promise((resolve, reject) => {
          this.waiters.push({ resolve, reject });
        });
      case 'ended':
      case 'failed':
        // Unreachable: finish() runs as soon as the queue drains in these states.
        this.finish();
        return this.pull();
      case 'done': {
        // A failed body's error goes to the first pull after its last chunk; later pulls see the end.
        const pending = this.pendingError;
        if (pending === null) return Promise.resolve(DONE);
        this.pendingError = null;
        return Promise.reject(pending.error);
      }
      case 'cancelled':
        return this.aborted ? Promise.reject(new AbortError()) : Promise.resolve(DONE);
    }
  }

  private take(): Uint8Array {
    const chunk = this.chunks[this.head];
    // Release the reference: a consumed chunk must not be pinned by the queue.
    (this.chunks as Array<Uint8Array | undefined>)[this.head] = undefined;
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    }
    this.buffered -= chunk.length;
    this.onConsumed?.(chunk.length);
    return chunk;
  }

  /** The queue has drained after end/fail: settle waiters (the first gets the error, if any) and stop. */
  private finish(): void {
    const failed = this.state === 'failed';
    this.state = 'done';
    this.detachSignal();
    const waiters = this.waiters;
    this.waiters = [];
    let i = 0;
    if (failed && waiters.length > 0) {
      const pending = this.pendingError!;
      this.pendingError = null;
      waiters[i++].reject(pending.error);
    }
    for (; i < waiters.length; i++) waiters[i].resolve(DONE);
  }

  /** Consumer stopped early. */
  private cancel(): void {
    const state = this.state;
    if (state === 'done' || state === 'cancelled') return;
    this.state = 'cancelled';
    this.pendingError = null;
    this.detachSignal();
    const unconsumed = this.buffered;
    this.chunks = [];
    this.head = 0;
    this.buffered = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i].resolve(DONE);
    // Reached only before the consumer saw the end or the error ('done' returned above).
    this.onCancel?.(unconsumed);
  }

  private abort(): void {
    if (this.state === 'done' || this.state === 'cancelled') return;
    this.aborted = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i].reject(new AbortError());
    this.cancel();
  }

  private detachSignal(): void {
    if (this.signal !== undefined) {
      this.signal.removeEventListener('abort', this.onAbort);
      this.signal = undefined;
    }
  }
}

/** Creates a {@link BodyIterable}: `const body = bodyIterable({ onConsumed, onCancel })`. */
export function bodyIterable(options?: BodyIterableOptions): BodyIterable {
  return new BodyIterable(options);
}
