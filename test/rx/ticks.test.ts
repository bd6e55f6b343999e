import { asyncScheduler, NEVER, Subject, tap, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { deadlineTicks } from '../../src/rx/ticks';

/** A stand-in for the sans-I/O core's timer API: a set of deadlines, `tick(now)` clears the due ones. */
class FakeCore {
  deadlines: number[] = [];
  ticks: number[] = [];
  asked = 0;
  readonly nextDeadline = (): number | undefined => {
    this.asked++;
    return this.deadlines.length === 0 ? undefined : Math.min(...this.deadlines);
  };
  tick(now: number): void {
    this.ticks.push(now);
    this.deadlines = this.deadlines.filter((d) => d > now);
  }
}

/** Wraps a scheduler to record every action scheduled on it. */
function spying(inner: SchedulerLike): SchedulerLike & { actions: Subscription[] } {
  const actions: Subscription[] = [];
  return {
    actions,
    now: () => inner.now(),
    schedule: (work: any, delay?: number, state?: any) => {
      const action = inner.schedule(work, delay, state);
      actions.push(action);
      return action;
    },
  };
}

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('deadlineTicks', () => {
  it('ticks at the deadline present on subscription, then at each next one', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const core = new FakeCore();
      core.deadlines = [5, 9];
      const ticks$ = NEVER.pipe(deadlineTicks(core.nextDeadline, ts), tap((now) => core.tick(now)));
      expectObservable(ticks$, '^ 20ms !').toBe('5ms x 3ms y', { x: 5, y: 9 });
    });
  });

  it('re-arms earlier when an input moves the deadline earlier', () => {
    const ts = testScheduler();
    const core = new FakeCore();
    const spy = spying(ts);
    ts.run(({ hot, expectObservable }) => {
      core.deadlines = [10];
      const inputs = hot('---a', { a: 6 }).pipe(tap((d) => core.deadlines.push(d)));
      const ticks$ = inputs.pipe(deadlineTicks(core.nextDeadline, spy), tap((now) => core.tick(now)));
      expectObservable(ticks$, '^ 20ms !').toBe('6ms x 3ms y', { x: 6, y: 10 });
    });
    // Armed for 10, re-armed for 6, then for 10 again after the tick at 6.
    expect(spy.actions).toHaveLength(3);
  });

  it('leaves the armed action alone when inputs do not move the deadline earlier', () => {
    const ts = testScheduler();
    const core = new FakeCore();
    const spy = spying(ts);
    ts.run(({ hot, expectObservable }) => {
      core.deadlines = [8];
      const inputs = hot('-abcde', { a: 8, b: 9, c: 12, d: 8, e: 30 }).pipe(tap((d) => core.deadlines.push(d)));
      const ticks$ = inputs.pipe(deadlineTicks(core.nextDeadline, spy), tap((now) => core.tick(now)));
      expectObservable(ticks$, '^ 40ms !').toBe('8ms ab 2ms c 17ms d', { a: 8, b: 9, c: 12, d: 30 });
    });
    // One action at subscription, then one re-arm after each tick but the last; none for the five inputs.
    expect(spy.actions).toHaveLength(4);
    expect(core.ticks).toEqual([8, 9, 12, 30]);
  });

  it('does not tick when the deadline moved later or went away; the stale action re-checks', () => {
    const ts = testScheduler();
    const core = new FakeCore();
    ts.run(({ hot, expectObservable }) => {
      core.deadlines = [5];
      const inputs = hot('--a-------b', { a: 'later', b: 'none' }).pipe(
        tap((what) => (core.deadlines = what === 'later' ? [8] : [])),
      );
      const ticks$ = inputs.pipe(deadlineTicks(core.nextDeadline, ts), tap((now) => core.tick(now)));
      // Tick at 8 only: the action armed for 5 finds the deadline at 8 and re-arms.
      expectObservable(ticks$, '^ 30ms !').toBe('8ms x', { x: 8 });
    });
    expect(core.ticks).toEqual([8]);
  });

  it('ticks at once for a deadline already past', () => {
    const ts = testScheduler();
    ts.run(({ hot, expectObservable }) => {
      const core = new FakeCore();
      const inputs = hot('---a').pipe(tap(() => core.deadlines.push(1)));
      expectObservable(inputs.pipe(deadlineTicks(core.nextDeadline, ts), tap((now) => core.tick(now))), '^ 10ms !').toBe('---x', { x: 3 });
    });
  });

  it('completes with the source and cancels the armed action', () => {
    const ts = testScheduler();
    const core = new FakeCore();
    const spy = spying(ts);
    ts.run(({ cold, expectObservable }) => {
      core.deadlines = [5];
      expectObservable(cold('--|').pipe(deadlineTicks(core.nextDeadline, spy))).toBe('--|');
    });
    expect(spy.actions).toHaveLength(1);
    expect(spy.actions[0].closed).toBe(true);
  });

  it('errors with the source, and when nextDeadline throws', () => {
    const ts = testScheduler();
    ts.run(({ cold, hot, expectObservable }) => {
      const core = new FakeCore();
      core.deadlines = [5];
      expectObservable(cold('--#').pipe(deadlineTicks(core.nextDeadline, ts))).toBe('--#');
      let broken = false;
      const boom = new Error('boom');
      const nextDeadline = (): number => {
        if (broken) throw boom;
        return 4;
      };
      const inputs = hot('-a').pipe(tap(() => (broken = true)));
      expectObservable(inputs.pipe(deadlineTicks(nextDeadline, ts))).toBe('-#', undefined, boom);
    });
  });

  it('unsubscribing cancels the armed action', () => {
    const ts = testScheduler();
    const core = new FakeCore();
    const spy = spying(ts);
    ts.run(({ expectObservable }) => {
      core.deadlines = [5];
      expectObservable(NEVER.pipe(deadlineTicks(core.nextDeadline, spy)), '^ 2ms !').toBe('');
    });
    expect(spy.actions).toHaveLength(1);
    expect(spy.actions[0].closed).toBe(true);
    expect(core.ticks).toEqual([]);
  });

  describe('on asyncScheduler (real timers, faked by jest)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('fires on the clock and leaves no timer behind after teardown', () => {
      const core = new FakeCore();
      const start = asyncScheduler.now();
      core.deadlines = [start + 1000];
      const inputs = new Subject<void>();
      const subscription = inputs.pipe(deadlineTicks(core.nextDeadline), tap((now) => core.tick(now))).subscribe();
      expect(jest.getTimerCount()).toBe(1);
      inputs.next(); // the deadline did not move: still one timer
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(999);
      expect(core.ticks).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(core.ticks).toEqual([start + 1000]);
      expect(jest.getTimerCount()).toBe(0);
      core.deadlines = [start + 5000];
      inputs.next();
      expect(jest.getTimerCount()).toBe(1);
      subscription.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
