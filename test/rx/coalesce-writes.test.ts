import { asapScheduler, queueScheduler, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { coalesceWrites } from '../../src/rx/coalesce-writes';

const A = new Uint8Array([0xa]);
const B = new Uint8Array([0xb]);
const C = new Uint8Array([0xc]);
const D = new Uint8Array([0xd]);

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('coalesceWrites', () => {
  it('emits what arrives in one tick as one batch, in order', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const source = cold('-(ab)-c-(db)|', { a: A, b: B, c: C, d: D });
      expectObservable(source.pipe(coalesceWrites(ts))).toBe('-x----y-z---|', { x: [A, B], y: [C], z: [D, B] });
    });
  });

  it('spreads arrays into the batch and ignores empty ones', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const source = cold('-(abe)-e-|', { a: [A, B], b: C, e: [] as Uint8Array[] });
      expectObservable(source.pipe(coalesceWrites(ts))).toBe('-x-------|', { x: [A, B, C] });
    });
  });

  it('passes an array that arrives alone on as the batch, and never changes an array it received', () => {
    const ts = testScheduler();
    const batches: Uint8Array[][] = [];
    const first = [A, B];
    const second = [C];
    ts.run(({ flush }) => {
      const input = new Subject<Uint8Array | Uint8Array[]>();
      input.pipe(coalesceWrites(ts)).subscribe((batch) => batches.push(batch));
      input.next(first);
      flush();
      input.next(first);
      input.next(second);
      input.next(D);
      flush();
    });
    expect(batches).toEqual([[A, B], [A, B, C, D]]);
    expect(batches[0]).toBe(first);
    expect(batches[1]).not.toBe(first);
    expect(first).toEqual([A, B]);
    expect(second).toEqual([C]);
  });

  it('a larger array after a smaller one in the same tick: both in order, neither changed, and later writes land after', () => {
    const ts = testScheduler();
    const batches: Uint8Array[][] = [];
    const small = [A];
    const large = [B, C, D];
    ts.run(({ flush }) => {
      const input = new Subject<Uint8Array | Uint8Array[]>();
      input.pipe(coalesceWrites(ts)).subscribe((batch) => batches.push(batch));
      input.next(small);
      input.next(large);
      input.next(A);
      flush();
    });
    expect(batches).toEqual([[A, B, C, D, A]]);
    expect(small).toEqual([A]);
    expect(large).toEqual([B, C, D]);
  });

  it('with a scheduler that runs delay-0 work at once (queueScheduler), every write still leaves, none waits for completion', () => {
    const input = new Subject<Uint8Array | Uint8Array[]>();
    const batches: Uint8Array[][] = [];
    input.pipe(coalesceWrites(queueScheduler)).subscribe((batch) => batches.push(batch));
    input.next(A);
    input.next(B);
    input.next([C, D]);
    expect(batches).toEqual([[A], [B], [C, D]]);
  });

  it('flushes the pending batch on completion, then completes', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('-(ab|)', { a: A, b: B }).pipe(coalesceWrites(ts))).toBe('-(x|)', { x: [A, B] });
    });
  });

  it('flushes the pending batch before an error', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const boom = new Error('boom');
      expectObservable(cold('-(ab#)', { a: A, b: B }, boom).pipe(coalesceWrites(ts))).toBe('-(x#)', { x: [A, B] }, boom);
    });
  });

  it('unsubscribing cancels the scheduled flush', () => {
    const ts = testScheduler();
    const scheduled: Subscription[] = [];
    const spy: SchedulerLike = {
      now: () => ts.now(),
      schedule: (work: any, delay?: number, state?: any) => {
        const action = ts.schedule(work, delay, state);
        scheduled.push(action);
        return action;
      },
    };
    const batches: Uint8Array[][] = [];
    ts.run(() => {
      const input = new Subject<Uint8Array>();
      const subscription = input.pipe(coalesceWrites(spy)).subscribe((batch) => batches.push(batch));
      input.next(A);
      input.next(B);
      subscription.unsubscribe();
    });
    expect(batches).toEqual([]);
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].closed).toBe(true);
  });

  it('puts writes made re-entrantly during an emission into the next batch', () => {
    const ts = testScheduler();
    ts.run(({ flush }) => {
      const input = new Subject<Uint8Array>();
      const batches: Uint8Array[][] = [];
      input.pipe(coalesceWrites(ts)).subscribe((batch) => {
        batches.push(batch);
        if (batch[0] === A) input.next(C);
      });
      input.next(A);
      input.next(B);
      flush();
      expect(batches).toEqual([[A, B], [C]]);
    });
  });

  it('defaults to asapScheduler: a synchronous burst leaves as one batch, before any macrotask', async () => {
    const input = new Subject<Uint8Array>();
    const batches: Uint8Array[][] = [];
    input.pipe(coalesceWrites()).subscribe((batch) => batches.push(batch));
    input.next(A);
    input.next(B);
    input.next(C);
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(batches).toEqual([[A, B, C]]);
  });

  it('leaves nothing scheduled on asapScheduler after teardown', async () => {
    const input = new Subject<Uint8Array>();
    const batches: Uint8Array[][] = [];
    const subscription = input.pipe(coalesceWrites()).subscribe((batch) => batches.push(batch));
    input.next(A);
    subscription.unsubscribe();
    expect(asapScheduler.actions).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(batches).toEqual([]);
  });
});
