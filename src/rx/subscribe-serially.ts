import type { Observable, Subscriber, Subscription } from 'rxjs';

/**
 * Subscribes to `source` for an operator whose work must not re-enter itself
 * (a decoder written to from its own sink, a frame encoded between another's
 * chunks): `handle` runs on each value one at a time. A value that arrives
 * re-entrantly — pushed by a downstream reaction inside `handle` — waits
 * until the current one is done (the queue is allocated only if that ever
 * happens); a completion that arrives meanwhile runs `complete` once the
 * queue has drained. Values stop being handled once `subscriber` is closed.
 * Errors go to `subscriber` as they come.
 */
export function subscribeSerially<T>(source: Observable<T>, subscriber: Subscriber<unknown>, handle: (value: T) => void, complete: () => void): Subscription {
  let queue: T[] | null = null;
  let busy = false;
  let completePending = false;
  return source.subscribe({
    next(value) {
      if (busy) {
        (queue ??= []).push(value);
        return;
      }
      busy = true;
      try {
        handle(value);
        while (queue !== null && queue.length > 0 && !subscriber.closed) handle(queue.shift()!);
      } finally {
        busy = false;
      }
      if (completePending) complete();
    },
    error(e) {
      subscriber.error(e);
    },
    complete() {
      if (busy) completePending = true;
      else complete();
    },
  });
}
