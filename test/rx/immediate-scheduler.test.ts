import { immediateScheduler } from '../../src/rx/immediate-scheduler';

describe('immediateScheduler', () => {
  it('runs delay-0 work after the microtasks of the current turn (setImmediate), not in one', async () => {
    const order: string[] = [];
    immediateScheduler.schedule(() => order.push('immediate'));
    void Promise.resolve().then(() => order.push('microtask'));
    queueMicrotask(() => void Promise.resolve().then(() => order.push('later microtask')));
    expect(order).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['microtask', 'later microtask', 'immediate']);
  });

  it('passes the state, and unsubscribing cancels the work', async () => {
    const seen: unknown[] = [];
    immediateScheduler.schedule((s) => seen.push(s), 0, 'a');
    immediateScheduler.schedule((s) => seen.push(s), 0, 'b').unsubscribe();
    immediateScheduler.schedule((s) => seen.push(s), 5, 'c').unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['a']);
  });

  it('runs delayed work on a timer, and work may reschedule itself (this.schedule)', async () => {
    const started = Date.now();
    const runs: number[] = [];
    await new Promise<void>((resolve) => {
      immediateScheduler.schedule(function (n) {
        runs.push(n!);
        if (n! < 3) this.schedule(n! + 1, 5);
        else resolve();
      }, 10, 1);
    });
    expect(runs).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('tells the time with Date.now()', () => {
    const before = Date.now();
    const now = immediateScheduler.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
