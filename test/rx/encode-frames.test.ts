import fc from 'fast-check';
import { from, Subject, toArray } from 'rxjs';
import { encodeFrame, FrameType, type Frame } from '../../src/protocol/frames';
import { encodeFrames } from '../../src/rx/encode-frames';
import { decodeFrames } from '../../src/rx/decode-frames';
import { frameArb } from '../protocol/frames/arbitraries';
import { concat, normalize, toHex } from '../protocol/frames/helpers';
import { collect } from './helpers';

const ping = (n: number): Frame => ({ type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(8).fill(n) });

describe('encodeFrames', () => {
  it('round-trips through decodeFrames', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 12 }), (frames) => {
        const out = collect(from(frames).pipe(encodeFrames(), toArray()));
        const bytes = concat(out.values[0]);
        // Same bytes as the one-buffer encoder.
        expect(toHex(bytes)).toBe(toHex(frames.map(encodeFrame)));
        const decoded = collect(from([bytes]).pipe(decodeFrames()));
        expect(decoded.values.map(normalize)).toEqual(frames.map(normalize));
      }),
    );
  });

  it('passes DATA payloads through without copying', () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    const out = collect(
      from<Frame[]>([
        { type: FrameType.DATA, streamId: 1, data, endStream: false },
        { type: FrameType.DATA, streamId: 1, data, endStream: true, padding: 3 },
      ]).pipe(encodeFrames()),
    );
    expect(out.values).toHaveLength(5); // header, data | header + pad length, data, padding
    expect(out.values[1]).toBe(data);
    expect(out.values[3]).toBe(data);
    expect(toHex(out.values[4])).toBe('000000');
    expect(out.completed).toBe(true);
  });

  it('errors on a frame the wire cannot carry, after the frames before it', () => {
    const bad = { type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(7) } as Frame;
    const out = collect(from([ping(1), bad, ping(2)]).pipe(encodeFrames()));
    expect(out.values.map(toHex)).toEqual([toHex(encodeFrame(ping(1)))]);
    expect(out.error).toBeInstanceOf(RangeError);
  });

  it('encodes a frame pushed re-entrantly after the current frame, never between its chunks', () => {
    const input = new Subject<Frame>();
    const chunks: Uint8Array[] = [];
    let completed = false;
    const data = new Uint8Array([7, 7]);
    input.pipe(encodeFrames()).subscribe({
      next: (c) => {
        chunks.push(c);
        if (chunks.length === 1) {
          input.next(ping(9));
          input.complete();
        }
      },
      complete: () => (completed = true),
    });
    input.next({ type: FrameType.DATA, streamId: 1, data, endStream: false });
    const decoded = collect(from([concat(chunks)]).pipe(decodeFrames()));
    expect(decoded.values.map((f) => f.type)).toEqual([FrameType.DATA, FrameType.PING]);
    expect(completed).toBe(true);
  });
});
