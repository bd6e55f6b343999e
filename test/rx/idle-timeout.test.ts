import { TestScheduler } from 'rxjs/testing';
import { idleTimeout } from '../../src/rx/idle-timeout';

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
});
