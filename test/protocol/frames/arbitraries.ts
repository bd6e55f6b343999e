import fc from 'fast-check';
import {
  FrameType,
  type AltsvcFrame,
  type ContinuationFrame,
  type DataFrame,
  type Frame,
  type GoawayFrame,
  type HeadersFrame,
  type OriginFrame,
  type PingFrame,
  type PriorityFrame,
  type PrioritySpec,
  type PushPromiseFrame,
  type RstStreamFrame,
  type SettingsFrame,
  type UnknownFrame,
  type WindowUpdateFrame,
} from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';

const U31 = 0x7fffffff;
const U32 = 0xffffffff;

export const streamIdArb = fc.integer({ min: 1, max: U31 });
const anyStreamIdArb = fc.integer({ min: 0, max: U31 });
const bytesArb = (maxLength = 64) => fc.uint8Array({ maxLength });
const paddingArb = fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined });
const latin1Arb = (maxLength = 20) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength });
const nonEmptyLatin1Arb = (maxLength = 20) =>
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength });

export const prioritySpecArb: fc.Arbitrary<PrioritySpec> = fc.record({
  dependsOn: fc.integer({ min: 0, max: U31 }),
  exclusive: fc.boolean(),
  weight: fc.integer({ min: 1, max: 256 }),
});

/** Bytes of varied size: mostly small, sometimes larger than one TCP-ish chunk. */
const payloadArb = fc.oneof({ weight: 5, arbitrary: bytesArb(64) }, { weight: 1, arbitrary: bytesArb(2000) });

export const dataArb: fc.Arbitrary<DataFrame> = fc.record({
  type: fc.constant(FrameType.DATA),
  streamId: streamIdArb,
  data: payloadArb,
  endStream: fc.boolean(),
  padding: paddingArb,
});

export const headersArb: fc.Arbitrary<HeadersFrame> = fc
  .record({
    type: fc.constant(FrameType.HEADERS),
    streamId: streamIdArb,
    headerBlock: payloadArb,
    endStream: fc.boolean(),
    endHeaders: fc.boolean(),
    padding: paddingArb,
    priority: fc.option(prioritySpecArb, { nil: undefined }),
  })
  // §5.3.1: a self-dependency is an error, not a round-trippable frame.
  .filter((f) => f.priority === undefined || f.priority.dependsOn !== f.streamId);

export const priorityArb: fc.Arbitrary<PriorityFrame> = fc
  .record({ type: fc.constant(FrameType.PRIORITY), streamId: streamIdArb, priority: prioritySpecArb })
  .filter((f) => f.priority.dependsOn !== f.streamId);

export const rstStreamArb: fc.Arbitrary<RstStreamFrame> = fc.record({
  type: fc.constant(FrameType.RST_STREAM),
  streamId: streamIdArb,
  errorCode: fc.integer({ min: 0, max: U32 }),
});

/** A setting the decoder accepts: known ids within their bounds, or any unknown id. */
const settingArb: fc.Arbitrary<[number, number]> = fc.oneof(
  fc.tuple(fc.constant<number>(SettingId.HEADER_TABLE_SIZE), fc.integer({ min: 0, max: U32 })),
  fc.tuple(fc.constant<number>(SettingId.ENABLE_PUSH), fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.constant<number>(SettingId.MAX_CONCURRENT_STREAMS), fc.integer({ min: 0, max: U32 })),
  fc.tuple(fc.constant<number>(SettingId.INITIAL_WINDOW_SIZE), fc.integer({ min: 0, max: U31 })),
  fc.tuple(fc.constant<number>(SettingId.MAX_FRAME_SIZE), fc.integer({ min: 16384, max: 16777215 })),
  fc.tuple(fc.constant<number>(SettingId.MAX_HEADER_LIST_SIZE), fc.integer({ min: 0, max: U32 })),
  fc.tuple(fc.constant<number>(SettingId.ENABLE_CONNECT_PROTOCOL), fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }).filter((id) => id === 0 || id === 7 || id > 8), fc.integer({ min: 0, max: U32 })),
);

export const settingsArb: fc.Arbitrary<SettingsFrame> = fc.oneof(
  fc.record({
    type: fc.constant(FrameType.SETTINGS),
    streamId: fc.constant(0 as const),
    ack: fc.constant(false),
    settings: fc.array(settingArb, { maxLength: 12 }),
  }),
  fc.constant<SettingsFrame>({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }),
);

export const pushPromiseArb: fc.Arbitrary<PushPromiseFrame> = fc.record({
  type: fc.constant(FrameType.PUSH_PROMISE),
  streamId: streamIdArb,
  promisedStreamId: anyStreamIdArb,
  headerBlock: payloadArb,
  endHeaders: fc.boolean(),
  padding: paddingArb,
});

export const pingArb: fc.Arbitrary<PingFrame> = fc.record({
  type: fc.constant(FrameType.PING),
  streamId: fc.constant(0 as const),
  ack: fc.boolean(),
  payload: fc.uint8Array({ minLength: 8, maxLength: 8 }),
});

export const goawayArb: fc.Arbitrary<GoawayFrame> = fc.record({
  type: fc.constant(FrameType.GOAWAY),
  streamId: fc.constant(0 as const),
  lastStreamId: anyStreamIdArb,
  errorCode: fc.integer({ min: 0, max: U32 }),
  debugData: bytesArb(40),
});

export const windowUpdateArb: fc.Arbitrary<WindowUpdateFrame> = fc.record({
  type: fc.constant(FrameType.WINDOW_UPDATE),
  streamId: anyStreamIdArb,
  increment: fc.integer({ min: 1, max: U31 }),
});

export const continuationArb: fc.Arbitrary<ContinuationFrame> = fc.record({
  type: fc.constant(FrameType.CONTINUATION),
  streamId: streamIdArb,
  headerBlock: payloadArb,
  endHeaders: fc.boolean(),
});

/** RFC 7838 §4: an origin on stream 0 only, and never empty there. */
export const altsvcArb: fc.Arbitrary<AltsvcFrame> = fc.oneof(
  fc.record({ type: fc.constant(FrameType.ALTSVC), streamId: fc.constant(0), origin: nonEmptyLatin1Arb(), fieldValue: latin1Arb(40) }),
  fc.record({ type: fc.constant(FrameType.ALTSVC), streamId: streamIdArb, origin: fc.constant(''), fieldValue: latin1Arb(40) }),
);

export const originArb: fc.Arbitrary<OriginFrame> = fc.record({
  type: fc.constant(FrameType.ORIGIN),
  streamId: fc.constant(0 as const),
  origins: fc.array(latin1Arb(30), { maxLength: 5 }),
});

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(FrameType));

export const unknownArb: fc.Arbitrary<UnknownFrame> = fc.record({
  type: fc.integer({ min: 0, max: 255 }).filter((t) => !KNOWN_TYPES.has(t)),
  flags: fc.integer({ min: 0, max: 255 }),
  streamId: anyStreamIdArb,
  payload: bytesArb(64),
  unknown: fc.constant(true as const),
});

/** Per-type arbitraries, by name, for one property per type. */
export const arbitrariesByType: Record<string, fc.Arbitrary<Frame>> = {
  DATA: dataArb,
  HEADERS: headersArb,
  PRIORITY: priorityArb,
  RST_STREAM: rstStreamArb,
  SETTINGS: settingsArb,
  PUSH_PROMISE: pushPromiseArb,
  PING: pingArb,
  GOAWAY: goawayArb,
  WINDOW_UPDATE: windowUpdateArb,
  CONTINUATION: continuationArb,
  ALTSVC: altsvcArb,
  ORIGIN: originArb,
  UNKNOWN: unknownArb,
};

/** Any valid frame. */
export const frameArb: fc.Arbitrary<Frame> = fc.oneof(...Object.values(arbitrariesByType));
