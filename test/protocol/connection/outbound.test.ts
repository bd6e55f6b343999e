/**
 * OutputBuffer: encoded frames in wire order, DATA by reference, and the
 * shared header of a run of identical DATA frames (a large body's full
 * frames), which must never stand for a frame it does not describe.
 */
import { FrameDecoder, FrameType, type Frame } from '../../../src/protocol/frames';
import { OutputBuffer } from '../../../src/protocol/connection/outbound';

function decode(chunks: Uint8Array[]): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder({ maxFrameSize: 16777215 });
  for (const c of chunks) decoder.write(c, { frame: (f) => frames.push(f), error: (e) => { throw e; } });
  return frames;
}

const describeData = (f: Frame) => (f.unknown !== true && f.type === FrameType.DATA ? `${f.streamId}:${f.data.length}${f.endStream ? ':END' : ''}${f.padding !== undefined ? `:PAD${f.padding}` : ''}` : '?');

describe('OutputBuffer.pushData', () => {
  it('a run of full frames on one stream shares one header buffer; the payloads are the caller\'s own', () => {
    const out = new OutputBuffer();
    const body = new Uint8Array(4 * 16384 + 100);
    for (let i = 0; i < 4; i++) out.pushData(1, body.subarray(i * 16384, (i + 1) * 16384), false, undefined);
    out.pushData(1, body.subarray(4 * 16384), true, undefined);
    const chunks = out.take()!;
    expect(chunks).toHaveLength(10);
    expect(new Set([chunks[0], chunks[2], chunks[4], chunks[6]]).size).toBe(1);
    expect(chunks[8]).not.toBe(chunks[0]);
    expect(chunks[1]!.buffer).toBe(body.buffer);
    expect(decode(chunks).map(describeData)).toEqual(['1:16384', '1:16384', '1:16384', '1:16384', '1:100:END']);
  });

  it('never reuses a header for a frame that differs: another stream, length, END_STREAM or padding', () => {
    const out = new OutputBuffer();
    const d = (n: number) => new Uint8Array(n);
    out.pushData(1, d(100), false, undefined);
    out.pushData(3, d(100), false, undefined);
    out.pushData(3, d(50), false, undefined);
    out.pushData(3, d(50), true, undefined);
    out.pushData(3, d(50), false, 10);
    out.pushData(3, d(50), false, 10);
    out.pushData(1, d(0), false, undefined);
    out.pushData(1, d(0), false, undefined);
    out.pushData(1, d(100), false, undefined);
    // Across take(): the shared header is immutable, so a run may continue in the next batch.
    const first = out.take()!;
    out.pushData(1, d(100), false, undefined);
    const second = out.take()!;
    expect(second[0]).toBe(first.at(-2));
    expect(decode([...first, ...second]).map(describeData)).toEqual([
      '1:100',
      '3:100',
      '3:50',
      '3:50:END',
      '3:50:PAD10',
      '3:50:PAD10',
      '1:0',
      '1:0',
      '1:100',
      '1:100',
    ]);
  });
});
