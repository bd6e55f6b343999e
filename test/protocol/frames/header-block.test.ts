import fc from 'fast-check';
import {
  encodeFrame,
  FrameType,
  splitHeaderBlock,
  splitPushPromiseBlock,
  type ContinuationFrame,
  type Frame,
  type HeadersFrame,
} from '../../../src/protocol/frames';
import { prioritySpecArb } from './arbitraries';
import { concat, decodeChunks, toHex } from './helpers';

const payloadLength = (f: Frame) => encodeFrame(f).length - 9;
const fragment = (f: Frame) => (f.unknown ? f.payload : 'headerBlock' in f ? f.headerBlock : new Uint8Array(0));
const block = (n: number) => new Uint8Array(n).map((_, i) => i & 0xff);

describe('splitHeaderBlock (§4.3, §6.10)', () => {
  test('a block that fits is one HEADERS frame with END_HEADERS and the options', () => {
    const priority = { dependsOn: 3, exclusive: false, weight: 16 };
    const frames = splitHeaderBlock(5, block(10), { endStream: true, priority, padding: 4 }, 16384);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: FrameType.HEADERS, streamId: 5, endStream: true, endHeaders: true, padding: 4, priority });
  });

  test('an empty block is one HEADERS frame', () => {
    const frames = splitHeaderBlock(1, new Uint8Array(0), {}, 16384);
    expect(frames).toEqual([expect.objectContaining({ type: FrameType.HEADERS, endHeaders: true, endStream: false })]);
  });

  test('a block of exactly max frame size fits one frame; one octet more needs a CONTINUATION', () => {
    expect(splitHeaderBlock(1, block(16384), {}, 16384)).toHaveLength(1);
    const frames = splitHeaderBlock(1, block(16385), {}, 16384);
    expect(frames.map((f) => [f.type, f.headerBlock.length, f.endHeaders])).toEqual([
      [FrameType.HEADERS, 16384, false],
      [FrameType.CONTINUATION, 1, true],
    ]);
  });

  test('a large block: HEADERS + CONTINUATIONs, END_STREAM on HEADERS only, END_HEADERS on the last only, fragments are views', () => {
    const b = block(40000);
    const frames = splitHeaderBlock(3, b, { endStream: true, padding: 10, priority: { dependsOn: 1, exclusive: true, weight: 1 } }, 16384);
    expect(frames.map((f) => f.type)).toEqual([FrameType.HEADERS, FrameType.CONTINUATION, FrameType.CONTINUATION]);
    expect(payloadLength(frames[0])).toBe(16384); // 1 + 5 + fragment + 10
    expect(frames[0].headerBlock.length).toBe(16384 - 16);
    expect(frames.map((f) => f.endHeaders)).toEqual([false, false, true]);
    expect((frames[0] as HeadersFrame).endStream).toBe(true);
    expect(frames.slice(1).every((f) => !('endStream' in f) && !('padding' in f))).toBe(true);
    expect(frames.every((f) => f.headerBlock.buffer === b.buffer && f.streamId === 3)).toBe(true);
    expect(toHex(concat(frames.map(fragment)))).toBe(toHex(b));
  });

  test('throws RangeError when the fixed fields alone exceed the max frame size', () => {
    expect(() => splitHeaderBlock(1, block(3), { padding: 20, priority: { dependsOn: 0, exclusive: false, weight: 1 } }, 25)).toThrow(RangeError);
  });

  test('property: every frame fits, reassembly gives the block back, and the frames decode', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 300, max: 700 }),
        fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        fc.option(prioritySpecArb.filter((p) => p.dependsOn !== 7), { nil: undefined }),
        fc.boolean(),
        (b, max, padding, priority, endStream) => {
          const frames = splitHeaderBlock(7, b, { padding, priority, endStream }, max);
          for (const f of frames) expect(payloadLength(f)).toBeLessThanOrEqual(max);
          expect(toHex(concat(frames.map(fragment)))).toBe(toHex(b));
          expect(frames.filter((f) => f.endHeaders)).toEqual([frames[frames.length - 1]]);
          const decoded = decodeChunks(frames.map((f) => encodeFrame(f)));
          expect(decoded.errors).toEqual([]);
          expect(decoded.frames.map((f) => f.type)).toEqual(frames.map((f) => f.type));
        },
      ),
    );
  });
});

describe('splitPushPromiseBlock (§6.6, §6.10)', () => {
  test('PUSH_PROMISE carries the promised id and the padding; CONTINUATIONs follow on the same stream', () => {
    const b = block(100);
    const frames = splitPushPromiseBlock(1, 2, b, { padding: 3 }, 50);
    expect(frames[0]).toMatchObject({ type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: 2, padding: 3, endHeaders: false });
    expect(payloadLength(frames[0])).toBe(50);
    expect(frames.slice(1).every((f): f is ContinuationFrame => f.type === FrameType.CONTINUATION && f.streamId === 1)).toBe(true);
    expect(frames.map((f) => f.headerBlock.length)).toEqual([42, 50, 8]); // 50 - Pad Length - 3 padding - promised id
    expect(frames.map((f) => f.endHeaders)).toEqual([false, false, true]);
    expect(toHex(concat(frames.map(fragment)))).toBe(toHex(b));
  });

  test('a small block is one PUSH_PROMISE with END_HEADERS', () => {
    expect(splitPushPromiseBlock(1, 4, block(5), {}, 16384)).toEqual([
      expect.objectContaining({ type: FrameType.PUSH_PROMISE, promisedStreamId: 4, endHeaders: true }),
    ]);
  });

  test('throws RangeError when the promised id and padding alone exceed the max frame size', () => {
    expect(() => splitPushPromiseBlock(1, 2, block(1), { padding: 10 }, 14)).toThrow(RangeError);
  });
});
