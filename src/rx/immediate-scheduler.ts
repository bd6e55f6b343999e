import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

/**
 * One scheduled piece of work: `setImmediate` for a delay of 0, `setTimeout`
 * otherwise. Unsubscribing cancels it.
 */
class ImmediateAction<T> extends Subscription implements SchedulerAction<T> {
  private handle: ReturnType<typeof setImmediate> | ReturnType<typeof setTimeout> | undefined = undefined;
  private immediate = false;

  constructor(private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super(() => this.clear());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.clear();
    const run = (): void => {
      this.handle = undefined;
      if (this.closed) return;
      this.work.call(this, state);
    };
    this.immediate = delay <= 0;
    this.handle = this.immediate ? setImmediate(run) : setTimeout(run, delay);
    return this;
  }

  private clear(): void {
    if (this.handle === undefined) return;
    if (this.immediate) clearImmediate(this.handle as ReturnType<typeof setImmediate>);
    else clearTimeout(this.handle as ReturnType<typeof setTimeout>);
    this.handle = undefined;
  }
}

/**
 * The scheduler of sessions bound to a socket (`serve()`, `connect()`):
 * delay-0 work (the write coalescer's flush, the next ~1 MiB of DATA) runs
 * in `setImmediate`, i.e. after the event loop's I/O callbacks, rather than
 * in a microtask like `asapScheduler`. Everything a turn of I/O produced —
 * every response to the requests of one socket read, every WINDOW_UPDATE for
 * the DATA it carried, however many microtasks the body readers took —
 * leaves in one vectored write, as node:http2 batches its writes per loop
 * iteration. Timers use `setTimeout`; the clock is `Date.now()`.
 */
export const immediateScheduler: SchedulerLike = {
  now: () => Date.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ImmediateAction(work).schedule(state, delay);
  },
};
