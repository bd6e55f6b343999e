import { asapScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { schedulePending } from './schedule-pending';

/**
 * Gathers the chunks produced in one tick into one emission: an array of
 * chunks for a single vectored write (`socket.cork()` + writes, or `writev`).
 * One tick is everything that arrives before an action scheduled on
 * `scheduler` with delay 0 runs: with the default `asapScheduler`, the current
 * synchronous turn and the microtasks queued before the flush.
 *
 * - Order is kept, inside a batch and across batches. Arrays are spread into
 *   the batch (the chunks themselves are passed on, never copied); empty
 *   arrays add nothing, and no empty batch is emitted.
 * - An array that arrives alone in its tick is emitted as the batch itself:
 *   a take of the connection core is ~130 chunks per MiB of DATA, and copying
 *   them one by one into a new array showed in the server's profile. An array
 *   received is never modified: when more arrives in the same tick, the
 *   batch becomes a new array first.
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
      // Whether `pending` is ours to push to, or an array received from upstream.
      let owned = true;
      let flushAction: Subscription | null = null;

      const flush = (): void => {
        flushAction = null;
        if (pending.length === 0) return;
        const batch = pending;
        // Swap before emitting, so a write made by downstream from `next` lands in a new batch.
        pending = [];
        owned = true;
        subscriber.next(batch);
      };

      const own = (): void => {
        if (owned) return;
        pending = pending.slice();
        owned = true;
      };

      const subscription = source.subscribe({
        next(value) {
          if (Array.isArray(value)) {
            if (value.length === 0) return;
            if (pending.length === 0) {
              pending = value;
              owned = false;
            } else if (!owned || value.length > pending.length) {
              // Two takes in one tick (a large one among them): one exact copy of both by the
              // builtin, not a copy grown a push at a time (~40 KB of garbage per 16 MiB response).
              pending = pending.concat(value);
              owned = true;
            } else {
              for (let i = 0; i < value.length; i++) pending.push(value[i]);
            }
          } else {
            own();
            pending.push(value);
          }
          if (flushAction === null) {
            // A scheduler that flushed at once (queueScheduler) left nothing to keep.
            const action = schedulePending(scheduler, flush);
            if (action !== null) flushAction = action;
          }
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
        owned = true;
      };
    });
}
