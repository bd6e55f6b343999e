import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Clock ticks for a sans-I/O core's timers: emits `scheduler.now()` when the
 * core's next deadline is reached, so that downstream calls `core.tick(now)`.
 * Time comes from the scheduler only, so under `TestScheduler` every timeout
 * runs on virtual time.
 *
 * The source says "the core's state may have changed": emit after every input
 * fed to the core (bytes, commands). On subscription and after each source
 * value, `nextDeadline()` is asked (ms on `scheduler.now()`'s clock, or
 * `undefined` for none) and a tick is armed. Re-arming is cheap:
 * - one scheduled action at a time;
 * - it is replaced only when the deadline moves earlier than the armed time;
 * - when the deadline moves later or goes away, the armed action is left
 *   alone: when it fires it asks again and either emits (deadline reached),
 *   re-arms for the later deadline, or stops (none).
 *
 * After each emitted tick the deadline is asked again (downstream's `tick`
 * usually sets the next one) and re-armed. A tick is emitted only when
 * `nextDeadline() <= now`, so a stale timer never produces a spurious tick.
 *
 * Completes when the source completes (no input will reach the core any
 * more, so its timers are moot), errors when it errors; both, and
 * unsubscribing, cancel the armed action.
 *
 * @param nextDeadline the core's `nextDeadline()`; must be cheap (called on every source value).
 * @param scheduler clock and timer; default `asyncScheduler` (setTimeout).
 */
export function deadlineTicks<T>(
  nextDeadline: () => number | undefined,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, number> {
  return (source) =>
    new Observable<number>((subscriber) => {
      let action: Subscription | null = null;
      /** When the armed action fires; Infinity when none is armed. */
      let armedAt = Infinity;

      /** `nextDeadline()`, with a throw turned into an error of the output (it would otherwise escape into the scheduler). */
      const ask = (): number | undefined | null => {
        try {
          return nextDeadline();
        } catch (e) {
          subscriber.error(e);
          return null;
        }
      };

      const fire = (): void => {
        action = null;
        armedAt = Infinity;
        const now = scheduler.now();
        const deadline = ask();
        if (deadline == null) return;
        if (deadline <= now) subscriber.next(now);
        if (!subscriber.closed) arm();
      };

      const arm = (): void => {
        const deadline = ask();
        if (deadline == null || deadline >= armedAt) return;
        if (action !== null) action.unsubscribe();
        armedAt = deadline;
        action = scheduler.schedule(fire, Math.max(0, deadline - scheduler.now()));
      };

      const disarm = (): void => {
        if (action !== null) {
          action.unsubscribe();
          action = null;
        }
        armedAt = Infinity;
      };

      arm();
      if (subscriber.closed) return;
      const subscription = source.subscribe({
        next() {
          arm();
        },
        error(e) {
          disarm();
          subscriber.error(e);
        },
        complete() {
          disarm();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        disarm();
      };
    });
}
