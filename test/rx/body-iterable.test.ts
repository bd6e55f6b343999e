import { AbortError } from 'ix/aborterror';
import { toArray } from 'ix/asynciterable';
import { map, take } from 'ix/asynciterable/operators';
import { ErrorCode } from '../../src/protocol/error-code';
import { BodyIterable, bodyIterable } from '../../src/rx/body-iterable';

const chunk = (n: number, length = 4) => new Uint8Array(length).fill(n);

/** A body whose callbacks are recorded. */
function recorded(options: { maxBufferedBytes?: number } = {}) {
  const consumed: number[] = [];
  const cancels: number[] = [];
  const body = bodyIterable({ ...options, onConsumed: (n) => consumed.push(n), onCancel: (n) => cancels.push(n) });
  return { body, consumed, cancels };
}

/** Lets pending promise reactions run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BodyIterable', () => {
  it('calls onConsumed only as the consumer takes chunks', async () => {
    const { body, consumed } = recorded();
    body.push(chunk(1));
    body.push(chunk(2, 6));
    expect(consumed).toEqual([]);
    expect(body.bufferedBytes).toBe(10);
    const it = body[Symbol.asyncIterator]();
    expect(consumed).toEqual([]);
    await expect(it.next()).resolves.toEqual({ done: false, value: chunk(1) });
    expect(consumed).toEqual([4]);
    expect(body.bufferedBytes).toBe(6);
    await expect(it.next()).resolves.toEqual({ done: false, value: chunk(2, 6) });
    expect(consumed).toEqual([4, 6]);
    // A waiting consumer takes a pushed chunk at once.
    const pending = it.next();
    await settle();
    expect(consumed).toEqual([4, 6]);
    body.push(chunk(3, 2));
    expect(consumed).toEqual([4, 6, 2]);
    expect(body.bufferedBytes).toBe(0);
    await expect(pending).resolves.toEqual({ done: false, value: chunk(3, 2) });
    body.end();
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('delivers buffered chunks before the end', async () => {
    const { body, cancels } = recorded();
    body.push(chunk(1));
    body.push(chunk(2));
    body.end();
    body.end(); // idempotent
    const got: Uint8Array[] = [];
    for await (const c of body) got.push(c);
    expect(got).toEqual([chunk(1), chunk(2)]);
    expect(cancels).toEqual([]);
  });

  it('early return cancels once, with the unconsumed bytes, and refuses later pushes', async () => {
    const { body, consumed, cancels } = recorded();
    body.push(chunk(1));
    body.push(chunk(2, 3));
    body.push(chunk(3, 5));
    for await (const c of body) {
      expect(c).toEqual(chunk(1));
      break;
    }
    expect(consumed).toEqual([4]);
    expect(cancels).toEqual([8]);
    expect(body.cancelled).toBe(true);
    expect(body.bufferedBytes).toBe(0);
    expect(body.push(chunk(4))).toBe(false);
    expect(consumed).toEqual([4]);
    expect(cancels).toEqual([8]);
  });

  it('return() settles a pending next() and calls onCancel once even if repeated', async () => {
    const { body, cancels } = recorded();
    const it = body[Symbol.asyncIterator]();
    const pending = it.next();
    await expect(it.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(it.return!()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(cancels).toEqual([0]);
  });

  it('does not cancel when the consumer stops after everything was delivered', async () => {
    const { body, cancels } = recorded();
    body.push(chunk(1));
    body.end();
    const it = body[Symbol.asyncIterator]();
    await it.next();
    await it.return!();
    expect(cancels).toEqual([]);
  });

  it('propagates an error after the chunks pushed before it', async () => {
    const { body, consumed, cancels } = recorded();
    const boom = new Error('stream reset');
    const it = body[Symbol.asyncIterator]();
    const pending = it.next();
    body.push(chunk(1));
    body.push(chunk(2));
    body.fail(boom);
    body.end(); // no-op after fail
    await expect(pending).resolves.toEqual({ done: false, value: chunk(1) });
    await expect(it.next()).resolves.toEqual({ done: false, value: chunk(2) });
    await expect(it.next()).rejects.toBe(boom);
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
    expect(consumed).toEqual([4, 4]);
    expect(cancels).toEqual([]);
  });

  it('rejects a waiting next() with the error, even undefined', async () => {
    const { body } = recorded();
    const it = body[Symbol.asyncIterator]();
    const pending = it.next();
    body.fail(undefined);
    await expect(pending).rejects.toBeUndefined();
  });

  it('throws on a push after end or fail (a producer bug)', () => {
    const ended = bodyIterable();
    ended.end();
    expect(() => ended.push(chunk(1))).toThrow(/after end\(\) or fail/);
    const failed = bodyIterable();
    failed.fail(new Error('x'));
    expect(() => failed.push(chunk(1))).toThrow(/after end\(\) or fail/);
  });

  it('refuses to buffer beyond maxBufferedBytes (the receive window)', async () => {
    const { body, consumed } = recorded({ maxBufferedBytes: 8 });
    body.push(chunk(1));
    body.push(chunk(2));
    expect(() => body.push(chunk(3, 1))).toThrow(expect.objectContaining({ code: ErrorCode.FLOW_CONTROL_ERROR, scope: 'stream' }));
    expect(body.bufferedBytes).toBe(8);
    const it = body[Symbol.asyncIterator]();
    await it.next();
    expect(consumed).toEqual([4]);
    body.push(chunk(3)); // the consumer made room
    expect(body.bufferedBytes).toBe(8);
  });

  it('can be iterated only once', () => {
    const body = new BodyIterable();
    body[Symbol.asyncIterator]();
    expect(() => body[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it('works with ix toArray and map, crediting each chunk as it is read', async () => {
    const { body, consumed } = recorded();
    body.push(chunk(1, 1));
    const result = toArray(body.pipe(map((c: Uint8Array) => c.length)));
    body.push(chunk(2, 2));
    setImmediate(() => {
      body.push(chunk(3, 3));
      body.end();
    });
    await expect(result).resolves.toEqual([1, 2, 3]);
    expect(consumed).toEqual([1, 2, 3]);
  });

  it('is cancelled by ix take, with what was left unread', async () => {
    const { body, consumed, cancels } = recorded();
    body.push(chunk(1));
    body.push(chunk(2));
    body.push(chunk(3));
    await expect(toArray(body.pipe(take(1)))).resolves.toEqual([chunk(1)]);
    expect(consumed).toEqual([4]);
    expect(cancels).toEqual([8]);
  });

  it('an aborted signal cancels and rejects the pending read with AbortError', async () => {
    const { body, cancels } = recorded();
    const controller = new AbortController();
    const result = toArray(body, controller.signal);
    await settle();
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(AbortError);
    expect(cancels).toEqual([0]);
    expect(body.push(chunk(1))).toBe(false);
  });

  it('an already aborted signal makes reads reject', async () => {
    const { body, cancels } = recorded();
    const controller = new AbortController();
    controller.abort();
    body.push(chunk(1));
    const it = body[Symbol.asyncIterator](controller.signal);
    await expect(it.next()).rejects.toBeInstanceOf(AbortError);
    expect(cancels).toEqual([4]);
  });
});
