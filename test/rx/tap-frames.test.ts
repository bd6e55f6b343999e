import fc from 'fast-check';
import { config, from, Subject } from 'rxjs';
import { CLIENT_PREFACE, encodeFrame, FrameType, type Frame } from '../../src/protocol/frames';
import { tapFrames, type FrameTapEvent } from '../../src/rx/tap-frames';
import { frameArb } from '../protocol/frames/arbitraries';
import { concat, fromHex, normalize } from '../protocol/frames/helpers';
import { collect, rechunk } from './helpers';

const data = (n: number): Frame => ({ type: FrameType.DATA, streamId: 1, data: new Uint8Array(4).fill(n), endStream: false });

describe('tapFrames', () => {
  it('passes every chunk through untouched and reports the frames', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const chunks = rechunk(concat(frames.map(encodeFrame)), cuts);
        const before = chunks.map((c) => Buffer.from(c).toString('hex'));
        const events: FrameTapEvent[] = [];
        const out = collect(from(chunks).pipe(tapFrames('inbound', (e) => events.push(e))));
        expect(out.values).toHaveLength(chunks.length);
        out.values.forEach((v, i) => expect(v).toBe(chunks[i]));
        expect(chunks.map((c) => Buffer.from(c).toString('hex'))).toEqual(before);
        expect(out.completed).toBe(true);
        expect(events.every((e) => e.direction === 'inbound' && e.error === undefined)).toBe(true);
        expect(events.map((e) => normalize(e.frame!))).toEqual(frames.map(normalize));
      }),
    );
  });

  it('works on batches of chunks and reports frames that do not alias the stream', () => {
    const batch = [encodeFrame(data(1)), encodeFrame(data(2))];
    const events: FrameTapEvent[] = [];
    const out = collect(from([batch]).pipe(tapFrames('outbound', { next: (e) => events.push(e) })));
    expect(out.values[0]).toBe(batch);
    batch[0].fill(0xff);
    expect(events.map((e) => [e.direction, normalize(e.frame!)])).toEqual([
      ['outbound', normalize(data(1))],
      ['outbound', normalize(data(2))],
    ]);
  });

  it('accepts frames above the default limit and the client preface when asked', () => {
    const big: Frame = { type: FrameType.DATA, streamId: 1, data: new Uint8Array(20000), endStream: true };
    const events: FrameTapEvent[] = [];
    collect(from([concat([CLIENT_PREFACE, encodeFrame(big)])]).pipe(tapFrames('inbound', (e) => events.push(e), { expectPreface: true })));
    expect(events.map((e) => e.frame?.type)).toEqual([FrameType.DATA]);
  });

  it('survives garbage: reports the error, never breaks the main stream', () => {
    const garbage = new Uint8Array(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const events: FrameTapEvent[] = [];
    const chunks = [encodeFrame(data(1)), fromHex('000000 00 00 00000000'), garbage, encodeFrame(data(2))];
    const out = collect(from(chunks).pipe(tapFrames('inbound', (e) => events.push(e))));
    expect(out.values).toEqual(chunks);
    expect(out.completed).toBe(true);
    expect(events).toHaveLength(2);
    expect(events[0].frame?.type).toBe(FrameType.DATA);
    expect(events[1].error).toMatchObject({ scope: 'connection' });
  });

  it('an observer that throws is disabled and reported, and the stream goes on', () => {
    const reported: unknown[] = [];
    const saved = config.onUnhandledError;
    config.onUnhandledError = (e) => reported.push(e);
    try {
      const boom = new Error('observer bug');
      let calls = 0;
      const chunks = [encodeFrame(data(1)), encodeFrame(data(2))];
      const out = collect(
        from(chunks).pipe(
          tapFrames('inbound', () => {
            calls++;
            throw boom;
          }),
        ),
      );
      expect(out.values).toEqual(chunks);
      expect(out.completed).toBe(true);
      expect(calls).toBe(1);
      expect(reported).toEqual([boom]);
    } finally {
      config.onUnhandledError = saved;
    }
  });

  it('mirrors the end of the main stream to the observer', () => {
    const input = new Subject<Uint8Array>();
    const seen: string[] = [];
    const errors: unknown[] = [];
    input.pipe(tapFrames('inbound', { complete: () => seen.push('complete'), error: (e) => seen.push(`error ${(e as Error).message}`) })).subscribe({ error: (e) => errors.push(e) });
    input.error(new Error('reset'));
    expect(seen).toEqual(['error reset']);
    expect(errors).toHaveLength(1);
  });

  it('keeps order in both streams when a write happens re-entrantly', () => {
    const input = new Subject<Uint8Array>();
    const passed: Uint8Array[] = [];
    const reported: number[] = [];
    const chunks = [encodeFrame(data(1)), encodeFrame(data(2)), encodeFrame(data(3))];
    input
      .pipe(
        tapFrames('outbound', (e) => {
          const n = (e.frame as { data: Uint8Array }).data[0];
          reported.push(n);
          if (n === 1) input.next(chunks[2]); // the observer causes a write
        }),
      )
      .subscribe((c) => {
        passed.push(c);
        if (c === chunks[0]) input.next(chunks[1]); // downstream causes a write
      });
    input.next(chunks[0]);
    expect(passed).toEqual([chunks[0], chunks[1], chunks[2]]);
    expect(reported).toEqual([1, 2, 3]);
  });
});
