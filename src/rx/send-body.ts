import { isObservable, type Observable, type Subscription } from 'rxjs';

/** A body to send: bytes, a string (UTF-8), an async iterable of chunks (pulled with backpressure), or an Observable of chunks. */
export type Body = Uint8Array | string | AsyncIterable<Uint8Array | string> | Observable<Uint8Array | string>;

/** Where {@link sendBody} writes: one stream of a session. */
export interface BodySink {
  /** Queues bytes on the stream (DATA leaves as flow control allows). */
  write(chunk: Uint8Array): void;
  /** Ends the stream: END_STREAM, or trailers when given. */
  end(trailers?: Array<[string, string]>): void;
  /** Bytes queued and not yet framed. */
  readonly queuedBytes: number;
  /** Resolves when the stream can take more (queued bytes fell below the low-water mark) or closed. */
  writable(): Promise<void>;
  /** Whether the stream is closed (reset or finished): writing stops. */
  readonly closed: boolean;
  /** The body source failed: reset the stream (INTERNAL_ERROR). */
  abort(error: unknown): void;
}

/**
 * The trailer fields {@link sendBody} ends with: given up front, or produced
 * once the body is fully queued (`undefined` then means none).
 */
export type TrailerFields = Array<[string, string]> | (() => Promise<Array<[string, string]> | undefined>);

/** Queued bytes above which pulling from an async-iterable body waits (Node's default highWaterMark). */
export const BODY_HIGH_WATER = 16384;

/** A body chunk as bytes: a string is UTF-8. */
export const utf8 = (chunk: Uint8Array | string): Uint8Array => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);

/** Resolves once `sink` is closed, or as soon as it wakes after `done()` turned true (then there is no need to wait). */
async function whenClosed(sink: BodySink, done: () => boolean): Promise<void> {
  while (!sink.closed && !done()) await sink.writable();
}

/**
 * Pulls `body` into `sink` while the stream's queue is under
 * {@link BODY_HIGH_WATER}. Returns true when the body ended, false when the
 * stream closed first. Each wait for the next chunk also ends when the
 * stream closes: a quiet producer (a live feed between events) is let go at
 * once, its `return()` called, as Node's `pipeline` does — not at its next
 * chunk, which may never come. A failing producer rejects (no `return()`, as
 * with `for await`).
 */
async function pullIterable(body: AsyncIterable<Uint8Array | string>, sink: BodySink): Promise<boolean> {
  const iterator = body[Symbol.asyncIterator]();
  let over = false;
  // The one pending wait for a chunk, ended by the stream closing.
  let stop: (() => void) | undefined;
  void whenClosed(sink, () => over).then(() => stop?.());
  try {
    for (;;) {
      const step = await new Promise<IteratorResult<Uint8Array | string> | undefined>((resolve, reject) => {
        if (sink.closed) return resolve(undefined);
        stop = () => resolve(undefined);
        iterator.next().then(resolve, reject);
      });
      stop = undefined;
      if (step === undefined || sink.closed) {
        // Not awaited: a next() still pending holds an async generator's return() back until it settles.
        Promise.resolve()
          .then(() => iterator.return?.())
          .catch(() => {});
        return false;
      }
      if (step.done === true) return true;
      const bytes = utf8(step.value);
      if (bytes.length > 0) sink.write(bytes);
      while (sink.queuedBytes >= BODY_HIGH_WATER && !sink.closed) await sink.writable();
    }
  } finally {
    over = true;
  }
}

/**
 * Writes `body` to `sink`, then ends the stream (with `trailers` if given; a
 * function is called once the body's last chunk is queued, and what it
 * resolves to is sent).
 * An async iterable is pulled only while the stream's queue is under
 * {@link BODY_HIGH_WATER}: the peer's flow-control window paces the producer
 * (DESIGN principle 4). An Observable pushes; its chunks are queued as they
 * come (nothing dropped) — use an async iterable when the producer must be
 * paced. A failing source resets the stream and rejects.
 */
export async function sendBody(body: Body | undefined, sink: BodySink, trailers?: TrailerFields): Promise<void> {
  let fields: Array<[string, string]> | undefined;
  try {
    if (body === undefined) {
      // nothing to write
    } else if (typeof body === 'string' || body instanceof Uint8Array) {
      const bytes = utf8(body);
      if (bytes.length > 0) sink.write(bytes);
    } else if (isObservable(body)) {
      await new Promise<void>((resolve, reject) => {
        let subscription: Subscription | undefined = undefined;
        let settled = false;
        // The stream was reset under us: let the producer go.
        const stop = (): void => {
          settled = true;
          subscription?.unsubscribe();
          resolve();
        };
        subscription = body.subscribe({
          next: (chunk) => {
            if (!sink.closed) sink.write(utf8(chunk));
            else stop();
          },
          error: (e) => {
            settled = true;
            reject(e);
          },
          complete: () => {
            settled = true;
            resolve();
          },
        });
        // A synchronous source may have been stopped before `subscription` was assigned.
        if (settled) subscription.unsubscribe();
        // A quiet source is let go when the stream closes too, not only at its next chunk.
        else void whenClosed(sink, () => settled).then(() => settled || stop());
      });
    } else if (!(await pullIterable(body, sink))) {
      return;
    }
    // Trailers computed from the body (a checksum) or taken from elsewhere (a proxied upstream's): now, after it.
    fields = typeof trailers === 'function' ? (sink.closed ? undefined : await trailers()) : trailers;
    // Trailers that may not be sent (a field the core refuses) fail the body like a failing source.
    if (!sink.closed) sink.end(fields);
  } catch (error) {
    if (!sink.closed) sink.abort(error);
    throw error;
  }
}
