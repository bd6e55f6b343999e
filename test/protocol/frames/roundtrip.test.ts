import fc from 'fast-check';
import { encodeFrame, encodeFrameInto, FrameDecoder, type Frame } from '../../../src/protocol/frames';
import { arbitrariesByType, frameArb } from './arbitraries';
import { bytewise, CollectingSink, concat, decodeChunks, normalize, splitAt, toHex } from './helpers';

describe('round trip per frame type (fast-check)', () => {
  test.each(Object.entries(arbitrariesByType))('%s: decode(encode(f)) = f, and encodeFrameInto agrees', (_name, arb) => {
    fc.assert(
      fc.property(arb, (frame) => {
        const bytes = encodeFrame(frame);
        const chunks: Uint8Array[] = [];
        expect(encodeFrameInto(frame, chunks)).toBe(bytes.length);
        expect(toHex(chunks)).toBe(toHex(bytes));
        const { frames, errors } = decodeChunks([bytes]);
        expect(errors).toEqual([]);
        expect(frames.map(normalize)).toEqual([normalize(frame)]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('random frame sequences re-chunked at random boundaries', () => {
  const encodeAll = (frames: Frame[]): Uint8Array => concat(frames.map((f) => encodeFrame(f)));

  test('arbitrary cut points', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 40 }), (frames, cuts) => {
        const bytes = encodeAll(frames);
        const { frames: out, errors, decoder } = decodeChunks(splitAt(bytes, cuts.map((c) => c % (bytes.length + 1))));
        expect(errors).toEqual([]);
        expect(out.map(normalize)).toEqual(frames.map(normalize));
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  test('one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 25 }), (frames) => {
        const { frames: out, errors } = decodeChunks(bytewise(encodeAll(frames)));
        expect(errors).toEqual([]);
        expect(out.map(normalize)).toEqual(frames.map(normalize));
      }),
      { numRuns: 40 },
    );
  });

  test('with the client preface in front, split anywhere', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const bytes = concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), encodeAll(frames)]);
        const { frames: out, errors } = decodeChunks(splitAt(bytes, cuts.map((c) => c % (bytes.length + 1))), { expectPreface: true });
        expect(errors).toEqual([]);
        expect(out.map(normalize)).toEqual(frames.map(normalize));
      }),
      { numRuns: 60 },
    );
  });

  test('a long stream of large DATA frames fed byte by byte stays linear', () => {
    // 1 MiB in 64 frames of 16 KiB, 2^20 one-byte writes: quadratic re-parsing would take minutes.
    const frames: Frame[] = [];
    for (let i = 0; i < 64; i++) frames.push({ type: 0, streamId: 1, data: new Uint8Array(16384).fill(i), endStream: false });
    const bytes = encodeAll(frames);
    const decoder = new FrameDecoder();
    const sink = new CollectingSink();
    const started = process.hrtime.bigint();
    for (let i = 0; i < bytes.length; i++) decoder.write(bytes.subarray(i, i + 1), sink);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(sink.frames.length).toBe(64);
    expect(sink.frames.every((f, i) => f.type === 0 && !f.unknown && f.data.length === 16384 && f.data[16383] === i)).toBe(true);
    expect(ms).toBeLessThan(5000);
  });
});
