import { asapScheduler, queueScheduler } from 'rxjs';
import { schedulePending } from '../../src/rx/schedule-pending';

describe('schedulePending', () => {
  it('returns the action while the work is still to run, and unsubscribing it cancels the work', async () => {
    let runs = 0;
    const cancelled = schedulePending(asapScheduler, () => runs++);
    const kept = schedulePending(asapScheduler, () => runs++);
    expect(cancelled).not.toBeNull();
    expect(kept).not.toBeNull();
    cancelled!.unsubscribe();
    expect(runs).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(1);
  });

  it('returns null when the scheduler ran the work before returning (queueScheduler outside its queue)', () => {
    let runs = 0;
    expect(schedulePending(queueScheduler, () => runs++)).toBeNull();
    expect(runs).toBe(1);
  });

  it('inside a queueScheduler action the work is queued, not run: the action is returned', () => {
    const order: string[] = [];
    let inner: unknown;
    queueScheduler.schedule(() => {
      inner = schedulePending(queueScheduler, () => order.push('inner'));
      order.push('outer');
    });
    expect(inner).not.toBeNull();
    expect(order).toEqual(['outer', 'inner']);
  });
});
