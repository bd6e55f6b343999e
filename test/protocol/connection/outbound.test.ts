/**
 * OutputBuffer: encoded frames in wire order, DATA by reference, and the
 * shared header of a run of identical DATA frames (a large body's full
 * frames), which must never stand for a frame it does not describe.
 */
import { FrameDecoder, FrameType, type Frame } from '../../../src/protocol/frames';
import { OutputBuffer } from '../../../src/protocol/connection/outbound';
import { StreamRecord } from '../../../src/protocol/connection/core-stream';

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

describe('OutputBuffer.pushDataRun', () => {
  it('takes a run of full frames from the stream\'s queue: views of each written chunk, a frame across two chunks copied, one shared header', () => {
    const body = Uint8Array.from({ length: 5 * 16384 + 7 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    const s = new StreamRecord({}, 5, false);
    // Written as 2.5 frames, then the rest: the third frame spans the two chunks.
    const cut = 2 * 16384 + 8192;
    s.enqueue(body.subarray(0, cut));
    s.enqueue(body.subarray(cut));
    const out = new OutputBuffer();
    out.pushData(5, s.take(16384), false, undefined);
    out.pushDataRun(s, 4, 16384);
    expect(s.queuedBytes).toBe(7);
    out.pushData(5, s.take(7), true, undefined);
    expect(out.bytes).toBe(6 * 9 + body.length);
    expect(out.frames).toBe(6);
    const chunks = out.take()!;
    expect(new Set([0, 2, 4, 6, 8].map((i) => chunks[i])).size).toBe(1);
    // Frames 2 and 4 are views of the caller's buffer; frame 3 straddles the cut and is a copy.
    expect(chunks[3]!.buffer).toBe(body.buffer);
    expect(chunks[5]!.buffer).not.toBe(body.buffer);
    expect(chunks[7]!.buffer).toBe(body.buffer);
    const frames = decode(chunks);
    expect(frames.map(describeData)).toEqual(['5:16384', '5:16384', '5:16384', '5:16384', '5:16384', '5:7:END']);
    const payload = Buffer.concat(frames.map((f) => (f.unknown !== true && f.type === FrameType.DATA ? f.data : new Uint8Array(0))));
    expect(Buffer.compare(payload, Buffer.from(body))).toBe(0);
  });
});
