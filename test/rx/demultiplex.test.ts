import { Subject } from 'rxjs';
import type { CoreStream } from '../../src/protocol/connection';
import { demultiplex, type StreamChannel } from '../../src/rx/demultiplex';
import type { SessionEvent, StreamEvent } from '../../src/rx/session-events';

const stream = (id: number) => ({ id, context: undefined }) as unknown as CoreStream;

describe('demultiplex', () => {
  it('emits one channel per stream, routes its events in order and completes it on close', () => {
    const events = new Subject<SessionEvent>();
    const seen = new Map<number, string[]>();
    const done: number[] = [];
    events.pipe(demultiplex()).subscribe((channel: StreamChannel) => {
      const log: string[] = [];
      seen.set(channel.stream.id, log);
      channel.subscribe({ next: (e: StreamEvent) => log.push(e.type), complete: () => done.push(channel.stream.id) });
    });
    const s1 = stream(1);
    const s3 = stream(3);
    events.next({ type: 'headers', stream: s1, fields: [], kind: 'request', endStream: false, neverIndexed: undefined });
    events.next({ type: 'remoteSettings', entries: [] });
    events.next({ type: 'headers', stream: s3, fields: [], kind: 'request', endStream: false, neverIndexed: undefined });
    events.next({ type: 'data', stream: s1, data: new Uint8Array(1), endStream: true });
    events.next({ type: 'streamClosed', stream: s1, code: 0, initiator: 'none' });
    expect(seen.get(1)).toEqual(['headers', 'data', 'streamClosed']);
    expect(seen.get(3)).toEqual(['headers']);
    expect(done).toEqual([1]);
    events.complete();
    expect(done).toEqual([1, 3]);
  });

  it('does not open a channel for a close of a stream never seen, and errors open channels with the source', () => {
    const events = new Subject<SessionEvent>();
    const channels: StreamChannel[] = [];
    const errors: unknown[] = [];
    events.pipe(demultiplex()).subscribe({
      next: (c) => {
        channels.push(c);
        c.subscribe({ error: (e) => errors.push(e) });
      },
      error: () => undefined,
    });
    events.next({ type: 'streamClosed', stream: stream(5), code: 8, initiator: 'local' });
    expect(channels).toHaveLength(0);
    events.next({ type: 'data', stream: stream(7), data: new Uint8Array(0), endStream: false });
    const boom = new Error('transport failed');
    events.error(boom);
    expect(errors).toEqual([boom]);
  });

  it('opens a channel for the close of a stream never seen when someone holds it (a request reset before any response)', () => {
    const events = new Subject<SessionEvent>();
    const seen: string[] = [];
    events.pipe(demultiplex()).subscribe((c) => c.subscribe({ next: (e) => seen.push(`${c.stream.id}:${e.type}`), complete: () => seen.push('done') }));
    const held = { id: 9, context: { owner: true } } as unknown as CoreStream;
    events.next({ type: 'streamClosed', stream: held, code: 7, initiator: 'remote' });
    expect(seen).toEqual(['9:streamClosed', 'done']);
  });
});
