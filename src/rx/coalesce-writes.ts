import { asapScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Gathers the chunks produced in one tick into one emission: an array of
 * chunks for a single vectored write (`socket.cork()` + writes, or `writev`).
 * One tick is everything that arrives before an action scheduled on
 * `scheduler` with delay 0 runs: with the default `asapScheduler`, the current
 * synchronous turn and the microtasks queued before the flush.
 *
 * - Order is kept, inside a batch and across batches. Arrays are spread into
 *   the batch (they are not copied chunk by chunk: the chunks themselves are
 *   passed on); empty arrays add nothing, and no empty batch is emitted.
 * - At most one flush is scheduled at a time, on the first chunk of a batch.
 * - On completion, a pending batch is emitted at once, then completion.
 * - On error, a pending batch is emitted first as well: the last frames before
 *   a failure (a GOAWAY, an RST_STREAM) are the ones that explain it.
 * - Unsubscribing cancels the scheduled flush and drops the pending batch
 *   (whoever unsubscribes no longer wants writes).
 * - Chunks that arrive while a batch is being emitted (a synchronous
 *   re-entrant write) start the next batch.
 */
export function coalesceWrites(scheduler: SchedulerLike = asapScheduler): OperatorFunction<Uint8Array | Uint8Array[], Uint8Array[]> {
  return (source) =>
    new Observable<Uint8Array[]>((subscriber) => {
      let pending: Uint8Array[] = [];
      let flushAction: Subscription | null = null;

      const flush = (): void => {
        flushAction = null;
        if (pending.length === 0) return;
        const batch = pending;
        // Swap before emitting, so a write made by downstream from `next` lands in a new batch.
        pending = [];
        subscriber.next(batch);
      };

      const subscription = source.subscribe({
        next(value) {
          if (Array.isArray(value)) {
            if (value.length === 0) return;
            for (let i = 0; i < value.length; i++) pending.push(value[i]);
          } else {
            pending.push(value);
          }
          if (flushAction === null) flushAction = scheduler.schedule(flush);
        },
        error(e) {
          cancelFlush();
          flush();
          subscriber.error(e);
        },
        complete() {
          cancelFlush();
          flush();
          subscriber.complete();
        },
      });

      function cancelFlush(): void {
        if (flushAction !== null) {
          flushAction.unsubscribe();
          flushAction = null;
        }
      }

      return () => {
        subscription.unsubscribe();
        cancelFlush();
        pending = [];
      };
    });
}
