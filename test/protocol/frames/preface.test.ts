import { ErrorCode } from '../../../src/protocol/error-code';
import { CLIENT_PREFACE, FrameDecoder, FrameType } from '../../../src/protocol/frames';
import { bytewise, CollectingSink, concat, decodeChunks, fromHex } from './helpers';

const SETTINGS = fromHex('000000 04 00 00000000');
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('client connection preface (RFC 9113 §3.4)', () => {
  test('accepted in one chunk with frames after it', () => {
    const r = decodeChunks([concat([CLIENT_PREFACE, SETTINGS])], { expectPreface: true });
    expect(r.errors).toEqual([]);
    expect(r.frames.map((f) => f.type)).toEqual([FrameType.SETTINGS]);
  });

  test('accepted one byte at a time', () => {
    const r = decodeChunks(bytewise(concat([CLIENT_PREFACE, SETTINGS])), { expectPreface: true });
    expect(r.errors).toEqual([]);
    expect(r.frames.map((f) => f.type)).toEqual([FrameType.SETTINGS]);
  });

  test('a wrong byte is a connection PROTOCOL_ERROR reported as soon as it arrives', () => {
    const decoder = new FrameDecoder({ expectPreface: true });
    const sink = new CollectingSink();
    decoder.write(CLIENT_PREFACE.subarray(0, 20), sink);
    expect(sink.errors).toEqual([]);
    decoder.write(latin1('X'), sink);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]).toMatchObject({ code: ErrorCode.PROTOCOL_ERROR, scope: 'connection', streamId: 0 });
    expect(sink.errors[0].message).toMatch(/invalid connection preface/);
    expect(sink.errors[0].message).toMatch(/octet 20/);
    expect(sink.errors[0].message).not.toMatch(/HTTP\/1/);
    expect(decoder.dead).toBe(true);
    decoder.write(concat([CLIENT_PREFACE, SETTINGS]), sink);
    expect(sink.errors).toHaveLength(1);
    expect(sink.frames).toEqual([]);
  });

  test('frames without a preface are rejected when it is expected', () => {
    const r = decodeChunks([SETTINGS], { expectPreface: true });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/invalid connection preface/);
  });

  test.each([
    ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'GET / HTTP/1.1'],
    ['POST /upload HTTP/1.0\r\n\r\n', 'POST /upload HTTP/1.0'],
    ['PRI / HTTP/1.1\r\n\r\n', 'PRI / HTTP/1.1'],
  ])('an HTTP/1.x request line is named as such: %j', (input, line) => {
    const r = decodeChunks([latin1(input)], { expectPreface: true });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: ErrorCode.PROTOCOL_ERROR, scope: 'connection' });
    expect(r.errors[0].message).toMatch(/HTTP\/1\.x request line/);
    expect(r.errors[0].message).toContain(JSON.stringify(line));
  });

  test('without expectPreface the first bytes are a frame header', () => {
    const r = decodeChunks([SETTINGS]);
    expect(r.errors).toEqual([]);
    expect(r.frames).toHaveLength(1);
  });
});
