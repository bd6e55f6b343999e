import fc from 'fast-check';
import { from, Subject, take } from 'rxjs';
import { ErrorCode } from '../../src/protocol/error-code';
import { CLIENT_PREFACE, encodeFrame, FrameDecoder, FrameType, type Frame } from '../../src/protocol/frames';
import { H2Error } from '../../src/protocol/h2-error';
import { decodeFrames, isFrameErrorNotice, type FrameErrorNotice } from '../../src/rx/decode-frames';
import { frameArb } from '../protocol/frames/arbitraries';
import { concat, decodeChunks, fromHex, normalize } from '../protocol/frames/helpers';
import { collect, rechunk } from './helpers';

const ping = (n: number): Frame => ({ type: FrameType.PING, ack: false, payload: new Uint8Array(8).fill(n), streamId: 0 });
const pingBytes = (n: number) => encodeFrame(ping(n));
/** DATA on stream 1 with a 16385-octet payload: over the default limit, a stream error (RFC 9113 §4.2). */
const oversizeData = concat([fromHex('004001 00 00 00000001'), new Uint8Array(16385)]);
/** DATA on stream 0: a connection error (§6.1). */
const dataOnStream0 = fromHex('000000 00 00 00000000');
/** HEADERS on stream 3 depending on itself (§5.3.1): a stream error, then the frame itself. */
const selfDependent = fromHex('000005 01 24 00000003 00000003 0f');

describe('decodeFrames', () => {
  it('equals FrameDecoder on the same bytes re-chunked at random boundaries', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (frames, cuts) => {
        const bytes = concat(frames.map(encodeFrame));
        const chunks = rechunk(bytes, cuts);
        const out = collect(from(chunks).pipe(decodeFrames()));
        expect(out.error).toBeUndefined();
        expect(out.completed).toBe(true);
        const reference = decodeChunks([bytes]);
        expect(out.values.map(normalize)).toEqual(reference.frames.map(normalize));
        expect(out.values.map(normalize)).toEqual(frames.map(normalize));
      }),
    );
  });

  it('errors on a connection error and delivers the frames before it', () => {
    const out = collect(from([concat([pingBytes(1), dataOnStream0, pingBytes(2)])]).pipe(decodeFrames()));
    expect(out.values.map(normalize)).toEqual([normalize(ping(1))]);
    expect(out.error).toBeInstanceOf(H2Error);
    expect(out.error).toMatchObject({ scope: 'connection', code: ErrorCode.PROTOCOL_ERROR });
  });

  it('by default errors on a stream error too (nothing silently dropped)', () => {
    const out = collect(from([concat([pingBytes(1), oversizeData, pingBytes(2)])]).pipe(decodeFrames()));
    expect(out.values.map(normalize)).toEqual([normalize(ping(1))]);
    expect(out.error).toMatchObject({ scope: 'stream', streamId: 1, code: ErrorCode.FRAME_SIZE_ERROR });
  });

  it("with streamErrors: 'emit', emits a notice in place and goes on", () => {
    const bytes = concat([pingBytes(1), oversizeData, pingBytes(2)]);
    const out = collect(from(rechunk(bytes, [5, 100, 9000, 16400])).pipe(decodeFrames({ streamErrors: 'emit' })));
    expect(out.error).toBeUndefined();
    expect(out.completed).toBe(true);
    expect(out.values).toHaveLength(3);
    expect(normalize(out.values[0] as Frame)).toEqual(normalize(ping(1)));
    expect(isFrameErrorNotice(out.values[1])).toBe(true);
    expect((out.values[1] as FrameErrorNotice).error).toMatchObject({ scope: 'stream', streamId: 1, code: ErrorCode.FRAME_SIZE_ERROR });
    expect(normalize(out.values[2] as Frame)).toEqual(normalize(ping(2)));
  });

  it("with streamErrors: 'emit', a self-dependent HEADERS frame comes after its notice (HPACK sync)", () => {
    const out = collect(from([selfDependent]).pipe(decodeFrames({ streamErrors: 'emit' })));
    expect(out.values.map((v) => (isFrameErrorNotice(v) ? 'notice' : v.type))).toEqual(['notice', FrameType.HEADERS]);
    expect((out.values[0] as FrameErrorNotice).error).toMatchObject({ streamId: 3, code: ErrorCode.PROTOCOL_ERROR });
  });

  it("with streamErrors: 'emit', still errors on a connection error", () => {
    const out = collect(from([dataOnStream0, pingBytes(1)]).pipe(decodeFrames({ streamErrors: 'emit' })));
    expect(out.values).toEqual([]);
    expect(out.error).toMatchObject({ scope: 'connection' });
  });

  it('errors with an io error when the bytes end anywhere but at a frame boundary', () => {
    const bytes = pingBytes(1);
    // 3: inside the header; 9: right after it, before any payload octet; 12: inside the payload.
    for (const cut of [3, 9, 12]) {
      const out = collect(from([bytes.subarray(0, cut)]).pipe(decodeFrames()));
      expect(out.completed).toBe(false);
      expect(out.error).toMatchObject({ kind: 'io', scope: 'connection', initiator: 'remote' });
    }
    expect(collect(from([bytes]).pipe(decodeFrames())).completed).toBe(true);
    // Inside the preface, and inside an oversize frame being skipped.
    const inPreface = collect(from([CLIENT_PREFACE.subarray(0, 5)]).pipe(decodeFrames({ expectPreface: true })));
    expect(inPreface.error).toMatchObject({ kind: 'io' });
    const inSkip = collect(from([oversizeData.subarray(0, 100)]).pipe(decodeFrames({ streamErrors: 'emit' })));
    expect(inSkip.error).toMatchObject({ kind: 'io' });
  });

  it('checks the preface when asked', () => {
    const good = collect(from([concat([CLIENT_PREFACE, pingBytes(1)])]).pipe(decodeFrames({ expectPreface: true })));
    expect(good.values.map(normalize)).toEqual([normalize(ping(1))]);
    const bad = collect(from([new Uint8Array(Buffer.from('GET / HTTP/1.1\r\n\r\n'))]).pipe(decodeFrames({ expectPreface: true })));
    expect(bad.error).toMatchObject({ scope: 'connection', code: ErrorCode.PROTOCOL_ERROR });
  });

  it('uses a given decoder, whose max frame size downstream may raise between frames', () => {
    const decoder = new FrameDecoder();
    const big: Frame = { type: FrameType.DATA, streamId: 1, data: new Uint8Array(20000), endStream: false };
    const bytes = concat([pingBytes(1), encodeFrame(big)]);
    const seen: Frame[] = [];
    from([bytes])
      .pipe(decodeFrames({ decoder }))
      .subscribe({
        next: (f) => {
          seen.push(f);
          if (f.type === FrameType.PING) decoder.setMaxFrameSize(32768);
        },
        error: (e) => {
          throw e;
        },
      });
    expect(seen.map((f) => f.type)).toEqual([FrameType.PING, FrameType.DATA]);
  });

  it('delivers nothing after downstream unsubscribes mid-chunk', () => {
    const out = collect(from([concat([pingBytes(1), pingBytes(2), dataOnStream0])]).pipe(decodeFrames(), take(1)));
    expect(out.values.map(normalize)).toEqual([normalize(ping(1))]);
    expect(out.error).toBeUndefined();
    expect(out.completed).toBe(true);
  });

  it('decodes a chunk pushed re-entrantly after the current one, never inside it', () => {
    const input = new Subject<Uint8Array>();
    const seen: number[] = [];
    input.pipe(decodeFrames()).subscribe((f) => {
      if (f.type !== FrameType.PING) return;
      seen.push(f.payload[0]);
      if (f.payload[0] === 1) input.next(pingBytes(9));
    });
    input.next(concat([pingBytes(1), pingBytes(2)]));
    expect(seen).toEqual([1, 2, 9]);
  });

  it('passes a source error on', () => {
    const input = new Subject<Uint8Array>();
    const errors: unknown[] = [];
    input.pipe(decodeFrames()).subscribe({ error: (e) => errors.push(e) });
    const boom = new Error('socket reset');
    input.error(boom);
    expect(errors).toEqual([boom]);
  });
});
