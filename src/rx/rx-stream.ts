import type { Observable, Observer, Subscription } from 'rxjs';
import type { CoreStream } from '../protocol/connection';
import { ErrorCode, errorCodeName } from '../protocol/error-code';
import { H2Error } from '../protocol/h2-error';
import { fieldValue } from '../protocol/semantics/field-value';
import { BodyIterable } from './body-iterable';
import { connectionFailure } from './connection-failure';
import type { StreamChannel } from './demultiplex';
import { flowControlledBody } from './flow-control';
import { toFields, toHeaders, type IncomingHeaders, type OutgoingHeaders } from './headers';
import type { RxSession } from './rx-session';
import { sendBody, utf8, type Body, type BodySink, type TrailerFields } from './send-body';
import type { StreamEvent } from './session-events';
import { stateOf, type StreamStateName } from './stream-state';

/**
 * Sends a response on `core`: headers, then `body`, then trailers (see
 * {@link IncomingStream.respond}). A body already in memory (bytes or a
 * string) without trailers is queued with the headers in one command — the
 * same frames as through {@link sendBody}, without its two extra flushes.
 */
function respondOn(session: RxSession, core: CoreStream, sink: StreamSink, headers: OutgoingHeaders, body: Body | undefined, options: SendOptions | undefined): Promise<void> {
  const fields = toFields(headers);
  if (unanswerable(core)) return Promise.resolve();
  if (withoutContent(core, fields)) {
    // The body is let go unread, as node:http2 does: a handler may answer HEAD as it answers GET.
    session.pipeline.command((c) => c.respond(core, fields, { endStream: true }));
    return Promise.resolve();
  }
  if (options?.trailers === undefined) {
    if (body === undefined) {
      session.pipeline.command((c) => c.respond(core, fields, { endStream: true }));
      return Promise.resolve();
    }
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const bytes = utf8(body);
      let failure: { error: unknown } | undefined;
      session.pipeline.command((c) => {
        c.respond(core, fields, { endStream: false });
        try {
          if (bytes.length > 0) c.write(core, bytes, true);
          else c.end(core);
        } catch (error) {
          // As sendBody: a body that cannot be written resets the stream and rejects.
          failure = { error };
          if (!core.closed) c.reset(core, ErrorCode.INTERNAL_ERROR);
        }
      });
      return failure === undefined ? Promise.resolve() : Promise.reject(failure.error);
    }
  }
  session.pipeline.command((c) => c.respond(core, fields, { endStream: false }));
  return sendBody(body, sink, trailerFields(options?.trailers));
}

/**
 * Whether `core` closed before its response left: the peer reset it (a client
 * that gave up, RFC 9113 §8.1) or the connection went away, while the handler
 * was working out its answer — a race the handler cannot see coming, and no
 * fault of its own. Such a response is not sent (nothing can be sent on a
 * closed stream, §5.1) and not thrown: `closed` says how the stream ended, as
 * it does for a reset in the middle of a body. Throwing would let any client
 * crash a server whose handler awaits before answering.
 */
function unanswerable(core: CoreStream): boolean {
  return core.closed && !core.headersSent;
}

/**
 * Whether the response in `fields` on `core` carries no content: the answer
 * to a HEAD request (RFC 9110 §9.3.2: "the server MUST NOT send content"),
 * or a 204, 205 or 304 (§15.3.5, §15.3.6, §15.4.5). Its header section ends
 * the stream, whatever body was given; a client would otherwise see the
 * response as malformed (RFC 9113 §8.1.1).
 */
function withoutContent(core: CoreStream, fields: ReadonlyArray<readonly [string, string]>): boolean {
  if (core.headRequest) return true;
  const status = fieldValue(fields, ':status');
  return status === '204' || status === '205' || status === '304';
}

/**
 * The body of `core` read from its `events$` with backpressure: what is read
 * is credited to the flow-control windows; stopping early credits the rest
 * and resets the stream (CANCEL) if it is still open.
 */
function streamBody(session: RxSession, core: CoreStream, events$: Observable<StreamEvent>): BodyIterable {
  const pipeline = session.pipeline;
  return flowControlledBody(events$, {
    consumed: (n) => pipeline.command((c) => c.consumed(core, n)),
    cancel: (n) =>
      pipeline.command((c) => {
        c.consumed(core, n);
        if (!core.closed) c.reset(core, ErrorCode.CANCEL);
      }),
  });
}

/** {@link SendOptions.trailers} as {@link sendBody} takes them. */
function trailerFields(trailers: Trailers | undefined): TrailerFields | undefined {
  if (trailers === undefined) return undefined;
  if (typeof trailers !== 'function') return toFields(trailers);
  return async () => {
    const headers = await trailers();
    return headers === undefined ? undefined : toFields(headers);
  };
}

/** What a client's request Observable emits, in order. */
export type ResponseEvent =
  /** A 1xx response (RFC 9110 §15.2); there may be several before the final one. */
  | { type: 'informational'; status: number; headers: IncomingHeaders; fields: Array<[string, string]> }
  /** The final response's header section. */
  | { type: 'response'; status: number; headers: IncomingHeaders; fields: Array<[string, string]> }
  /** A piece of the response body. */
  | { type: 'data'; chunk: Uint8Array }
  /** The trailer section. */
  | { type: 'trailers'; headers: IncomingHeaders; fields: Array<[string, string]> };

/**
 * Trailers (RFC 9113 §8.1): the fields, or a function called once the body's
 * last chunk is queued, for trailers known only then — a checksum of what
 * was streamed, a proxied upstream's trailers. What it returns (or resolves
 * to) is sent; `undefined` ends the stream without trailers; if it throws or
 * rejects, the stream is reset (INTERNAL_ERROR) and the send fails with it.
 */
export type Trailers = OutgoingHeaders | (() => OutgoingHeaders | undefined | PromiseLike<OutgoingHeaders | undefined>);

/** Options of a response or a request body. */
export interface SendOptions {
  /** Trailers sent after the body, in place of END_STREAM on the last DATA frame (see {@link Trailers}). */
  trailers?: Trailers;
}

/** How a stream ended: `code` 0 with initiator `none` is a clean end. */
export interface StreamClose {
  code: number;
  initiator: 'local' | 'remote' | 'none';
}

/**
 * The writing side of one stream, shared by requests and responses: queues
 * bytes on the core through the session (so output is flushed), waits for the
 * core's `streamWritable` when the queue is full.
 */
class StreamSink implements BodySink {
  private waiters: Array<() => void> = [];

  constructor(
    private readonly session: RxSession,
    private readonly stream: CoreStream,
  ) {}

  write(chunk: Uint8Array): void {
    this.session.pipeline.command((c) => c.write(this.stream, chunk));
  }

  end(trailers?: Array<[string, string]>): void {
    this.session.pipeline.command((c) => (trailers === undefined ? c.end(this.stream) : c.trailers(this.stream, trailers)));
  }

  get queuedBytes(): number {
    return this.stream.queuedBytes;
  }

  get closed(): boolean {
    return this.stream.closed;
  }

  writable(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  abort(): void {
    this.session.pipeline.command((c) => c.reset(this.stream, ErrorCode.INTERNAL_ERROR));
  }

  /** Called on `streamWritable` and `streamClosed`. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function closeError(stream: CoreStream, close: StreamClose): H2Error {
  const failure = connectionFailure(stream);
  if (failure !== undefined) return failure;
  return new H2Error(`stream ${stream.id} closed: ${errorCodeName(close.code)}${stream.retryable ? ' (safe to retry)' : ''}`, {
    kind: 'reset',
    code: close.code,
    scope: 'stream',
    streamId: stream.id,
    initiator: close.initiator === 'remote' ? 'remote' : 'local',
    retryable: stream.retryable,
  });
}

/**
 * A response read with backpressure, as `session.requestStream()` resolves
 * it: the final response's headers, and its body as a pull-based ix
 * AsyncIterable like {@link IncomingStream.body} (WINDOW_UPDATE is sent only
 * as it is read; stopping early resets the stream with CANCEL).
 */
export interface StreamedResponse {
  /** The stream id. */
  readonly id: number;
  readonly status: number;
  readonly headers: IncomingHeaders;
  readonly fields: Array<[string, string]>;
  /** The response body, pulled with backpressure. */
  readonly body: BodyIterable;
  /** The trailers, once the body is done (`undefined` when there were none or the stream failed). */
  readonly trailers: Promise<IncomingHeaders | undefined>;
  /** The stream's state (RFC 9113 §5.1), as {@link IncomingStream.state$}. */
  readonly state$: Observable<StreamStateName>;
}

/**
 * The client side of `session.request()`: turns the stream's events into
 * {@link ResponseEvent}s for one subscriber. Body chunks are credited to the
 * flow-control windows as they are delivered (an Observable subscriber cannot
 * pull; for pull-based backpressure use `session.requestStream()`, which
 * makes this request in `pull` mode: no `data` events, the body is
 * {@link body}).
 * @internal
 */
export class OutgoingRequest {
  stream: CoreStream | undefined = undefined;
  /** Pull mode: the response body, made when the stream's events start (before the first is delivered). */
  body: BodyIterable | undefined = undefined;
  private readonly sink: { current: StreamSink | undefined } = { current: undefined };
  private channel: Subscription | undefined = undefined;
  private done = false;

  constructor(
    private readonly session: RxSession,
    private readonly subscriber: Observer<ResponseEvent>,
    private readonly pull = false,
  ) {}

  /** Starts the request: HEADERS now (or when a stream slot frees), then the body. */
  start(fields: Array<[string, string]>, body: Body | undefined, options: SendOptions | undefined): void {
    const stream = this.session.openRequest(fields, body === undefined && options?.trailers === undefined, this);
    this.stream = stream;
    const sink = new StreamSink(this.session, stream);
    this.sink.current = sink;
    if (body !== undefined || options?.trailers !== undefined) {
      sendBody(body, sink, trailerFields(options?.trailers)).catch((e) => this.fail(e));
    }
  }

  /** The stream's events arrive (the session routes them here by `stream.context`). */
  attach(channel: StreamChannel): void {
    if (this.pull) {
      this.body = streamBody(this.session, channel.stream, channel);
    }
    this.channel = channel.subscribe((e) => this.onEvent(e));
    if (this.done && channel.stream.closed) this.channel.unsubscribe();
  }

  /**
   * The subscriber is gone (unsubscribed, or the response completed): cancel
   * the stream if the response was still coming (RST_STREAM CANCEL). The
   * stream's events stay subscribed until it closes: a request body still
   * being sent waits on them (the response may end first, RFC 9113 §8.1).
   */
  cancel(): void {
    const stream = this.stream;
    const open = !this.done && stream !== undefined && !stream.closed;
    // Done first: the reset's own streamClosed reaches onEvent, for the body's sake only.
    this.done = true;
    if (open) this.session.pipeline.command((c) => c.reset(stream, ErrorCode.CANCEL));
    if (stream === undefined || stream.closed) this.channel?.unsubscribe();
  }

  private onEvent(e: StreamEvent): void {
    // Whatever the subscriber has seen, the body being sent waits on these to go on or to stop.
    if (e.type === 'streamWritable' || e.type === 'streamClosed') this.sink.current?.wake();
    if (this.done) {
      if (e.type === 'streamClosed') this.channel?.unsubscribe();
      return;
    }
    switch (e.type) {
      case 'headers': {
        const headers = toHeaders(e.fields);
        if (e.kind === 'trailers') this.subscriber.next({ type: 'trailers', headers, fields: e.fields });
        else {
          const status = Number(headers[':status']);
          this.subscriber.next({ type: e.kind === 'informational' ? 'informational' : 'response', status, headers, fields: e.fields });
        }
        if (e.endStream) this.finish();
        break;
      }
      case 'data':
        if (this.pull) {
          // The body (flowControlledBody) takes the chunks and credits them as they are read.
        } else if (e.data.length > 0) {
          this.subscriber.next({ type: 'data', chunk: e.data });
          this.session.pipeline.command((c) => c.consumed(e.stream, e.data.length));
        }
        if (e.endStream) this.finish();
        break;
      case 'streamClosed':
        if (e.code !== ErrorCode.NO_ERROR || e.initiator !== 'none') this.fail(closeError(e.stream, e));
        else this.finish();
        break;
      default:
        break;
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.subscriber.complete();
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.subscriber.error(error);
  }
}

/**
 * A stream the peer opened. On a server: an incoming request, with
 * {@link respond}, {@link informational} and {@link push}. On a client: a
 * pushed response, whose promised request is {@link headers} and whose
 * response headers come as {@link response}.
 *
 * {@link body} is the request (server) or pushed response (client) body as an
 * ix AsyncIterable with real backpressure: WINDOW_UPDATE is sent only as it is
 * read. Read it, or the peer stalls once the window is full (that is the
 * point); a body that is not wanted should be cancelled (`return()`, e.g. by
 * `break`), which resets the stream if it is still open.
 */
export class IncomingStream {
  /** The stream id. */
  readonly id: number;
  /** The request's header fields, in order. */
  readonly fields: Array<[string, string]>;
  /** The request's headers as an object. */
  readonly headers: IncomingHeaders;
  /** The body, pulled with backpressure. */
  readonly body: BodyIterable;
  /** The trailers, once the body is done (`undefined` when there were none). */
  readonly trailers: Promise<IncomingHeaders | undefined>;
  /** How the stream ended. */
  readonly closed: Promise<StreamClose>;

  private readonly sink: StreamSink;
  private resolveTrailers!: (t: IncomingHeaders | undefined) => void;
  /**
   * {@link response} is made on first access: a request stream never has one,
   * and rejecting it on every close would build an H2Error (stack trace and
   * all) per request.
   */
  private responsePromise: Promise<IncomingHeaders> | undefined = undefined;
  private responseWaiter: { resolve(h: IncomingHeaders): void; reject(e: unknown): void } | undefined = undefined;
  private responseOutcome: { headers: IncomingHeaders } | { close: StreamClose } | undefined = undefined;
  private resolveClosed!: (c: StreamClose) => void;

  /** @internal Made by the session for a stream whose first event (request HEADERS or PUSH_PROMISE) is `first`. */
  constructor(
    readonly session: RxSession,
    private readonly core: CoreStream,
    first: Extract<StreamEvent, { type: 'headers' | 'push' }>,
    events$: Observable<StreamEvent>,
  ) {
    this.id = core.id;
    this.fields = first.fields;
    this.headers = toHeaders(first.fields);
    this.sink = new StreamSink(session, core);
    this.trailers = new Promise((resolve) => (this.resolveTrailers = resolve));
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    if (first.type === 'headers' && first.endStream) {
      // No body (a GET): nothing will ever be pushed into it, so it listens to nothing.
      this.body = new BodyIterable();
      this.body.end();
    } else {
      this.body = streamBody(session, core, events$);
    }
    events$.subscribe((e) => this.onEvent(e));
  }

  /** Client, pushed stream: the pushed response's headers (rejects if the stream closes first). */
  get response(): Promise<IncomingHeaders> {
    if (this.responsePromise === undefined) {
      const outcome = this.responseOutcome;
      if (outcome === undefined) this.responsePromise = new Promise((resolve, reject) => (this.responseWaiter = { resolve, reject }));
      else if ('headers' in outcome) this.responsePromise = Promise.resolve(outcome.headers);
      else this.responsePromise = Promise.reject(closeError(this.core, outcome.close));
      // Only a pushed stream has a response to wait for: don't report an unhandled rejection otherwise.
      this.responsePromise.catch(() => undefined);
    }
    return this.responsePromise;
  }

  /**
   * The stream's state (RFC 9113 §5.1): the one it is in at subscription,
   * then each change (`half-closed (remote)` when the request body ends,
   * `closed` once both sides are done or it was reset), completing after
   * `closed`. Each change comes right after the frame or command that made
   * it, so a subscriber may respond or reset from it.
   */
  get state$(): Observable<StreamStateName> {
    return stateOf(this.session.pipeline, this.core);
  }

  /** The request method (server). */
  get method(): string | undefined {
    return this.headers[':method'] as string | undefined;
  }

  /** The request path (server). */
  get path(): string | undefined {
    return this.headers[':path'] as string | undefined;
  }

  /**
   * Sends the response: headers (`:status` required), then `body` (bytes,
   * string, async iterable — pulled as the peer's window allows — or
   * Observable), then trailers if given. Resolves when everything is queued
   * on the connection, or when the stream closes first: if the client reset
   * it (or the connection went away) before or while the response is sent,
   * the rest is not sent, the body is let go (an async iterable is never
   * pulled or is `return()`ed, an Observable unsubscribed) and {@link closed}
   * tells how the stream ended. The answer to a HEAD request, and a 204,
   * 205 or 304, carry no content (RFC 9110 §9.3.2, §15): their headers end
   * the stream and the body is not sent (nor pulled), as with node:http2.
   * Rejects when the body source fails. Throws at once for invalid headers,
   * and when a final response was already sent.
   */
  respond(headers: OutgoingHeaders, body?: Body, options?: SendOptions): Promise<void> {
    return respondOn(this.session, this.core, this.sink, headers, body, options);
  }

  /**
   * Sends an informational (1xx) response, e.g. `{ ':status': 103, link: '…' }`.
   * Nothing is sent on a stream the client already reset (see {@link respond}).
   */
  informational(headers: OutgoingHeaders): void {
    const fields = toFields(headers);
    if (unanswerable(this.core)) return;
    this.session.pipeline.command((c) => c.informational(this.core, fields));
  }

  /**
   * Whether {@link push} may be used: the client has not disabled push
   * (SETTINGS_ENABLE_PUSH, RFC 9113 §8.4; browsers do), neither side sent
   * GOAWAY, and this stream is open (Node's `http2stream.pushAllowed`).
   */
  get pushAllowed(): boolean {
    const c = this.session.pipeline.connection;
    return c.remoteSettings.enablePush === 1 && c.goawaySent === undefined && c.goawayReceived === undefined && !this.core.closed;
  }

  /**
   * Server push (RFC 9113 §8.4): promises the request `headers` on this stream
   * and returns the promised stream's responder. `:method` defaults to GET,
   * `:scheme` and `:authority` to this request's. Throws when the client
   * disabled push (see {@link pushAllowed}).
   */
  push(headers: OutgoingHeaders): PushedStream {
    const fields = toFields(headers);
    // §8.4.1: a promised request is complete; missing pseudo-headers come from the request it is pushed on.
    const has = (name: string) => fields.some(([n]) => n === name);
    const defaults: Array<[string, string]> = [];
    if (!has(':method')) defaults.push([':method', 'GET']);
    for (const name of [':scheme', ':authority']) {
      const value = this.headers[name];
      if (!has(name) && typeof value === 'string') defaults.push([name, value]);
    }
    const promised = this.session.pipeline.command((c) => c.push(this.core, defaults.concat(fields)));
    return new PushedStream(this.session, promised);
  }

  /** Resets the stream (RST_STREAM `code`, default CANCEL). */
  reset(code: number = ErrorCode.CANCEL): void {
    if (!this.core.closed) this.session.pipeline.command((c) => c.reset(this.core, code));
  }

  private onEvent(e: StreamEvent): void {
    switch (e.type) {
      case 'headers':
        if (e.kind === 'trailers') this.resolveTrailers(toHeaders(e.fields));
        else {
          if (e.kind === 'response' && this.responseOutcome === undefined) {
            const headers = toHeaders(e.fields);
            this.responseOutcome = { headers };
            this.responseWaiter?.resolve(headers);
          }
          // A header section that ends the stream: there will be no trailers.
          if (e.endStream) this.resolveTrailers(undefined);
        }
        break;
      case 'data':
        // The body ended without trailers: say so now, not when the whole stream closes
        // (which, on a server, waits for the response that may wait for this).
        if (e.endStream) this.resolveTrailers(undefined);
        break;
      case 'streamWritable':
        this.sink.wake();
        break;
      case 'streamClosed':
        this.sink.wake();
        this.resolveTrailers(undefined);
        if (this.responseOutcome === undefined) {
          this.responseOutcome = { close: { code: e.code, initiator: e.initiator } };
          this.responseWaiter?.reject(closeError(e.stream, e));
        }
        this.resolveClosed({ code: e.code, initiator: e.initiator });
        break;
      default:
        break;
    }
  }
}

/** A promised (pushed) stream on a server: respond to it as to a request. */
export class PushedStream {
  private readonly sink: StreamSink;

  /** @internal */
  constructor(
    private readonly session: RxSession,
    private readonly core: CoreStream,
  ) {
    this.sink = new StreamSink(session, core);
    core.context = this;
  }

  /** The promised stream's id (even, RFC 9113 §5.1.1). */
  get id(): number {
    return this.core.id;
  }

  /** Sends the pushed response, as {@link IncomingStream.respond}. */
  respond(headers: OutgoingHeaders, body?: Body, options?: SendOptions): Promise<void> {
    return respondOn(this.session, this.core, this.sink, headers, body, options);
  }

  /** @internal Wakes a body writer waiting for window. */
  wake(): void {
    this.sink.wake();
  }
}
