import { Subject } from 'rxjs';
import { toArray } from 'ix/asynciterable';
import type { CoreStream } from '../../src/protocol/connection';
import { flowControlledBody } from '../../src/rx/flow-control';
import type { StreamEvent } from '../../src/rx/session-events';

const s = { id: 1 } as unknown as CoreStream;
const data = (n: number, endStream = false): StreamEvent => ({ type: 'data', stream: s, data: new Uint8Array(n), endStream });

describe('flowControlledBody', () => {
  it('credits the windows only as the consumer reads, then ends with END_STREAM', async () => {
    const events = new Subject<StreamEvent>();
    const credited: number[] = [];
    const body = flowControlledBody(events, { consumed: (n) => credited.push(n), cancel: () => undefined });
    events.next(data(3));
    events.next(data(4));
    expect(credited).toEqual([]); // arrived, not read: no WINDOW_UPDATE yet
    const it = body[Symbol.asyncIterator]();
    expect((await it.next()).value).toHaveLength(3);
    expect(credited).toEqual([3]);
    events.next(data(5, true));
    expect((await it.next()).value).toHaveLength(4);
    expect((await it.next()).value).toHaveLength(5);
    expect(credited).toEqual([3, 4, 5]);
    expect((await it.next()).done).toBe(true);
  });

  it('ends on trailers, and fails when the stream is reset before its end', async () => {
    const a = new Subject<StreamEvent>();
    const bodyA = flowControlledBody(a, { consumed: () => undefined, cancel: () => undefined });
    a.next(data(2));
    a.next({ type: 'headers', stream: s, fields: [['x', 'y']], kind: 'trailers', endStream: true, neverIndexed: undefined });
    expect((await toArray(bodyA)).map((c) => c.length)).toEqual([2]);

    const b = new Subject<StreamEvent>();
    const bodyB = flowControlledBody(b, { consumed: () => undefined, cancel: () => undefined });
    b.next(data(2));
    b.next({ type: 'streamClosed', stream: s, code: 8, initiator: 'remote' });
    await expect(toArray(bodyB)).rejects.toMatchObject({ kind: 'reset', code: 8, initiator: 'remote' });
  });

  it('cancels once, with the unread bytes, when the consumer stops early', async () => {
    const events = new Subject<StreamEvent>();
    const cancels: number[] = [];
    const body = flowControlledBody(events, { consumed: () => undefined, cancel: (n) => cancels.push(n) });
    events.next(data(3));
    events.next(data(4));
    for await (const chunk of body) {
      expect(chunk).toHaveLength(3);
      break;
    }
    expect(cancels).toEqual([4]);
    expect(events.observed).toBe(false); // unsubscribed from the stream's events
  });
});
