import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * The longest delay a Node timer takes (2^31 − 1 ms, about 24.8 days): a
 * longer one fires after 1 ms instead (TimeoutOverflowWarning), which would
 * re-arm every millisecond. Longer timeouts wait in steps of it.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Emits `scheduler.now()` once whenever the source has been silent for `ms`
 * (Node's `http2session.setTimeout(msecs)`: activity is any byte in or out),
 * then waits for the next activity before arming again. Completes with the
 * source. One scheduled action at a time, re-armed lazily: activity only
 * records its time, and the timer, when it fires early, re-schedules itself
 * for the remaining time — O(1) per activity, not one timer per chunk.
 */
export function idleTimeout<T>(ms: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, number> {
  return (source) =>
    new Observable<number>((subscriber) => {
      let last = scheduler.now();
      let timer: Subscription | null = null;
      const arm = (delay: number): void => {
        timer = scheduler.schedule(fire, delay < MAX_TIMER_DELAY ? delay : MAX_TIMER_DELAY);
      };
      const fire = (): void => {
        timer = null;
        const idle = scheduler.now() - last;
        if (idle >= ms) subscriber.next(scheduler.now());
        else arm(ms - idle);
      };
      const subscription = source.subscribe({
        next() {
          last = scheduler.now();
          if (timer === null && ms > 0) arm(ms);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      if (ms > 0) arm(ms);
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
