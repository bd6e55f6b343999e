import {
  encodeDataFrameInto,
  encodeFrame,
  encodeFrameInto,
  flowControlledLength,
  FrameType,
  writeFrameHeader,
  type DataFrame,
  type Frame,
} from '../../../src/protocol/frames';
import { fromHex, toHex } from './helpers';

describe('encodeFrameInto', () => {
  test('DATA: the payload chunk is the caller’s buffer itself (no copy)', () => {
    const data = new Uint8Array([1, 2, 3]);
    const out: Uint8Array[] = [];
    expect(encodeFrameInto({ type: FrameType.DATA, streamId: 1, data, endStream: false }, out)).toBe(12);
    expect(out).toHaveLength(2);
    expect(out[0]).toHaveLength(9);
    expect(out[1]).toBe(data);
  });

  test('padded DATA: 10-octet header, payload by reference, padding from a shared zero buffer', () => {
    const data = new Uint8Array([1, 2, 3]);
    const a: Uint8Array[] = [];
    const b: Uint8Array[] = [];
    encodeFrameInto({ type: FrameType.DATA, streamId: 1, data, endStream: true, padding: 5 }, a);
    encodeFrameInto({ type: FrameType.DATA, streamId: 3, data, endStream: false, padding: 200 }, b);
    expect(a.map((c) => c.length)).toEqual([10, 3, 5]);
    expect(a[1]).toBe(data);
    expect(toHex(a)).toBe('000009' + '00' + '09' + '00000001' + '05' + '010203' + '0000000000');
    expect(b[2].every((x) => x === 0)).toBe(true);
    expect(b[2].buffer).toBe(a[2].buffer);
  });

  test('empty DATA pushes the header only; padding 0 pushes no padding chunk', () => {
    const out: Uint8Array[] = [];
    encodeFrameInto({ type: FrameType.DATA, streamId: 1, data: new Uint8Array(0), endStream: true }, out);
    encodeFrameInto({ type: FrameType.DATA, streamId: 1, data: new Uint8Array(0), endStream: true, padding: 0 }, out);
    expect(out.map((c) => c.length)).toEqual([9, 10]);
  });

  test('encodeDataFrameInto (DATA from its fields, the scheduler\'s path) writes what encodeFrameInto writes', () => {
    const data = new Uint8Array([7, 8, 9, 10]);
    for (const [endStream, padding] of [[false, undefined], [true, undefined], [true, 0], [false, 17]] as const) {
      const viaFrame: Uint8Array[] = [];
      const viaFields: Uint8Array[] = [];
      const n = encodeFrameInto({ type: FrameType.DATA, streamId: 5, data, endStream, padding }, viaFrame);
      expect(encodeDataFrameInto(5, data, endStream, padding, viaFields)).toBe(n);
      expect(toHex(viaFields)).toBe(toHex(viaFrame));
      expect(viaFields[1]).toBe(data);
    }
    expect(() => encodeDataFrameInto(5, data, false, 256, [])).toThrow(RangeError);
  });

  test('appends to what `out` already holds and returns only the octets it added', () => {
    const out: Uint8Array[] = [new Uint8Array(4)];
    expect(encodeFrameInto({ type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(8) }, out)).toBe(17);
    expect(out).toHaveLength(2);
  });
});

describe('encoder checks', () => {
  const data = (extra: Partial<DataFrame>): Frame => ({ type: FrameType.DATA, streamId: 1, data: new Uint8Array(0), endStream: false, ...extra });

  test.each<[string, Frame]>([
    ['padding 256', data({ padding: 256 })],
    ['padding -1', data({ padding: -1 })],
    ['weight 0', { type: FrameType.PRIORITY, streamId: 1, priority: { dependsOn: 0, exclusive: false, weight: 0 } }],
    ['weight 257', { type: FrameType.HEADERS, streamId: 1, headerBlock: new Uint8Array(0), endStream: false, endHeaders: true, priority: { dependsOn: 0, exclusive: false, weight: 257 } }],
    ['PING payload of 7', { type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(7) }],
    ['WINDOW_UPDATE increment 0', { type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 0 }],
    ['WINDOW_UPDATE increment 2^31', { type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 2 ** 31 }],
    ['SETTINGS ACK with settings', { type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [[1, 1]] }],
    ['setting id over 16 bits', { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[0x10000, 1]] }],
    ['ALTSVC non-latin1', { type: FrameType.ALTSVC, streamId: 0, origin: 'a', fieldValue: 'h2=\u2603' }],
    ['ORIGIN non-latin1', { type: FrameType.ORIGIN, streamId: 0, origins: ['\u0100'] }],
    ['unknown type > 255', { type: 256, flags: 0, streamId: 0, payload: new Uint8Array(0), unknown: true }],
  ])('%s throws RangeError', (_name, frame) => {
    expect(() => encodeFrame(frame)).toThrow(RangeError);
    expect(() => encodeFrameInto(frame, [])).toThrow(RangeError);
  });

  test('a payload over 2^24-1 octets throws RangeError', () => {
    expect(() => encodeFrame(data({ data: new Uint8Array(0x1000000) }))).toThrow(RangeError);
    expect(() => writeFrameHeader(new Uint8Array(9), 0, 0x1000000, 0, 0, 1)).toThrow(RangeError);
  });

  test('a known-looking type without its fields and without unknown: true is a TypeError', () => {
    expect(() => encodeFrame({ type: 0x42 } as unknown as Frame)).toThrow(TypeError);
  });

  test('an UnknownFrame with a known type code is written verbatim', () => {
    expect(toHex(encodeFrame({ type: FrameType.DATA, flags: 0xff, streamId: 1, payload: fromHex('aa'), unknown: true }))).toBe('00000100ff00000001aa');
  });
});

describe('flowControlledLength (§6.9)', () => {
  test('counts data, the Pad Length octet and padding', () => {
    const d = new Uint8Array(10);
    expect(flowControlledLength({ type: FrameType.DATA, streamId: 1, data: d, endStream: false })).toBe(10);
    expect(flowControlledLength({ type: FrameType.DATA, streamId: 1, data: d, endStream: false, padding: 0 })).toBe(11);
    expect(flowControlledLength({ type: FrameType.DATA, streamId: 1, data: d, endStream: false, padding: 255 })).toBe(266);
  });
});
