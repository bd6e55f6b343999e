import { asapScheduler, Observable, Subject, Subscription, type SchedulerLike } from 'rxjs';
import { Connection, type ConnectionOptions } from '../protocol/connection';
import type { Frame } from '../protocol/frames';
import { coalesceWrites } from './coalesce-writes';
import { connectionEventsTo, type SessionEvent } from './session-events';
import { deadlineTicks } from './ticks';

/** Options of {@link SessionPipeline}: the core's, plus the scheduler that is the clock. */
export interface SessionPipelineOptions extends Omit<ConnectionOptions, 'now'> {
  /**
   * Clock and write scheduler. Writes produced in one turn of it leave as one
   * batch; timers (settings ACK, header phase, rate limits) run on its time, so
   * under `TestScheduler` every timeout is virtual. Default `asapScheduler`.
   */
  scheduler?: SchedulerLike;
  /** Report every frame in and out on {@link SessionPipeline.frames$} (debugging; off by default). */
  tapFrames?: boolean;
}

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

  private readonly scheduler: SchedulerLike;
  private readonly events = new Subject<SessionEvent>();
  private readonly frames = new Subject<TappedFrame>();
  private readonly output = new Subject<Uint8Array[]>();
  private readonly changed = new Subject<void>();
  private running = false;
  private writable = true;
  private more: Subscription | null = null;

  constructor(input$: Observable<Uint8Array>, options: SessionPipelineOptions) {
    this.scheduler = options.scheduler ?? asapScheduler;
    const tap = options.tapFrames === true ? (frame: Frame, direction: 'in' | 'out') => this.frames.next({ frame, direction }) : undefined;
    this.connection = new Connection({ ...options, now: this.scheduler.now() }, connectionEventsTo((e) => this.events.next(e), tap));
    this.events$ = this.events.asObservable();
    this.frames$ = this.frames.asObservable();
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
      };
    });
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
    this.writable = writable;
    if (writable && this.running) this.flush();
  }

  /**
   * Hands the core's pending output to the write coalescer and re-arms its
   * timers. The core frames at most about 1 MiB of DATA per take: when it
   * has more, another take is scheduled for the next turn, after the
   * transport had the chance to write (and to report backpressure).
   */
  private flush(): void {
    // Before the transport subscribes, output waits in the core (nothing is lost).
    if (!this.running) return;
    if (this.writable) {
      const out = this.connection.takeOutput();
      if (out !== undefined) this.output.next(out);
      if (this.connection.wantsWrite && this.more === null) {
        this.more = this.scheduler.schedule(() => {
          this.more = null;
          this.flush();
        });
      }
    }
    if (this.connection.closed) {
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

  /** The transport ended (peer closed or failed): no more input, emit what is left and stop. */
  private finish(error?: unknown): void {
    const out = this.connection.takeOutput();
    if (out !== undefined) this.output.next(out);
    this.changed.complete();
    if (error === undefined) this.output.complete();
    else this.output.error(error);
  }
}
