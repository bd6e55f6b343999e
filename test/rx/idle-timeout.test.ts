import { TestScheduler } from 'rxjs/testing';
import type { SchedulerLike } from 'rxjs';
import { idleTimeout, MAX_TIMER_DELAY } from '../../src/rx/idle-timeout';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('idleTimeout', () => {
  it('fires once per silence of the given length, re-arming only on activity', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // activity at 0, 3 and 20; silence of 10 after 3 -> fires at 13; after 20 -> at 30.
      const source = cold('a 2ms b 16ms c 20ms |');
      expectObservable(source.pipe(idleTimeout(10))).toBe('13ms a 16ms b 10ms |', { a: 13, b: 30 });
    });
  });

  it('fires on a source that never emits, and not at all when disabled', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('30ms |').pipe(idleTimeout(10))).toBe('10ms a 19ms |', { a: 10 });
      expectObservable(cold('30ms a |').pipe(idleTimeout(0))).toBe('31ms |');
    });
  });

  it('releases its timer on unsubscribe', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a').pipe(idleTimeout(10)), '^ 5ms !').toBe('');
    });
  });

  it('waits longer than a Node timer can in steps of MAX_TIMER_DELAY, and fires at the end (no 1 ms overflow)', () => {
    const ts = scheduler();
    const delays: number[] = [];
    // TestScheduler's virtual time, recording the delays a real timer would be asked for.
    const recording = {
      now: () => ts.now(),
      schedule: (...args: Parameters<TestScheduler['schedule']>) => {
        delays.push(args[1] ?? 0);
        return ts.schedule(...args);
      },
    } as SchedulerLike;
    const thirtyDays = 30 * 24 * 3600 * 1000;
    const fired: number[] = [];
    ts.run(({ cold }) => {
      cold('a').pipe(idleTimeout(thirtyDays, recording)).subscribe((t) => fired.push(t));
    });
    expect(fired).toEqual([thirtyDays]);
    expect(delays.every((d) => d <= MAX_TIMER_DELAY)).toBe(true);
    expect(delays).toEqual([MAX_TIMER_DELAY, thirtyDays - MAX_TIMER_DELAY]);
  });
});
