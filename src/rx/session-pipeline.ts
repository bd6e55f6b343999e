import { asapScheduler, Observable, Subject, Subscription, type SchedulerLike } from 'rxjs';
import { Connection, OUTPUT_BATCH_BYTES, type ConnectionOptions, type StreamStateChange } from '../protocol/connection';
import { ErrorCode } from '../protocol/error-code';
import type { Frame } from '../protocol/frames';
import { H2Error } from '../protocol/h2-error';
import { coalesceWrites } from './coalesce-writes';
import { schedulePending } from './schedule-pending';
import { connectionEventsTo, type SessionEvent } from './session-events';
import { deadlineTicks } from './ticks';

/** Options of {@link SessionPipeline}: the core's, plus the scheduler that is the clock. */
export interface SessionPipelineOptions extends Omit<ConnectionOptions, 'now'> {
  /**
   * Clock and write scheduler. Writes produced in one turn of it leave as one
   * batch; timers (settings ACK, header phase, rate limits) run on its time, so
   * under `TestScheduler` every timeout is virtual. Default `asapScheduler`.
   * One that runs delay-0 work at once (`queueScheduler`) works too, with
   * less batching.
   */
  scheduler?: SchedulerLike;
  /** Report every frame in and out on {@link SessionPipeline.frames$} (debugging; off by default). */
  tapFrames?: boolean;
}

/**
 * Most DATA octets the pipeline takes from the core at once (8 MiB, about
 * what node:http2 hands to one vectored write). Takes start at the core's
 * `OUTPUT_BATCH_BYTES` (1 MiB) and double at each turn the transport is not
 * backed up (loopback, a LAN): every take costs a write syscall and a turn of
 * the pipeline, which showed in the CPU of large responses. A transport that
 * backs up and takes more than {@link SLOW_DRAIN_MS} to drain is a slow link:
 * takes go back to 1 MiB, so that what is queued after DATA (a PING ACK,
 * another stream's HEADERS) waits behind about 1 MiB at most.
 */
export const MAX_TAKE_BYTES = 8 << 20;

/** How long (ms) a backed-up transport may take to drain before takes go back to 1 MiB: see {@link MAX_TAKE_BYTES}. */
export const SLOW_DRAIN_MS = 10;

/** A frame seen by the debugging tap, with its direction. */
export interface TappedFrame {
  direction: 'in' | 'out';
  frame: Frame;
}

/**
 * The session pipeline (DESIGN "The shape"): socket bytes in, coalesced writes
 * out, with the sans-I/O connection core in the middle.
 *
 * ```
 * input$ ──▶ core.receive ──▶ events$ (headers, data, settings, goaway, …)
 * commands ─▶ core ──▶ takeOutput ──▶ coalesceWrites ──▶ writes$
 * core.nextDeadline ──▶ deadlineTicks ──▶ core.tick
 * ```
 *
 * `writes$` is the driver: subscribing to it (once, by the transport)
 * subscribes to `input$` and starts the connection (the preface and our
 * SETTINGS are the first batch). It completes once the core is closed and
 * its last bytes (GOAWAY) have been emitted, or when `input$` completes.
 *
 * Commands are run through {@link command}, which flushes what they produce.
 */
export class SessionPipeline {
  /** The sans-I/O core. Read its state freely; change it through {@link command}. */
  readonly connection: Connection;
  /** Every core event, synchronously, in order. Hot: subscribe before `writes$`. */
  readonly events$: Observable<SessionEvent>;
  /** Every frame in and out, when `tapFrames` was set (else never emits). */
  readonly frames$: Observable<TappedFrame>;
  /** Coalesced output for the transport: one array of chunks per scheduler turn. */
  readonly writes$: Observable<Uint8Array[]>;
  /**
   * Every stream state change (RFC 9113 §5.1) once {@link watchStreamStates}
   * was called, in order, each right after the core call that made it. Hot.
   */
  readonly streamStates$: Observable<StreamStateChange>;

  private readonly scheduler: SchedulerLike;
  private readonly events = new Subject<SessionEvent>();
  private readonly frames = new Subject<TappedFrame>();
  private readonly states = new Subject<StreamStateChange>();
  /** {@link emitStates} is running: a command run by a watcher leaves its changes to that loop, in order. */
  private emittingStates = false;
  private readonly output = new Subject<Uint8Array[]>();
  private readonly changed = new Subject<void>();
  private running = false;
  private writable = true;
  private more: Subscription | null = null;
  /**
   * The transport's input ended: a command run by a handler while the streams
   * close must not complete the output before {@link finish} errors it.
   */
  private inputEnded = false;
  /** DATA octets of the next take: see {@link MAX_TAKE_BYTES}. */
  private takeBytes = OUTPUT_BATCH_BYTES;
  /** When the transport last backed up (scheduler time). */
  private backedUpAt = 0;

  constructor(input$: Observable<Uint8Array>, options: SessionPipelineOptions) {
    this.scheduler = options.scheduler ?? asapScheduler;
    const tap = options.tapFrames === true ? (frame: Frame, direction: 'in' | 'out') => this.frames.next({ frame, direction }) : undefined;
    this.connection = new Connection({ ...options, now: this.scheduler.now() }, connectionEventsTo((e) => this.events.next(e), tap));
    this.events$ = this.events.asObservable();
    this.frames$ = this.frames.asObservable();
    this.streamStates$ = this.states.asObservable();
    this.writes$ = new Observable<Uint8Array[]>((subscriber) => {
      if (this.running) throw new Error('SessionPipeline.writes$ is subscribed once, by the transport');
      this.running = true;
      const subscription = new Subscription();
      subscription.add(this.output.pipe(coalesceWrites(this.scheduler)).subscribe(subscriber));
      subscription.add(
        this.changed.pipe(deadlineTicks(() => this.connection.nextDeadline(), this.scheduler)).subscribe((now) => {
          this.connection.tick(now);
          this.flush();
        }),
      );
      subscription.add(
        input$.subscribe({
          next: (chunk) => {
            this.connection.receive(chunk, this.scheduler.now());
            this.flush();
          },
          error: (e) => this.finish(e),
          complete: () => this.finish(),
        }),
      );
      this.flush();
      return () => {
        this.more?.unsubscribe();
        subscription.unsubscribe();
        this.events.complete();
        this.frames.complete();
        this.states.complete();
      };
    });
  }

  /**
   * Starts recording stream state changes for {@link streamStates$}
   * (idempotent). Returns how many were recorded so far: a watcher that reads
   * a stream's `state` now skips changes with a `seq` up to it.
   */
  watchStreamStates(): number {
    return this.connection.watchStreamStates();
  }

  /**
   * Runs a command on the core (request, respond, write, ping, settings,
   * goaway, …) and flushes the frames it produced into `writes$`. Errors the
   * command throws (user errors, kind `user`) reach the caller.
   */
  command<T>(run: (connection: Connection) => T): T {
    // Commands carry no time of their own: bring the core's clock to now (PING RTT, timers).
    this.connection.tick(this.scheduler.now());
    try {
      return run(this.connection);
    } finally {
      this.flush();
    }
  }

  /**
   * Whether the transport can take more bytes. While it cannot, the core's
   * output stays in the core — DATA is not framed, so stream queues stay full
   * and body producers are not pulled (SECURITY #11) — and the transport
   * stops reading. Set by the transport from its socket's backpressure.
   */
  setWritable(writable: boolean): void {
    const now = this.scheduler.now();
    if (!writable && this.writable) this.backedUpAt = now;
    if (writable && !this.writable && now - this.backedUpAt > SLOW_DRAIN_MS) this.takeBytes = OUTPUT_BATCH_BYTES;
    this.writable = writable;
    if (writable && this.running) this.flush();
  }

  /**
   * Hands the core's pending output to the write coalescer and re-arms its
   * timers. The core frames at most {@link takeBytes} of DATA per take: when
   * it has more, another take is scheduled for the next turn, after the
   * transport had the chance to write (and to report backpressure); if it
   * did not, that take is twice as large, up to {@link MAX_TAKE_BYTES}.
   */
  private flush(): void {
    try {
      this.flushOutput();
    } finally {
      // After the output: framing the last DATA of a body ends our side of its stream.
      this.emitStates();
    }
  }

  /** See {@link flush}. */
  private flushOutput(): void {
    // Before the transport subscribes, output waits in the core (nothing is lost).
    if (!this.running) return;
    if (this.writable) {
      const out = this.connection.takeOutput(this.takeBytes);
      if (out !== undefined) this.output.next(out);
      if (this.connection.wantsWrite && this.more === null) {
        const more = schedulePending(this.scheduler, () => {
          this.more = null;
          if (this.writable && this.takeBytes < MAX_TAKE_BYTES) this.takeBytes *= 2;
          this.flush();
        });
        if (more !== null) this.more = more;
      }
    }
    if (this.connection.closed) {
      // The input ended: finish() completes (or errors) the output itself, after the streams close.
      if (this.inputEnded) return;
      // The last bytes (GOAWAY, final frames) go out even while the socket is
      // backed up: the transport queues them and ends after flushing.
      let out = this.connection.takeOutput();
      while (out !== undefined) {
        this.output.next(out);
        out = this.connection.takeOutput();
      }
      this.output.complete();
      this.changed.complete();
    } else {
      this.changed.next();
    }
  }

  /**
   * Emits the core's recorded stream state changes, oldest first. Changes made
   * by a watcher's own commands join the same loop, so order is kept.
   */
  private emitStates(): void {
    if (this.emittingStates) return;
    this.emittingStates = true;
    try {
      for (let changes = this.connection.takeStreamStates(); changes !== undefined; changes = this.connection.takeStreamStates()) {
        for (let i = 0; i < changes.length; i++) this.states.next(changes[i]!);
      }
    } finally {
      this.emittingStates = false;
    }
  }

  /**
   * The transport ended (peer closed or failed): no more input, emit what is
   * left and stop. Streams still open close (`Connection.transportClosed`),
   * before the events complete, so that nobody waits on them forever.
   */
  private finish(error?: unknown): void {
    this.inputEnded = true;
    const out = this.connection.takeOutput();
    if (out !== undefined) this.output.next(out);
    this.connection.transportClosed(error === undefined ? undefined : ioError(error));
    this.emitStates();
    this.changed.complete();
    if (error === undefined) this.output.complete();
    else this.output.error(error);
  }
}

/**
 * A socket's failure as the session reports it: an `H2Error` of kind `io`
 * whose `cause` is the socket's error (ECONNRESET, a TLS alert such as
 * ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED), on `errors$` and on every
 * stream it closed — rather than a bare local CANCEL that hides why.
 */
function ioError(error: unknown): H2Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new H2Error(`the connection failed: ${reason}`, { kind: 'io', code: ErrorCode.CANCEL, scope: 'connection', cause: error });
}
