import { asyncScheduler, BehaviorSubject, map, Observable, Subject, Subscription, tap } from 'rxjs';
import type { CoreStream } from '../protocol/connection';
import { ErrorCode } from '../protocol/error-code';
import { fieldValue } from '../protocol/semantics/field-value';
import type { H2Error } from '../protocol/h2-error';
import { demultiplex, type StreamChannel } from './demultiplex';
import { toFields, type IncomingHeaders, type OutgoingHeaders } from './headers';
import { idleTimeout } from './idle-timeout';
import { ofEventType } from './of-event-type';
import { IncomingStream, OutgoingRequest, PushedStream, type ResponseEvent, type SendOptions, type StreamedResponse } from './rx-stream';
import type { Body } from './send-body';
import { SessionPipeline, type SessionPipelineOptions, type TappedFrame } from './session-pipeline';
import { stateOf, streamStates, type StreamStateEvent } from './stream-state';

/** The settings in force in one direction, by name (booleans as on the wire, 0 or 1). */
export interface SettingsSnapshot {
  headerTableSize: number;
  enablePush: number;
  maxConcurrentStreams: number;
  initialWindowSize: number;
  maxFrameSize: number;
  maxHeaderListSize: number;
  enableConnectProtocol: number;
}

/** Both directions' settings: ours once the peer acknowledged them, and the peer's. */
export interface SessionSettings {
  local: SettingsSnapshot;
  remote: SettingsSnapshot;
}

/** A GOAWAY sent or received. */
export interface GoawayInfo {
  initiator: 'local' | 'remote';
  code: number;
  lastStreamId: number;
  debugData: Uint8Array;
}

/** An ALTSVC frame received (RFC 7838 §4): alternative services for `origin` (stream 0), or for the origin of stream `streamId`'s request (then `origin` is empty). */
export interface AltSvcInfo {
  streamId: number;
  origin: string;
  /** An Alt-Svc field value, e.g. `h2=":8443"; ma=3600`, or `clear`. */
  value: string;
}

/** Options of an {@link RxSession}: the pipeline's, plus the origin requests default to. */
export interface RxSessionOptions extends SessionPipelineOptions {
  /** Client: `:scheme` and `:authority` for requests that don't give them. */
  origin?: { scheme: string; authority: string };
  /**
   * Milliseconds without a byte in or out, while no stream is open, after
   * which the session closes gracefully (GOAWAY NO_ERROR): an idle
   * connection does not hold a socket and its memory forever (nginx's
   * `http2_idle_timeout`; Node's `http2session.setTimeout()`, whose
   * handler usually closes the session). A session with open streams is left
   * alone, however quiet. On the scheduler's clock. 0 (the default): never.
   */
  idleTimeout?: number;
}

/** Where a session is in its life. */
export type SessionState = 'open' | 'closing' | 'closed';

/**
 * One HTTP/2 connection in the reactive API, client or server, over any byte
 * stream. Made by `serve()` (server) or `connect()` (client); the transport
 * drives {@link writes$}.
 *
 * Everything it reports is an Observable: {@link settings$} (current value
 * first), {@link goaway$}, {@link state$} (current value first),
 * {@link streamStates$},
 * {@link frames$} (when `tapFrames` is set), {@link errors$}, and the
 * peer-initiated streams on {@link streams$} (server: requests; client:
 * pushed responses).
 */
export class RxSession {
  /** The pipeline around the sans-I/O core (for the transport and for inspection). */
  readonly pipeline: SessionPipeline;
  /** Settings in force, current value first, then every change. */
  readonly settings$: Observable<SessionSettings>;
  /** GOAWAY frames sent and received. */
  readonly goaway$: Observable<GoawayInfo>;
  /** `open` → `closing` (GOAWAY sent or received) → `closed`; current value first. */
  readonly state$: Observable<SessionState>;
  /**
   * Every state change (RFC 9113 §5.1) of every stream of the session, ours
   * and the peer's, in order: `open`, `half-closed (local)`, `closed`, … Each
   * is reported right after the frame or command that made it, so a
   * subscriber may run commands. Recording starts at the first subscription
   * (before it, it costs nothing). One stream's states:
   * `IncomingStream.state$`, `StreamedResponse.state$`.
   */
  readonly streamStates$: Observable<StreamStateEvent>;
  /** Connection errors (the session is closed after one). */
  readonly errors$: Observable<H2Error>;
  /** Every frame in and out, when the session was made with `tapFrames: true`. */
  readonly frames$: Observable<TappedFrame>;
  /** Streams the peer opened: requests (server), pushed responses (client). */
  readonly streams$: Observable<IncomingStream>;
  /** Client: ALTSVC frames the server sent (RFC 7838). */
  readonly altsvc$: Observable<AltSvcInfo>;
  /** Client: ORIGIN frames the server sent (RFC 8336): each the full list of origins it is authoritative for. */
  readonly origin$: Observable<string[]>;
  /** The bytes to write, one batch per scheduler turn: for the transport, subscribed once. */
  readonly writes$: Observable<Uint8Array[]>;

  private readonly settings: BehaviorSubject<SessionSettings>;
  private readonly state: BehaviorSubject<SessionState>;
  private readonly incoming = new Subject<IncomingStream>();
  private readonly routing: Subscription;

  /** Client: the scheme and authority requests default to. */
  readonly origin: { scheme: string; authority: string };
  /**
   * Client: the origins the server is authoritative for, serialized (RFC
   * 6454): the connection's, and those its ORIGIN frames name (RFC 8336
   * §2.3). A push for any other is refused (RFC 9113 §8.4).
   */
  private readonly originSet = new Set<string>();

  constructor(input$: Observable<Uint8Array>, options: RxSessionOptions) {
    const idle = options.idleTimeout ?? 0;
    // Bytes in and batches out: what resets the idle timer (only watched when there is one).
    const activity = idle > 0 ? new Subject<void>() : undefined;
    this.pipeline = new SessionPipeline(activity === undefined ? input$ : input$.pipe(tap(() => activity.next())), options);
    this.origin = options.origin ?? { scheme: 'http', authority: 'localhost' };
    this.originSet.add(serializedOrigin(`${this.origin.scheme}://${this.origin.authority}`));
    const events$ = this.pipeline.events$;
    const c = this.pipeline.connection;
    this.settings = new BehaviorSubject<SessionSettings>(this.snapshot());
    this.state = new BehaviorSubject<SessionState>('open');
    this.settings$ = this.settings.asObservable();
    this.state$ = this.state.asObservable();
    this.goaway$ = events$.pipe(
      ofEventType('goaway'),
      map(({ initiator, code, lastStreamId, debugData }) => ({ initiator, code, lastStreamId, debugData })),
    );
    this.errors$ = events$.pipe(
      ofEventType('error'),
      map((e) => e.error),
    );
    this.frames$ = this.pipeline.frames$;
    this.streamStates$ = streamStates(this.pipeline);
    this.altsvc$ = events$.pipe(
      ofEventType('altsvc'),
      map(({ streamId, origin, value }) => ({ streamId, origin, value })),
    );
    this.origin$ = events$.pipe(
      ofEventType('origin'),
      map((e) => e.origins),
    );
    this.streams$ = this.incoming.asObservable();
    this.routing = new Subscription();
    this.routing.add(events$.pipe(demultiplex()).subscribe((channel) => this.route(channel)));
    this.routing.add(
      events$.subscribe({
        next: (e) => {
          if (e.type === 'origin') for (const o of e.origins) this.originSet.add(serializedOrigin(o));
          if (e.type === 'remoteSettings' || e.type === 'localSettingsAcked') this.settings.next(this.snapshot());
          else if (e.type === 'goaway' || e.type === 'error') this.setState(c.closed ? 'closed' : 'closing');
        },
        complete: () => this.end(),
      }),
    );
    if (activity !== undefined) {
      this.routing.add(
        activity.pipe(idleTimeout(idle, options.scheduler ?? asyncScheduler)).subscribe(() => {
          if (this.state.value === 'open' && c.counters.activeStreams === 0) this.close();
        }),
      );
    }
    this.writes$ = new Observable<Uint8Array[]>((subscriber) => {
      const s = this.pipeline.writes$.subscribe({
        next: (batch) => {
          activity?.next();
          subscriber.next(batch);
        },
        error: (e) => {
          this.end();
          subscriber.error(e);
        },
        complete: () => {
          this.end();
          subscriber.complete();
        },
      });
      return () => s.unsubscribe();
    });
  }

  /** `client` or `server`. */
  get type(): 'client' | 'server' {
    return this.pipeline.connection.role;
  }

  /**
   * Sends a PING and emits the round-trip time in the scheduler's clock units
   * (ms) when the ACK arrives, then completes. Errors if `maxOutstandingPings`
   * are already in flight, or if the session closes first.
   */
  ping(payload?: Uint8Array): Observable<number> {
    return new Observable<number>((subscriber) => {
      const sent = payload ?? new Uint8Array(8);
      const subscription = this.pipeline.events$.subscribe({
        next: (e) => {
          if (e.type === 'pingAck' && (payload === undefined || sameBytes(e.payload, sent))) {
            subscriber.next(e.rtt);
            subscriber.complete();
          }
        },
        complete: () => subscriber.error(new Error('session closed before the PING was acknowledged')),
      });
      const ok = this.pipeline.command((c) => c.ping(payload));
      if (!ok) subscriber.error(new Error('too many outstanding PINGs (maxOutstandingPings)'));
      return () => subscription.unsubscribe();
    });
  }

  /**
   * Server: advertises alternative services (RFC 7838 §4) in an ALTSVC frame:
   * for an origin (a URL or `scheme://host[:port]`, sent on stream 0), or for
   * the origin of a request `stream` (sent on that stream).
   * @param value an Alt-Svc field value, e.g. `h2=":8443"; ma=3600`, or `clear`.
   * @throws TypeError for an origin that is not a URL with an origin (`data:`, …).
   */
  sendAltsvc(value: string, target: string | URL | IncomingStream): void {
    if (target instanceof IncomingStream) {
      this.pipeline.command((c) => c.altsvc(target.id, '', value));
      return;
    }
    const origin = originOf(target, 'ALTSVC');
    this.pipeline.command((c) => c.altsvc(0, origin, value));
  }

  /**
   * Server: sends an ORIGIN frame (RFC 8336): the origins this connection may
   * be used for (so a client can coalesce requests for them on it).
   * @throws TypeError for an origin that is not a URL with an origin.
   */
  sendOrigin(...origins: Array<string | URL>): void {
    const list = origins.map((o) => originOf(o, 'ORIGIN'));
    this.pipeline.command((c) => c.origin(list));
  }

  /**
   * Sets the connection receive window to `size` octets in total (Node's
   * `http2session.setLocalWindowSize()`): growing it sends the difference in
   * a WINDOW_UPDATE now; shrinking takes effect as the peer uses up credit
   * already given. Stream windows are SETTINGS_INITIAL_WINDOW_SIZE's
   * ({@link changeSettings}).
   * @throws H2Error (kind `user`) unless 0 ≤ size ≤ 2^31−1.
   */
  setLocalWindowSize(size: number): void {
    this.pipeline.command((c) => c.setLocalWindowSize(size));
  }

  /** Sends new SETTINGS (`[id, value]` pairs); they apply, and `settings$` emits, once acknowledged. */
  changeSettings(entries: Array<[number, number]>): void {
    this.pipeline.command((c) => c.settings(entries));
  }

  /**
   * Graceful close: GOAWAY(NO_ERROR) now; streams already open finish, new
   * ones are refused; `writes$` completes (and the transport closes) when the
   * last stream is done. A no-op on a session that already failed.
   */
  close(code: number = ErrorCode.NO_ERROR): void {
    // A failed connection already sent its GOAWAY: closing it again is a no-op.
    if (!this.pipeline.connection.failed) this.pipeline.command((c) => c.goaway(code));
    this.setState(this.pipeline.connection.closed ? 'closed' : 'closing');
  }

  /**
   * Client: sends a request and emits its response as {@link ResponseEvent}s:
   * informational (1xx) headers, the response headers, body chunks, trailers;
   * then completes at the response's END_STREAM. Missing pseudo-headers are
   * filled in: `:method` GET, `:path` `/`, `:scheme` and `:authority` from the
   * session's origin. `body` may be bytes, a string, an async iterable
   * (pulled as the server's window allows) or an Observable.
   *
   * Subscribing sends the request (each subscription is a new request);
   * unsubscribing before the end cancels it (RST_STREAM CANCEL). A reset or a
   * GOAWAY errors it with an `H2Error` of kind `reset`; the stream's
   * `retryable` tells whether the server never processed it.
   */
  request(headers: OutgoingHeaders, body?: Body, options?: SendOptions): Observable<ResponseEvent> {
    return new Observable<ResponseEvent>((subscriber) => {
      const request = new OutgoingRequest(this, subscriber);
      request.start(withRequestDefaults(toFields(headers), this.origin), body, options);
      return () => request.cancel();
    });
  }

  /**
   * Client: sends a request, as {@link request}, and resolves with the final
   * response once its headers arrive; the body is then read from
   * `response.body`, a pull-based ix AsyncIterable with real backpressure
   * (WINDOW_UPDATE only as it is read — the way to stream a large response
   * into a slow consumer). Stopping early (`break`, `return()`) resets the
   * stream (CANCEL); so does aborting `options.signal` before the response.
   * Rejects, before the response, as `request()` errors (`H2Error` of kind
   * `reset`, with `retryable`); after it, the body fails instead.
   * Informational (1xx) responses are skipped.
   */
  requestStream(headers: OutgoingHeaders, body?: Body, options?: SendOptions & { signal?: AbortSignal }): Promise<StreamedResponse> {
    return new Promise<StreamedResponse>((resolve, reject) => {
      let resolveTrailers!: (t: IncomingHeaders | undefined) => void;
      const trailers = new Promise<IncomingHeaders | undefined>((r) => (resolveTrailers = r));
      let responded = false;
      const signal = options?.signal;
      const onAbort = (): void => {
        if (responded) return;
        reject(signal?.reason ?? new Error('aborted'));
        request.cancel();
      };
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      const request: OutgoingRequest = new OutgoingRequest(
        this,
        {
          next: (e) => {
            if (e.type === 'response') {
              responded = true;
              settle();
              const stream = request.stream!;
              resolve({ id: stream.id, status: e.status, headers: e.headers, fields: e.fields, body: request.body!, trailers, state$: stateOf(this.pipeline, stream) });
            } else if (e.type === 'trailers') resolveTrailers(e.headers);
          },
          error: (error) => {
            settle();
            resolveTrailers(undefined);
            if (!responded) reject(error);
          },
          complete: () => {
            settle();
            resolveTrailers(undefined);
          },
        },
        true,
      );
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        request.start(withRequestDefaults(toFields(headers), this.origin), body, options);
      } catch (error) {
        settle();
        reject(error);
      }
    });
  }

  /** @internal Opens a request stream (client). */
  openRequest(fields: Array<[string, string]>, endStream: boolean, request: OutgoingRequest): CoreStream {
    return this.pipeline.command((c) => c.request(fields, { endStream, context: request }));
  }

  private route(channel: StreamChannel): void {
    const owner = channel.stream.context;
    if (owner instanceof OutgoingRequest) {
      owner.attach(channel);
      return;
    }
    if (owner instanceof PushedStream) {
      channel.subscribe((e) => {
        if (e.type === 'streamWritable' || e.type === 'streamClosed') owner.wake();
      });
      return;
    }
    // A stream the peer opened: its first event is the request's HEADERS
    // (server) or the PUSH_PROMISE (client); the stream object is made then.
    const first = channel.subscribe((e) => {
      if (e.type !== 'headers' && e.type !== 'push') return;
      first.unsubscribe();
      const stream = new IncomingStream(this, e.stream, e, prepend(e, channel));
      e.stream.context = stream;
      // §8.4: "A client MUST treat a PUSH_PROMISE for which the server is not authoritative as a stream
      // error of type PROTOCOL_ERROR" — a server must not plant responses for other origins in our cache.
      if (e.type === 'push' && !this.authoritative(e.fields)) stream.reset(ErrorCode.PROTOCOL_ERROR);
      else if (this.incoming.observed) this.incoming.next(stream);
      // Nobody would read it, and its unread DATA would hold the connection window for good:
      // a request is refused (the client may retry it, §8.7), a push cancelled (§8.4.2).
      else stream.reset(e.type === 'push' ? ErrorCode.CANCEL : ErrorCode.REFUSED_STREAM);
    });
  }

  /** Whether the promised request `fields` is for an origin in {@link originSet}. */
  private authoritative(fields: ReadonlyArray<readonly [string, string]>): boolean {
    const scheme = fieldValue(fields, ':scheme');
    const authority = fieldValue(fields, ':authority');
    if (scheme === undefined || authority === undefined) return false;
    return this.originSet.has(serializedOrigin(`${scheme}://${authority}`));
  }

  private snapshot(): SessionSettings {
    const c = this.pipeline.connection;
    return { local: pick(c.localSettings), remote: pick(c.remoteSettings) };
  }

  private setState(state: SessionState): void {
    if (this.state.value !== state && this.state.value !== 'closed') this.state.next(state);
  }

  private end(): void {
    this.setState('closed');
    this.routing.unsubscribe();
    this.incoming.complete();
    this.settings.complete();
    this.state.complete();
  }
}

/**
 * `startWith(first)` without its machinery (`concat` over `mergeMap`, about
 * a tenth of a small request's CPU): emits `first`, then mirrors `source`.
 */
function prepend<T>(first: T, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    subscriber.next(first);
    if (!subscriber.closed) return source.subscribe(subscriber);
    return undefined;
  });
}

/**
 * `text` as a serialized origin (RFC 6454: case and default ports
 * normalized); itself, lowercased, when it is no URL or its scheme has no
 * serialization (WHATWG gives those all the one origin `null`, which would
 * make any two of them alike).
 */
function serializedOrigin(text: string): string {
  let origin = 'null';
  try {
    origin = new URL(text).origin;
  } catch {
    // not a URL
  }
  return origin === 'null' ? text.toLowerCase() : origin;
}

/** The serialized origin of `target` (RFC 6454), or a TypeError naming the frame it was for. */
function originOf(target: string | URL, frame: 'ALTSVC' | 'ORIGIN'): string {
  let origin: string;
  try {
    origin = (typeof target === 'string' ? new URL(target) : target).origin;
  } catch {
    origin = 'null';
  }
  if (origin === 'null') throw new TypeError(`${frame} needs a valid origin, got ${String(target)}`);
  return origin;
}

/** Request fields with the pseudo-headers a request needs filled in (RFC 9113 §8.3.1), in front. */
function withRequestDefaults(fields: Array<[string, string]>, origin: { scheme: string; authority: string }): Array<[string, string]> {
  let method: string | undefined;
  let scheme = false;
  let authority = false;
  let path = false;
  let host: string | undefined;
  for (const [name, value] of fields) {
    if (name === ':method') method = value;
    else if (name === ':scheme') scheme = true;
    else if (name === ':authority') authority = true;
    else if (name === ':path') path = true;
    else if (name === 'host') host = value;
  }
  const defaults: Array<[string, string]> = [];
  if (method === undefined) defaults.push([':method', 'GET']);
  // §8.5: a plain CONNECT has only :method and :authority.
  const plainConnect = method === 'CONNECT' && !fields.some(([n]) => n === ':protocol');
  if (!scheme && !plainConnect) defaults.push([':scheme', origin.scheme]);
  // §8.3.1: the authority goes in :authority, and "a client MUST NOT generate a request with a Host header
  // field that differs from" it: a host given alone becomes the :authority, in place of the session's.
  if (!authority && host !== undefined) {
    defaults.push([':authority', host]);
    fields = fields.filter(([name]) => name !== 'host');
  } else if (!authority) defaults.push([':authority', origin.authority]);
  if (!path && !plainConnect) defaults.push([':path', '/']);
  return defaults.length === 0 ? fields : defaults.concat(fields);
}

function pick(s: SettingsSnapshot): SettingsSnapshot {
  return {
    headerTableSize: s.headerTableSize,
    enablePush: s.enablePush,
    maxConcurrentStreams: s.maxConcurrentStreams,
    initialWindowSize: s.initialWindowSize,
    maxFrameSize: s.maxFrameSize,
    maxHeaderListSize: s.maxHeaderListSize,
    enableConnectProtocol: s.enableConnectProtocol,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
