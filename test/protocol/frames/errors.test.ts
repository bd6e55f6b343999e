import { ErrorCode } from '../../../src/protocol/error-code';
import { FrameDecoder, FrameType, type FrameSink } from '../../../src/protocol/frames';
import { CollectingSink, decodeChunks, decodeHex, fromHex } from './helpers';

/** Hex of a frame header: 24-bit length, type, flags, 32-bit stream id. */
function hdr(length: number, type: number, flags: number, streamId: number): string {
  return length.toString(16).padStart(6, '0') + type.toString(16).padStart(2, '0') + flags.toString(16).padStart(2, '0') + streamId.toString(16).padStart(8, '0');
}
const zeros = (n: number) => '00'.repeat(n);
const PING = hdr(8, FrameType.PING, 0, 0) + '0102030405060708';

const { PROTOCOL_ERROR, FRAME_SIZE_ERROR, FLOW_CONTROL_ERROR } = ErrorCode;

/** Decodes `hex` then a PING; checks the one error and whether decoding went on. */
function expectError(hex: string, code: number, scope: 'connection' | 'stream', streamId = 0) {
  const r = decodeHex(hex + PING);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toMatchObject({ code, scope, streamId, kind: 'protocol' });
  if (scope === 'connection') {
    expect(r.frames).toEqual([]);
    expect(r.decoder.dead).toBe(true);
  } else {
    expect(r.frames.map((f) => f.type)).toEqual([FrameType.PING]);
    expect(r.decoder.dead).toBe(false);
  }
  return r;
}

describe('§4.2 frame size', () => {
  test('an oversize DATA frame is a stream error; its payload is skipped without buffering and decoding continues', () => {
    const decoder = new FrameDecoder();
    const sink = new CollectingSink();
    decoder.write(fromHex(hdr(20000, FrameType.DATA, 0, 1)), sink);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]).toMatchObject({ code: FRAME_SIZE_ERROR, scope: 'stream', streamId: 1, limit: 'maxFrameSize' });
    // Dropped, it still counts against the connection window (RFC 9113 §6.9): its length goes with the error.
    expect(sink.flowControlled).toEqual([20000]);
    for (let sent = 0; sent < 20000; sent += 1000) {
      decoder.write(new Uint8Array(1000), sink);
      expect(decoder.bufferedBytes).toBe(0);
    }
    decoder.write(fromHex(PING), sink);
    expect(sink.errors).toHaveLength(1);
    expect(sink.frames.map((f) => f.type)).toEqual([FrameType.PING]);
  });

  test('an oversize frame of unknown type on a stream is a stream error and is skipped (not flow-controlled)', () => {
    expectError(hdr(16385, 0xbb, 0, 3) + zeros(16385), FRAME_SIZE_ERROR, 'stream', 3);
    const sink = new CollectingSink();
    new FrameDecoder().write(fromHex(hdr(16385, 0xbb, 0, 3) + zeros(16385)), sink);
    expect(sink.flowControlled).toEqual([undefined]);
  });

  test.each([
    ['HEADERS', FrameType.HEADERS, 1],
    ['PUSH_PROMISE', FrameType.PUSH_PROMISE, 1],
    ['CONTINUATION', FrameType.CONTINUATION, 1],
    ['SETTINGS', FrameType.SETTINGS, 0],
    ['WINDOW_UPDATE on stream 0', FrameType.WINDOW_UPDATE, 0],
    ['unknown type on stream 0', 0xbb, 0],
  ])('an oversize %s is a connection error, reported at the header', (_name, type, streamId) => {
    const r = decodeChunks([fromHex(hdr(16385, type, 0, streamId))]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: FRAME_SIZE_ERROR, scope: 'connection', streamId: 0 });
    expect(r.decoder.bufferedBytes).toBe(0);
  });

  test('a frame of exactly maxFrameSize is accepted, and setMaxFrameSize raises the limit', () => {
    expect(decodeHex(hdr(16384, FrameType.DATA, 0, 1) + zeros(16384)).errors).toEqual([]);
    const r = decodeHex(hdr(20000, FrameType.DATA, 0, 1) + zeros(20000), { maxFrameSize: 20000 });
    expect(r.errors).toEqual([]);
    expect(r.frames).toHaveLength(1);
  });

  test('setMaxFrameSize called from the sink applies from the next frame', () => {
    const decoder = new FrameDecoder();
    const frames: number[] = [];
    const sink: FrameSink = {
      frame: (f) => {
        frames.push(f.type);
        if (f.type === FrameType.SETTINGS) decoder.setMaxFrameSize(32768);
      },
      error: (e) => {
        throw e;
      },
    };
    decoder.write(fromHex(hdr(0, FrameType.SETTINGS, 1, 0) + hdr(30000, FrameType.DATA, 0, 1) + zeros(30000)), sink);
    expect(frames).toEqual([FrameType.SETTINGS, FrameType.DATA]);
  });

  test('setMaxFrameSize rejects values outside [2^14, 2^24-1]', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.setMaxFrameSize(16383)).toThrow(RangeError);
    expect(() => decoder.setMaxFrameSize(16777216)).toThrow(RangeError);
    expect(() => new FrameDecoder({ maxFrameSize: 1.5e4 })).toThrow(RangeError);
    decoder.setMaxFrameSize(16777215);
    expect(decoder.maxFrameSize).toBe(16777215);
  });
});

describe('stream identifier rules (§6)', () => {
  test.each([
    ['DATA', FrameType.DATA, 1],
    ['HEADERS', FrameType.HEADERS, 1],
    ['PRIORITY', FrameType.PRIORITY, 5],
    ['RST_STREAM', FrameType.RST_STREAM, 4],
    ['PUSH_PROMISE', FrameType.PUSH_PROMISE, 4],
    ['CONTINUATION', FrameType.CONTINUATION, 1],
  ])('%s on stream 0 is a connection PROTOCOL_ERROR', (_name, type, length) => {
    expectError(hdr(length, type, 0, 0) + zeros(length), PROTOCOL_ERROR, 'connection');
  });

  test.each([
    ['SETTINGS', FrameType.SETTINGS, 0],
    ['PING', FrameType.PING, 8],
    ['GOAWAY', FrameType.GOAWAY, 8],
  ])('%s on a non-zero stream is a connection PROTOCOL_ERROR', (_name, type, length) => {
    expectError(hdr(length, type, 0, 1) + zeros(length), PROTOCOL_ERROR, 'connection');
  });
});

describe('SETTINGS (§6.5)', () => {
  test('an ACK with a payload is a connection FRAME_SIZE_ERROR', () => {
    expectError(hdr(6, FrameType.SETTINGS, 1, 0) + '000100001000', FRAME_SIZE_ERROR, 'connection');
  });

  test('a length that is not a multiple of 6 is a connection FRAME_SIZE_ERROR', () => {
    expectError(hdr(5, FrameType.SETTINGS, 0, 0) + zeros(5), FRAME_SIZE_ERROR, 'connection');
  });

  test.each([
    ['ENABLE_PUSH = 2', '0002 00000002', PROTOCOL_ERROR],
    ['INITIAL_WINDOW_SIZE = 2^31', '0004 80000000', FLOW_CONTROL_ERROR],
    ['MAX_FRAME_SIZE = 2^14-1', '0005 00003fff', PROTOCOL_ERROR],
    ['MAX_FRAME_SIZE = 2^24', '0005 01000000', PROTOCOL_ERROR],
    ['ENABLE_CONNECT_PROTOCOL = 2', '0008 00000002', PROTOCOL_ERROR],
  ])('%s is a connection error', (_name, entry, code) => {
    expectError(hdr(12, FrameType.SETTINGS, 0, 0) + '0001 00001000' + entry, code, 'connection');
  });

  test('boundary values are accepted', () => {
    const entries = ['0002 00000000', '0002 00000001', '0004 7fffffff', '0005 00004000', '0005 00ffffff', '0008 00000001', '0007 ffffffff'];
    const r = decodeHex(hdr(6 * entries.length, FrameType.SETTINGS, 0, 0) + entries.join(''));
    expect(r.errors).toEqual([]);
    expect(r.frames).toHaveLength(1);
  });
});

describe('fixed-length frames', () => {
  test.each([7, 9])('PING of length %i is a connection FRAME_SIZE_ERROR', (n) => {
    expectError(hdr(n, FrameType.PING, 0, 0) + zeros(n), FRAME_SIZE_ERROR, 'connection');
  });

  test('GOAWAY shorter than 8 is a connection FRAME_SIZE_ERROR', () => {
    expectError(hdr(7, FrameType.GOAWAY, 0, 0) + zeros(7), FRAME_SIZE_ERROR, 'connection');
  });

  test.each([3, 5])('RST_STREAM of length %i is a connection FRAME_SIZE_ERROR', (n) => {
    expectError(hdr(n, FrameType.RST_STREAM, 0, 1) + zeros(n), FRAME_SIZE_ERROR, 'connection');
  });

  test.each([3, 5])('WINDOW_UPDATE of length %i is a connection FRAME_SIZE_ERROR', (n) => {
    expectError(hdr(n, FrameType.WINDOW_UPDATE, 0, 1) + '01'.repeat(n), FRAME_SIZE_ERROR, 'connection');
  });

  test.each([4, 6])('PRIORITY of length %i is a stream FRAME_SIZE_ERROR; the payload is skipped', (n) => {
    expectError(hdr(n, FrameType.PRIORITY, 0, 3) + zeros(n), FRAME_SIZE_ERROR, 'stream', 3);
  });
});

describe('WINDOW_UPDATE increment (§6.9)', () => {
  test('0 on a stream is a stream PROTOCOL_ERROR', () => {
    expectError(hdr(4, FrameType.WINDOW_UPDATE, 0, 1) + '00000000', PROTOCOL_ERROR, 'stream', 1);
  });

  test('0 on the connection is a connection PROTOCOL_ERROR', () => {
    expectError(hdr(4, FrameType.WINDOW_UPDATE, 0, 0) + '00000000', PROTOCOL_ERROR, 'connection');
  });

  test('only the reserved bit set is still 0', () => {
    expectError(hdr(4, FrameType.WINDOW_UPDATE, 0, 1) + '80000000', PROTOCOL_ERROR, 'stream', 1);
  });
});

describe('padding (§6.1, §6.2, §6.6)', () => {
  test('DATA padding equal to the payload length is a connection PROTOCOL_ERROR', () => {
    expectError(hdr(3, FrameType.DATA, 0x8, 1) + '03 0000', PROTOCOL_ERROR, 'connection');
  });

  test('DATA padding of payload length - 1 leaves empty data and is fine', () => {
    const r = decodeHex(hdr(3, FrameType.DATA, 0x8, 1) + '02 0000');
    expect(r.errors).toEqual([]);
    expect(r.frames[0]).toMatchObject({ type: FrameType.DATA, padding: 2 });
  });

  test('padded DATA with no room for Pad Length is a connection FRAME_SIZE_ERROR', () => {
    expectError(hdr(0, FrameType.DATA, 0x8, 1), FRAME_SIZE_ERROR, 'connection');
  });

  test('HEADERS padding beyond the payload is a connection PROTOCOL_ERROR', () => {
    expectError(hdr(2, FrameType.HEADERS, 0x8, 1) + '02 82', PROTOCOL_ERROR, 'connection');
  });

  test('HEADERS padding reaching into the priority fields is a connection PROTOCOL_ERROR', () => {
    expectError(hdr(7, FrameType.HEADERS, 0x28, 1) + '02 00000000 0f 00', PROTOCOL_ERROR, 'connection');
  });

  test('PUSH_PROMISE padding reaching into the promised stream id is a connection PROTOCOL_ERROR', () => {
    expectError(hdr(6, FrameType.PUSH_PROMISE, 0x8, 1) + '02 00000002 00', PROTOCOL_ERROR, 'connection');
  });
});

describe('too short for mandatory fields (§4.2)', () => {
  test.each([
    ['PADDED, length 0', 0x8, 0],
    ['PRIORITY, length 4', 0x20, 4],
    ['PADDED + PRIORITY, length 5', 0x28, 5],
  ])('HEADERS %s is a connection FRAME_SIZE_ERROR', (_name, flags, length) => {
    expectError(hdr(length, FrameType.HEADERS, flags, 1) + zeros(length), FRAME_SIZE_ERROR, 'connection');
  });

  test.each([
    ['length 3', 0, 3],
    ['PADDED, length 4', 0x8, 4],
  ])('PUSH_PROMISE %s is a connection FRAME_SIZE_ERROR', (_name, flags, length) => {
    expectError(hdr(length, FrameType.PUSH_PROMISE, flags, 1) + zeros(length), FRAME_SIZE_ERROR, 'connection');
  });
});

describe('self-dependency (§5.3.1)', () => {
  test('PRIORITY depending on its own stream is a stream PROTOCOL_ERROR and is dropped', () => {
    expectError(hdr(5, FrameType.PRIORITY, 0, 3) + '00000003 0f', PROTOCOL_ERROR, 'stream', 3);
  });

  test('the exclusive bit does not hide a self-dependency', () => {
    expectError(hdr(5, FrameType.PRIORITY, 0, 3) + '80000003 0f', PROTOCOL_ERROR, 'stream', 3);
  });

  test('HEADERS depending on its own stream: stream error first, then the frame, so HPACK still sees the block', () => {
    const r = decodeHex(hdr(6, FrameType.HEADERS, 0x24, 5) + '00000005 0f 82' + PING);
    expect(r.events).toHaveLength(3);
    expect('error' in r.events[0] && r.events[0].error).toMatchObject({ code: PROTOCOL_ERROR, scope: 'stream', streamId: 5 });
    expect('frame' in r.events[1] && r.events[1].frame).toMatchObject({ type: FrameType.HEADERS, streamId: 5, priority: { dependsOn: 5 } });
    expect('frame' in r.events[2] && r.events[2].frame.type).toBe(FrameType.PING);
  });
});

describe('extension frames', () => {
  test.each([
    ['ALTSVC of length 0', hdr(0, FrameType.ALTSVC, 0, 0)],
    ['ALTSVC of length 1', hdr(1, FrameType.ALTSVC, 0, 0) + '00'],
    ['ALTSVC whose Origin-Len overruns the payload', hdr(4, FrameType.ALTSVC, 0, 0) + '0003 6162'],
    ['ALTSVC on stream 0 with an empty origin (RFC 7838 §4)', hdr(3, FrameType.ALTSVC, 0, 0) + '0000 78'],
    ['ALTSVC on a stream with an origin (RFC 7838 §4)', hdr(3, FrameType.ALTSVC, 0, 1) + '0001 61'],
    ['ORIGIN on a stream (RFC 8336 §2.1)', hdr(3, FrameType.ORIGIN, 0, 1) + '0001 61'],
    ['ORIGIN with an overrunning entry', hdr(3, FrameType.ORIGIN, 0, 0) + '0002 61'],
    ['ORIGIN with a truncated entry length', hdr(3, FrameType.ORIGIN, 0, 0) + '0000 00'],
  ])('%s is ignored, and decoding goes on', (_name, hex) => {
    const r = decodeHex(hex + PING);
    expect(r.errors).toEqual([]);
    expect(r.frames.map((f) => f.type)).toEqual([FrameType.PING]);
  });

  test('an unknown frame type is delivered as UnknownFrame (§5.5), on any stream, with any flags', () => {
    const r = decodeHex(hdr(2, 0xfe, 0xa5, 0) + 'abcd' + hdr(0, 0x10, 0, 7));
    expect(r.errors).toEqual([]);
    expect(r.frames).toMatchObject([
      { type: 0xfe, flags: 0xa5, streamId: 0, unknown: true },
      { type: 0x10, flags: 0, streamId: 7, unknown: true },
    ]);
  });
});

describe('after errors', () => {
  test('after a connection error the decoder is dead: reported once, later input ignored', () => {
    const decoder = new FrameDecoder();
    const sink = new CollectingSink();
    decoder.write(fromHex(hdr(0, FrameType.DATA, 0, 0) + hdr(0, FrameType.DATA, 0, 0) + PING), sink);
    decoder.write(fromHex(PING + hdr(8, FrameType.PING, 0, 1)), sink);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]).toMatchObject({ code: PROTOCOL_ERROR, scope: 'connection' });
    expect(sink.frames).toEqual([]);
    expect(decoder.dead).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
  });

  test('a connection error found in the payload of a split frame also kills the decoder', () => {
    const bytes = fromHex(hdr(6, FrameType.SETTINGS, 0, 0) + '0002 00000009' + PING);
    const r = decodeChunks([bytes.subarray(0, 11), bytes.subarray(11)]);
    expect(r.errors).toHaveLength(1);
    expect(r.frames).toEqual([]);
    expect(r.decoder.dead).toBe(true);
  });

  test('stream errors do not stop decoding', () => {
    const hex =
      hdr(4, FrameType.WINDOW_UPDATE, 0, 1) + '00000000' +
      hdr(4, FrameType.PRIORITY, 0, 3) + '00000000' +
      hdr(5, FrameType.PRIORITY, 0, 5) + '00000005 00' +
      hdr(16385, FrameType.DATA, 0, 7) + zeros(16385) +
      PING;
    const r = decodeHex(hex);
    expect(r.errors.map((e) => [e.scope, e.streamId, e.code])).toEqual([
      ['stream', 1, PROTOCOL_ERROR],
      ['stream', 3, FRAME_SIZE_ERROR],
      ['stream', 5, PROTOCOL_ERROR],
      ['stream', 7, FRAME_SIZE_ERROR],
    ]);
    expect(r.frames.map((f) => f.type)).toEqual([FrameType.PING]);
  });

  test('a sink that throws leaves the decoder dead and the exception propagates', () => {
    const decoder = new FrameDecoder();
    const boom = new Error('boom');
    const sink: FrameSink = {
      frame: () => {
        throw boom;
      },
      error: () => undefined,
    };
    expect(() => decoder.write(fromHex(PING + PING), sink)).toThrow(boom);
    expect(decoder.dead).toBe(true);
    expect(() => decoder.write(fromHex(PING), sink)).not.toThrow();
  });
});

describe('zero copy', () => {
  test('a frame whole inside a chunk is a view of that chunk', () => {
    const chunk = fromHex(hdr(3, FrameType.DATA, 0, 1) + 'aabbcc');
    const r = decodeChunks([chunk]);
    const f = r.frames[0];
    expect(f.type === FrameType.DATA && !f.unknown && f.data.buffer).toBe(chunk.buffer);
  });

  test('a frame split across chunks is copied once into a buffer of its own length', () => {
    const bytes = fromHex(hdr(3, FrameType.DATA, 0, 1) + 'aabbcc');
    const decoder = new FrameDecoder();
    const sink = new CollectingSink();
    decoder.write(bytes.subarray(0, 10), sink);
    expect(decoder.bufferedBytes).toBe(3);
    decoder.write(bytes.subarray(10), sink);
    expect(decoder.bufferedBytes).toBe(0);
    const f = sink.frames[0];
    expect(f.type === FrameType.DATA && !f.unknown && f.data.buffer).not.toBe(bytes.buffer);
    expect(f.type === FrameType.DATA && !f.unknown && Buffer.from(f.data).toString('hex')).toBe('aabbcc');
  });
});
