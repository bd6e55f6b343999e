import { encodeFrame, encodeFrameInto, FrameType, type Frame } from '../../../src/protocol/frames';
import { ascii, decodeHex, fromHex, normalize, toHex } from './helpers';

const b = (hex: string) => fromHex(hex);

/**
 * Known vectors, checked both ways. The hex of the RFC 9113 frames was
 * cross-checked against python-hyperframe 6.0; ORIGIN and unknown types by hand.
 */
const vectors: Array<[name: string, frame: Frame, hex: string]> = [
  ['DATA END_STREAM', { type: FrameType.DATA, streamId: 1, data: b(ascii('hello')), endStream: true }, '000005 00 01 00000001' + ascii('hello')],
  ['DATA empty', { type: FrameType.DATA, streamId: 1, data: b(''), endStream: false }, '000000 00 00 00000001'],
  ['DATA padded', { type: FrameType.DATA, streamId: 3, data: b('6869'), endStream: false, padding: 3 }, '000006 00 08 00000003 03 6869 000000'],
  ['DATA padded 0, empty, END_STREAM', { type: FrameType.DATA, streamId: 5, data: b(''), endStream: true, padding: 0 }, '000001 00 09 00000005 00'],
  ['HEADERS END_HEADERS', { type: FrameType.HEADERS, streamId: 1, headerBlock: b(ascii('abc')), endStream: false, endHeaders: true }, '000003 01 04 00000001 616263'],
  [
    'HEADERS padded + priority + END_STREAM + END_HEADERS',
    {
      type: FrameType.HEADERS,
      streamId: 5,
      headerBlock: b('82'),
      endStream: true,
      endHeaders: true,
      padding: 2,
      priority: { dependsOn: 3, exclusive: true, weight: 16 },
    },
    '000009 01 2d 00000005 02 80000003 0f 82 0000',
  ],
  [
    'HEADERS priority only, no END_HEADERS',
    { type: FrameType.HEADERS, streamId: 7, headerBlock: b(''), endStream: false, endHeaders: false, priority: { dependsOn: 0, exclusive: false, weight: 256 } },
    '000005 01 20 00000007 00000000 ff',
  ],
  ['PRIORITY weight 256', { type: FrameType.PRIORITY, streamId: 5, priority: { dependsOn: 0, exclusive: false, weight: 256 } }, '000005 02 00 00000005 00000000 ff'],
  ['PRIORITY exclusive weight 1', { type: FrameType.PRIORITY, streamId: 9, priority: { dependsOn: 7, exclusive: true, weight: 1 } }, '000005 02 00 00000009 80000007 00'],
  ['RST_STREAM CANCEL', { type: FrameType.RST_STREAM, streamId: 1, errorCode: 8 }, '000004 03 00 00000001 00000008'],
  ['RST_STREAM unknown code', { type: FrameType.RST_STREAM, streamId: 1, errorCode: 0xffffffff }, '000004 03 00 00000001 ffffffff'],
  [
    'SETTINGS with unknown id and duplicates',
    {
      type: FrameType.SETTINGS,
      streamId: 0,
      ack: false,
      settings: [
        [1, 4096],
        [3, 100],
        [4, 65535],
        [0x99, 7],
        [3, 200],
      ],
    },
    '00001e 04 00 00000000 0001 00001000 0003 00000064 0004 0000ffff 0099 00000007 0003 000000c8',
  ],
  ['SETTINGS empty', { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }, '000000 04 00 00000000'],
  ['SETTINGS ACK', { type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }, '000000 04 01 00000000'],
  [
    'PUSH_PROMISE',
    { type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: 2, headerBlock: b('82'), endHeaders: true },
    '000005 05 04 00000001 00000002 82',
  ],
  [
    'PUSH_PROMISE padded',
    { type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: 2, headerBlock: b('82'), endHeaders: true, padding: 1 },
    '000007 05 0c 00000001 01 00000002 82 00',
  ],
  ['PING', { type: FrameType.PING, streamId: 0, ack: false, payload: b('0102030405060708') }, '000008 06 00 00000000 0102030405060708'],
  ['PING ACK', { type: FrameType.PING, streamId: 0, ack: true, payload: b('0102030405060708') }, '000008 06 01 00000000 0102030405060708'],
  [
    'GOAWAY with debug data',
    { type: FrameType.GOAWAY, streamId: 0, lastStreamId: 7, errorCode: 1, debugData: b(ascii('oops')) },
    '00000c 07 00 00000000 00000007 00000001' + ascii('oops'),
  ],
  ['GOAWAY NO_ERROR', { type: FrameType.GOAWAY, streamId: 0, lastStreamId: 0x7fffffff, errorCode: 0, debugData: b('') }, '000008 07 00 00000000 7fffffff 00000000'],
  ['WINDOW_UPDATE connection', { type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 65535 }, '000004 08 00 00000000 0000ffff'],
  ['WINDOW_UPDATE max', { type: FrameType.WINDOW_UPDATE, streamId: 3, increment: 0x7fffffff }, '000004 08 00 00000003 7fffffff'],
  ['CONTINUATION END_HEADERS', { type: FrameType.CONTINUATION, streamId: 1, headerBlock: b('8283'), endHeaders: true }, '000002 09 04 00000001 8283'],
  ['CONTINUATION', { type: FrameType.CONTINUATION, streamId: 1, headerBlock: b('8283'), endHeaders: false }, '000002 09 00 00000001 8283'],
  ['ALTSVC stream 0', { type: FrameType.ALTSVC, streamId: 0, origin: 'a.b', fieldValue: 'h2=":1"' }, '00000c 0a 00 00000000 0003 612e62' + ascii('h2=":1"')],
  ['ALTSVC on a stream', { type: FrameType.ALTSVC, streamId: 3, origin: '', fieldValue: 'x' }, '000003 0a 00 00000003 0000 78'],
  [
    'ORIGIN',
    { type: FrameType.ORIGIN, streamId: 0, origins: ['https://a', ''] },
    '00000d 0c 00 00000000 0009' + ascii('https://a') + '0000',
  ],
  ['ORIGIN empty', { type: FrameType.ORIGIN, streamId: 0, origins: [] }, '000000 0c 00 00000000'],
  ['unknown type, all flags', { type: 0xbb, flags: 0xff, streamId: 9, payload: b('0102'), unknown: true }, '000002 bb ff 00000009 0102'],
  ['BLOCKED (0x0b) is unknown', { type: 0x0b, flags: 0, streamId: 1, payload: b(''), unknown: true }, '000000 0b 00 00000001'],
];

describe('frame vectors (RFC 9113 §4.1, §6; RFC 7838 §4; RFC 8336 §2)', () => {
  test.each(vectors)('%s encodes', (_name, frame, hex) => {
    expect(toHex(encodeFrame(frame))).toBe(hex.replace(/\s+/g, ''));
  });

  test.each(vectors)('%s encodes into chunks', (_name, frame, hex) => {
    const out: Uint8Array[] = [];
    const n = encodeFrameInto(frame, out);
    expect(toHex(out)).toBe(hex.replace(/\s+/g, ''));
    expect(n).toBe(hex.replace(/\s+/g, '').length / 2);
  });

  test.each(vectors)('%s decodes', (_name, frame, hex) => {
    const { frames, errors } = decodeHex(hex);
    expect(errors).toEqual([]);
    expect(frames.map(normalize)).toEqual([normalize(frame)]);
  });
});

/** Bytes that decode but do not re-encode identically: reserved bits and undefined flags are dropped (§4.1). */
const decodeOnly: Array<[name: string, hex: string, frame: Frame]> = [
  ['reserved bit of the stream id', '000000 00 00 80000001', { type: FrameType.DATA, streamId: 1, data: b(''), endStream: false }],
  ['undefined DATA flags ignored', '000001 00 f6 00000001 aa', { type: FrameType.DATA, streamId: 1, data: b('aa'), endStream: false }],
  ['PRIORITY flag ignored on DATA', '000001 00 21 00000001 aa', { type: FrameType.DATA, streamId: 1, data: b('aa'), endStream: true }],
  ['undefined HEADERS flags ignored', '000001 01 d2 00000001 82', { type: FrameType.HEADERS, streamId: 1, headerBlock: b('82'), endStream: false, endHeaders: false }],
  ['flags ignored on RST_STREAM', '000004 03 ff 00000001 00000000', { type: FrameType.RST_STREAM, streamId: 1, errorCode: 0 }],
  ['flags ignored on SETTINGS but ACK', '000000 04 fe 00000000', { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }],
  ['flags ignored on PUSH_PROMISE, reserved promised bit', '000004 05 f3 00000001 80000002', { type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: 2, headerBlock: b(''), endHeaders: false }],
  ['flags ignored on PING but ACK', '000008 06 fe 00000000 0000000000000000', { type: FrameType.PING, streamId: 0, ack: false, payload: b('0000000000000000') }],
  ['reserved bit of GOAWAY last-stream-id', '000008 07 ff 00000000 80000003 00000002', { type: FrameType.GOAWAY, streamId: 0, lastStreamId: 3, errorCode: 2, debugData: b('') }],
  ['reserved bit of WINDOW_UPDATE increment', '000004 08 ff 00000001 80000010', { type: FrameType.WINDOW_UPDATE, streamId: 1, increment: 16 }],
  ['flags ignored on CONTINUATION but END_HEADERS', '000000 09 fb 00000001', { type: FrameType.CONTINUATION, streamId: 1, headerBlock: b(''), endHeaders: false }],
  ['flags ignored on ORIGIN', '000000 0c ff 00000000', { type: FrameType.ORIGIN, streamId: 0, origins: [] }],
];

describe('decoding drops reserved bits and undefined flags (§4.1)', () => {
  test.each(decodeOnly)('%s', (_name, hex, frame) => {
    const { frames, errors } = decodeHex(hex);
    expect(errors).toEqual([]);
    expect(frames.map(normalize)).toEqual([normalize(frame)]);
  });

  test('the encoder writes reserved bits as 0', () => {
    expect(toHex(encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId: 0x80000001, increment: 1 }))).toBe('000004080000000001' + '00000001');
    expect(toHex(encodeFrame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: 0xffffffff, errorCode: 0, debugData: b('') }))).toBe(
      '000008070000000000' + '7fffffff00000000',
    );
  });
});

describe('decoded frame shapes', () => {
  test('decoded DATA/HEADERS/PUSH_PROMISE always carry their optional keys, so they share one hidden class', () => {
    const { frames } = decodeHex('000000 00 00 00000001' + '000000 01 00 00000001' + '000004 05 00 00000001 00000002');
    expect(Object.keys(frames[0])).toEqual(['type', 'streamId', 'data', 'endStream', 'padding']);
    expect(Object.keys(frames[1])).toEqual(['type', 'streamId', 'headerBlock', 'endStream', 'endHeaders', 'padding', 'priority']);
    expect(Object.keys(frames[2])).toEqual(['type', 'streamId', 'promisedStreamId', 'headerBlock', 'endHeaders', 'padding']);
  });

  test('`unknown` discriminates the union', () => {
    const { frames } = decodeHex('000000 bb 00 00000000' + '000000 04 01 00000000');
    expect(frames[0].unknown).toBe(true);
    expect(frames[1].unknown).toBeUndefined();
  });
});

describe('type narrowing (checked by tsc)', () => {
  /** Compiles only if `unknown` discriminates UnknownFrame and `type` then narrows the known frames. */
  function bodyLength(frame: Frame): number {
    if (frame.unknown) return frame.payload.length;
    switch (frame.type) {
      case FrameType.DATA:
        return frame.data.length;
      case FrameType.HEADERS:
      case FrameType.PUSH_PROMISE:
      case FrameType.CONTINUATION:
        return frame.headerBlock.length;
      case FrameType.GOAWAY:
        return frame.debugData.length;
      default:
        return 0;
    }
  }

  test('narrowing works at run time too', () => {
    expect(bodyLength({ type: 0xbb, flags: 0, streamId: 0, payload: b('0102'), unknown: true })).toBe(2);
    expect(bodyLength({ type: FrameType.DATA, streamId: 1, data: b('01'), endStream: false })).toBe(1);
  });
});
