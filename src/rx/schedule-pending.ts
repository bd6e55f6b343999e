import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Schedules `work` with delay 0 on `scheduler`, for a caller that keeps "the
 * action still to run" (a flush, the next take) so as to schedule at most one
 * at a time. Returns that action, or `null` when the scheduler already ran
 * the work before returning: `queueScheduler` does so outside its own queue.
 * A caller that kept an action that already ran would think it still
 * pending, and never schedule again: the writes after the first would wait
 * forever. So on `null`, keep whatever `work` itself scheduled meanwhile.
 */
export function schedulePending(scheduler: SchedulerLike, work: () => void): Subscription | null {
  let ran = false;
  const action = scheduler.schedule(() => {
    ran = true;
    work();
  });
  return ran ? null : action;
}
