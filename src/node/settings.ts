/**
 * The HTTP/2 settings object of the Node facade (spec: "설정 객체" /
 * settings object, `getDefaultSettings`, `getPackedSettings`,
 * `getUnpackedSettings`), to and from SETTINGS entries (RFC 9113 §6.5).
 *
 * Ported from Node 20's lib/internal/http2/{core,util}.js and the packing in
 * src/node_http2.cc, including their quirks, which the differential tests in
 * `test/node/settings.test.ts` pin down:
 * - validation reads the object given, but packing reads an own-property copy
 *   (`{ ...settings }`): inherited settings are validated, not sent;
 * - range checks accept NaN and fractions; values are then stored as uint32
 *   (NaN → 0, 1.7 → 1), like Node's `Uint32Array` settings buffer;
 * - custom settings with a non-number value are validated via `Number(value)`
 *   and then silently skipped;
 * - `maxHeaderSize` wins over a different `maxHeaderListSize`, with Node's
 *   process warning;
 * - packed entries are in Node's order: standard ids ascending, then custom
 *   settings in `for…in` order;
 * - `getPackedSettings` returns `undefined` when nghttp2 would reject the
 *   entries (e.g. `maxFrameSize: NaN` packs as 0).
 *
 * Where the spec (Node v23.5 docs) and Node 20 differ, the spec wins:
 * - a custom setting value may be 0 (spec: "0 to 2^32-1"; Node 20 throws
 *   `Invalid value for setting "Range Error": 0`);
 * - a custom setting key is the setting's wire id (spec: "the keys define the
 *   numeric value of the setting type"). Node 20 routes keys 1–6 to its
 *   internal buffer *indices* instead, so `customSettings: { 1: 1 }` sends
 *   ENABLE_PUSH=1 there; here it sends HEADER_TABLE_SIZE=1. Keys 1–6 name
 *   settings Node handles natively, and the spec allows them ("not an
 *   error"): they fill the same slot as the named property, which overrides
 *   them. Keys above 6 (8, ENABLE_CONNECT_PROTOCOL, included, as the spec's
 *   "greater than 6" says) are sent as custom entries, as in Node 20.
 */
import { Buffer } from 'node:buffer';
import { SettingId } from '../protocol/settings';
import { nodeError, nodeRangeError } from './errors';

/**
 * A settings object, as `getPackedSettings`, `session.settings()` and the
 * `settings` options take it. Other properties are ignored.
 */
export interface Settings {
  /** HPACK dynamic table size in bytes, 0 … 2^32-1. Default 4096. */
  headerTableSize?: number;
  /** Whether push streams are allowed. Default `true`. */
  enablePush?: boolean;
  /** The sender's initial stream-level flow-control window, 0 … 2^31-1. Default 65535. */
  initialWindowSize?: number;
  /** Largest frame payload in bytes, 16384 … 2^24-1. Default 16384. */
  maxFrameSize?: number;
  /** Maximum concurrent streams, 0 … 2^32-1. Default 4294967295. */
  maxConcurrentStreams?: number;
  /** Maximum uncompressed size of a header list, 0 … 2^32-1. Default 65535. */
  maxHeaderListSize?: number;
  /** Alias of {@link maxHeaderListSize}; wins when both are given and differ. */
  maxHeaderSize?: number;
  /** Enables the extended CONNECT protocol (RFC 8441). Default `false`. */
  enableConnectProtocol?: boolean;
  /**
   * Settings Node does not implement, by wire id (1 … 2^16-1) with uint32
   * values; at most {@link MAX_ADDITIONAL_SETTINGS}.
   */
  customSettings?: Record<number, number>;
}

/** A SETTINGS parameter as on the wire: `[identifier, value]` (RFC 9113 §6.5.1). */
export type SettingsEntry = readonly [id: number, value: number];

/**
 * Maximum number of custom settings (Node's `MAX_ADDITIONAL_SETTINGS`; the
 * spec: "currently up to 10 custom settings are supported"), both in
 * `customSettings` and in the `remoteCustomSettings` option.
 */
export const MAX_ADDITIONAL_SETTINGS = 10;

/** Largest uint32: the bound of most SETTINGS values (RFC 9113 §6.5.1: 32-bit values). */
const kMaxInt = 2 ** 32 - 1;
/** RFC 9113 §6.5.2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 is a FLOW_CONTROL_ERROR. */
const kMaxInitialWindowSize = 2 ** 31 - 1;
/** RFC 9113 §6.5.2: SETTINGS_MAX_FRAME_SIZE must lie in 2^14 … 2^24-1. */
const kMinFrameSize = 2 ** 14;
const kMaxFrameSize = 2 ** 24 - 1;
/** Stream ids are 31-bit, but Node bounds this setting as any uint32. */
const kMaxStreams = 2 ** 32 - 1;
/** Setting identifiers are 16-bit (RFC 9113 §6.5.1). */
const kMaxSettingId = 0xffff;

/** RFC 9218 §2.1 SETTINGS_NO_RFC7540_PRIORITIES: nghttp2 checks it is 0 or 1. */
const NO_RFC7540_PRIORITIES = 0x9;

/**
 * The ids Node packs from the named properties, in Node's packing order
 * (its `HTTP2_SETTINGS` list, which is ascending).
 */
const standardIds = [
  SettingId.HEADER_TABLE_SIZE,
  SettingId.ENABLE_PUSH,
  SettingId.MAX_CONCURRENT_STREAMS,
  SettingId.INITIAL_WINDOW_SIZE,
  SettingId.MAX_FRAME_SIZE,
  SettingId.MAX_HEADER_LIST_SIZE,
  SettingId.ENABLE_CONNECT_PROTOCOL,
] as const;

/**
 * Custom keys that name a setting Node handles itself, and so fill the same
 * slot as the named property (the spec: custom types "currently must be
 * greater than 6, but it is not an error").
 */
const handledCustomIds: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);

// ---------------------------------------------------------------------------
// Argument checks shared with the rest of the facade.

/**
 * Node's `assertIsObject`: `value` must be `undefined` or a non-null,
 * non-array object, else `ERR_INVALID_ARG_TYPE` naming `types`.
 */
export function assertIsObject(value: unknown, name: string, types: string | readonly string[] = 'Object'): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw nodeError('ERR_INVALID_ARG_TYPE', name, types, value);
  }
}

/** Node's `assertIsArray`: `value` must be `undefined` or an array, else `ERR_INVALID_ARG_TYPE`. */
export function assertIsArray(value: unknown, name: string, types: string | readonly string[] = 'Array'): void {
  if (value !== undefined && (value === null || !Array.isArray(value))) {
    throw nodeError('ERR_INVALID_ARG_TYPE', name, types, value);
  }
}

/**
 * Node's `assertWithinRange` for settings: `value` must be `undefined` or a
 * number not below `min` nor above `max` (so NaN passes, as in Node), else a
 * `RangeError` `ERR_HTTP2_INVALID_SETTING_VALUE`.
 */
export function assertWithinRange(name: string, value: unknown, min = 0, max = Infinity): void {
  if (value !== undefined && (typeof value !== 'number' || value < min || value > max)) {
    throw nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', name, value, min, max);
  }
}

// ---------------------------------------------------------------------------
// Validation and conversion to SETTINGS entries.

/**
 * Node's `validateSettings`: throws the first error Node would, checking in
 * Node's order (customSettings type, count, then each id and value; then
 * headerTableSize, initialWindowSize, maxFrameSize, maxConcurrentStreams,
 * maxHeaderListSize, maxHeaderSize ranges; then enablePush and
 * enableConnectProtocol types). `undefined` passes. The caller checks first
 * that `settings` is an object ({@link assertIsObject}).
 */
export function validateSettings(settings: unknown): void {
  if (settings === undefined) return;
  const s = settings as Record<string, unknown>;
  assertIsObject(s.customSettings, 'customSettings', 'Number');
  if (s.customSettings) {
    const entries = Object.entries(s.customSettings as object);
    if (entries.length > MAX_ADDITIONAL_SETTINGS) throw nodeError('ERR_HTTP2_TOO_MANY_CUSTOM_SETTINGS');
    for (const [key, value] of entries) {
      assertWithinRange('customSettings:id', Number(key), 0, kMaxSettingId);
      assertWithinRange('customSettings:value', Number(value), 0, kMaxInt);
    }
  }
  assertWithinRange('headerTableSize', s.headerTableSize, 0, kMaxInt);
  assertWithinRange('initialWindowSize', s.initialWindowSize, 0, kMaxInitialWindowSize);
  assertWithinRange('maxFrameSize', s.maxFrameSize, kMinFrameSize, kMaxFrameSize);
  assertWithinRange('maxConcurrentStreams', s.maxConcurrentStreams, 0, kMaxStreams);
  assertWithinRange('maxHeaderListSize', s.maxHeaderListSize, 0, kMaxInt);
  assertWithinRange('maxHeaderSize', s.maxHeaderSize, 0, kMaxInt);
  if (s.enablePush !== undefined && typeof s.enablePush !== 'boolean') {
    throw nodeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'enablePush', s.enablePush);
  }
  if (s.enableConnectProtocol !== undefined && typeof s.enableConnectProtocol !== 'boolean') {
    throw nodeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'enableConnectProtocol', s.enableConnectProtocol);
  }
}

/**
 * The SETTINGS entries for a settings object already checked by
 * {@link validateSettings}, in Node's order, as Node's `updateSettingsBuffer`
 * and `Http2Settings::Init` build them. Throws the errors Node throws at that
 * stage: a custom id that is NaN or outside 1 … 65535, a custom value that is
 * NaN or outside 0 … 2^32-1 (both with Node's odd setting name
 * `"Range Error"`), more than {@link MAX_ADDITIONAL_SETTINGS} custom ids.
 * Does not check what nghttp2 would reject: see {@link invalidSettingsEntry}.
 */
function collectEntries(settings: Settings): SettingsEntry[] {
  const slots = new Map<number, number>();
  const custom: [number, number][] = [];

  const customSettings: unknown = settings.customSettings;
  if (typeof customSettings === 'object') {
    const cs = customSettings as Record<string, unknown>;
    // for…in, like Node: inherited enumerable keys count too.
    for (const key in cs) {
      const val = cs[key];
      if (typeof val !== 'number') continue;
      const nsetting = Number(key);
      if (Number.isNaN(nsetting) || 0 >= nsetting || nsetting > kMaxSettingId) {
        throw nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'Range Error', nsetting, 0, kMaxSettingId);
      }
      // Spec v23.5: values 0 … 2^32-1 (Node 20 rejects 0 here with `0 >= val`).
      if (Number.isNaN(val) || 0 > val || val > kMaxInt) {
        throw nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'Range Error', val, 0, kMaxInt);
      }
      if (handledCustomIds.has(nsetting)) {
        slots.set(nsetting, val);
        continue;
      }
      // Node keeps ids as uint32 and compares them with the unconverted key.
      const existing = custom.find((entry) => entry[0] === nsetting);
      if (existing) {
        existing[1] = val;
      } else {
        if (custom.length === MAX_ADDITIONAL_SETTINGS) throw nodeError('ERR_HTTP2_TOO_MANY_CUSTOM_SETTINGS');
        custom.push([nsetting >>> 0, val]);
      }
    }
  }

  if (typeof settings.headerTableSize === 'number') slots.set(SettingId.HEADER_TABLE_SIZE, settings.headerTableSize);
  if (typeof settings.maxConcurrentStreams === 'number') {
    slots.set(SettingId.MAX_CONCURRENT_STREAMS, settings.maxConcurrentStreams);
  }
  if (typeof settings.initialWindowSize === 'number') {
    slots.set(SettingId.INITIAL_WINDOW_SIZE, settings.initialWindowSize);
  }
  if (typeof settings.maxFrameSize === 'number') slots.set(SettingId.MAX_FRAME_SIZE, settings.maxFrameSize);
  if (typeof settings.maxHeaderListSize === 'number' || typeof settings.maxHeaderSize === 'number') {
    if (settings.maxHeaderSize !== undefined && settings.maxHeaderSize !== settings.maxHeaderListSize) {
      process.emitWarning('settings.maxHeaderSize overwrite settings.maxHeaderListSize');
      slots.set(SettingId.MAX_HEADER_LIST_SIZE, settings.maxHeaderSize);
    } else {
      slots.set(SettingId.MAX_HEADER_LIST_SIZE, settings.maxHeaderListSize as number);
    }
  }
  if (typeof settings.enablePush === 'boolean') slots.set(SettingId.ENABLE_PUSH, Number(settings.enablePush));
  if (typeof settings.enableConnectProtocol === 'boolean') {
    slots.set(SettingId.ENABLE_CONNECT_PROTOCOL, Number(settings.enableConnectProtocol));
  }

  const entries: SettingsEntry[] = [];
  for (const id of standardIds) {
    const value = slots.get(id);
    // Node's settings buffer is a Uint32Array: values are stored as uint32.
    if (value !== undefined) entries.push([id, value >>> 0]);
  }
  for (const [id, value] of custom) entries.push([id, value >>> 0]);
  return entries;
}

/**
 * The first entry nghttp2 refuses to send (its `nghttp2_iv_check`):
 * ENABLE_PUSH, ENABLE_CONNECT_PROTOCOL or NO_RFC7540_PRIORITIES not 0 or 1,
 * INITIAL_WINDOW_SIZE above 2^31-1, MAX_FRAME_SIZE outside 2^14 … 2^24-1
 * (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1). `undefined` if all pass.
 */
export function invalidSettingsEntry(entries: Iterable<SettingsEntry>): SettingsEntry | undefined {
  for (const entry of entries) {
    const [id, value] = entry;
    switch (id) {
      case SettingId.ENABLE_PUSH:
      case SettingId.ENABLE_CONNECT_PROTOCOL:
      case NO_RFC7540_PRIORITIES:
        if (value !== 0 && value !== 1) return entry;
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        if (value > kMaxInitialWindowSize) return entry;
        break;
      case SettingId.MAX_FRAME_SIZE:
        if (value < kMinFrameSize || value > kMaxFrameSize) return entry;
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** Settings-object names of the standard ids, for error messages. */
const settingNames: Readonly<Record<number, string>> = {
  [SettingId.HEADER_TABLE_SIZE]: 'headerTableSize',
  [SettingId.ENABLE_PUSH]: 'enablePush',
  [SettingId.MAX_CONCURRENT_STREAMS]: 'maxConcurrentStreams',
  [SettingId.INITIAL_WINDOW_SIZE]: 'initialWindowSize',
  [SettingId.MAX_FRAME_SIZE]: 'maxFrameSize',
  [SettingId.MAX_HEADER_LIST_SIZE]: 'maxHeaderListSize',
  [SettingId.ENABLE_CONNECT_PROTOCOL]: 'enableConnectProtocol',
};

/**
 * The SETTINGS entries to send for a settings object, for
 * `session.settings()` and the `settings` options. Call
 * {@link validateSettings} first, and pass an own-property copy as Node does
 * (`{ ...settings }`). Throws what Node's `updateSettingsBuffer` throws (see
 * the module notes), and, where Node 20 would abort the whole process on a
 * failed nghttp2 assertion (entries nghttp2 refuses, see
 * {@link invalidSettingsEntry}, e.g. `customSettings: { 9: 2 }` or
 * `maxFrameSize: NaN`), a `RangeError` `ERR_HTTP2_INVALID_SETTING_VALUE`
 * naming the setting (`customSettings:value` for custom ids).
 */
export function settingsToEntries(settings: Settings): SettingsEntry[] {
  const entries = collectEntries(settings);
  const bad = invalidSettingsEntry(entries);
  if (bad !== undefined) {
    const [id, value] = bad;
    throw nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', settingNames[id] ?? 'customSettings:value', value);
  }
  return entries;
}

// ---------------------------------------------------------------------------
// From SETTINGS entries back to a settings object.

/**
 * Node's defaults for settings a peer has not sent, as nghttp2 reports them:
 * the RFC 9113 §6.5.2 initial values, with "unlimited" shown as 2^32-1.
 */
const inForceDefaults: ReadonlyMap<number, number> = new Map([
  [SettingId.HEADER_TABLE_SIZE, 4096],
  [SettingId.ENABLE_PUSH, 1],
  [SettingId.MAX_CONCURRENT_STREAMS, kMaxInt],
  [SettingId.INITIAL_WINDOW_SIZE, 65535],
  [SettingId.MAX_FRAME_SIZE, 16384],
  [SettingId.MAX_HEADER_LIST_SIZE, kMaxInt],
  [SettingId.ENABLE_CONNECT_PROTOCOL, 0],
]);

/** Options of {@link settingsFromEntries}. */
export interface SettingsFromEntriesOptions {
  /**
   * The custom ids to report (Node reports a peer's custom settings only for
   * the ids in the `remoteCustomSettings` option). Default: every id that is
   * not a standard one, as for `session.localSettings`.
   */
  customIds?: Iterable<number>;
}

/**
 * The settings in force as `session.localSettings` / `session.remoteSettings`
 * show them: SETTINGS entries (e.g. every entry of every acknowledged or
 * received SETTINGS frame, in order; later ones win) applied over the
 * defaults, as an object with all standard fields in Node's order, and
 * `customSettings` only when there is a custom setting to report.
 */
export function settingsFromEntries(
  entries: Iterable<SettingsEntry>,
  options: SettingsFromEntriesOptions = {},
): Settings {
  const values = new Map(inForceDefaults);
  const custom = new Map<number, number>();
  const reported = options.customIds === undefined ? undefined : new Set(options.customIds);
  for (const [id, value] of entries) {
    if (inForceDefaults.has(id)) values.set(id, value);
    else if (reported === undefined || reported.has(id)) custom.set(id, value);
  }
  const get = (id: number): number => values.get(id) as number;
  const result: Settings = {
    headerTableSize: get(SettingId.HEADER_TABLE_SIZE),
    enablePush: !!get(SettingId.ENABLE_PUSH),
    initialWindowSize: get(SettingId.INITIAL_WINDOW_SIZE),
    maxFrameSize: get(SettingId.MAX_FRAME_SIZE),
    maxConcurrentStreams: get(SettingId.MAX_CONCURRENT_STREAMS),
    maxHeaderListSize: get(SettingId.MAX_HEADER_LIST_SIZE),
    maxHeaderSize: get(SettingId.MAX_HEADER_LIST_SIZE),
    enableConnectProtocol: !!get(SettingId.ENABLE_CONNECT_PROTOCOL),
  };
  if (custom.size > 0) {
    const customSettings: Record<number, number> = {};
    for (const [id, value] of custom) customSettings[id] = value;
    result.customSettings = customSettings;
  }
  return result;
}

/**
 * Checks the `remoteCustomSettings` option as Node does when a session
 * starts (after `assertIsArray`): at most {@link MAX_ADDITIONAL_SETTINGS} ids,
 * each a number in 0 … 65535 (else Node's `RangeError`
 * `Invalid value for setting "Range Error": …`). Returns a copy.
 */
export function validateRemoteCustomSettings(ids: readonly unknown[]): number[] {
  if (ids.length > MAX_ADDITIONAL_SETTINGS) throw nodeError('ERR_HTTP2_TOO_MANY_CUSTOM_SETTINGS');
  const result: number[] = [];
  for (const id of ids) {
    if (typeof id === 'number' && id <= kMaxSettingId && id >= 0) result.push(id);
    else throw nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'Range Error', id, 0, kMaxSettingId);
  }
  return result;
}

// ---------------------------------------------------------------------------
// The public functions of `node:http2`.

/**
 * `http2.getDefaultSettings()`: a new object with Node's default settings
 * (null prototype and key order as Node's, `maxHeaderSize` included).
 */
export function getDefaultSettings(): Settings {
  const holder = Object.create(null) as Settings;
  holder.headerTableSize = 4096;
  holder.enablePush = true;
  holder.initialWindowSize = 65535;
  holder.maxFrameSize = 16384;
  holder.maxConcurrentStreams = kMaxInt;
  holder.maxHeaderSize = 65535;
  holder.maxHeaderListSize = 65535;
  holder.enableConnectProtocol = false;
  return holder;
}

/**
 * `http2.getPackedSettings([settings])`: the SETTINGS payload (RFC 9113
 * §6.5.1, six bytes per entry) for a settings object, e.g. for the
 * `HTTP2-Settings` header. Throws Node's errors for invalid settings.
 *
 * Like Node, returns `undefined` (despite the type, which is Node's) when
 * nghttp2 would refuse the entries ({@link invalidSettingsEntry}).
 */
export function getPackedSettings(settings?: Settings): Buffer {
  assertIsObject(settings, 'settings');
  validateSettings(settings);
  const entries = collectEntries({ ...settings });
  if (invalidSettingsEntry(entries) !== undefined) return undefined as unknown as Buffer;
  const buf = Buffer.alloc(entries.length * 6);
  let offset = 0;
  for (const [id, value] of entries) {
    buf.writeUInt16BE(id, offset);
    buf.writeUInt32BE(value, offset + 2);
    offset += 6;
  }
  return buf;
}

/** Options of {@link getUnpackedSettings} (Node accepts them; the spec does not document them). */
export interface UnpackSettingsOptions {
  /** Run {@link validateSettings} on the result. */
  validate?: boolean;
}

/**
 * `http2.getUnpackedSettings(buf)`: the settings object for a packed
 * SETTINGS payload. Unknown ids go to `customSettings`; ENABLE_PUSH and
 * ENABLE_CONNECT_PROTOCOL are true for any non-zero value; a repeated id
 * keeps its last value. Throws `ERR_INVALID_ARG_TYPE` if `buf` is not a
 * Buffer or TypedArray and `ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH` if its
 * length is not a multiple of six. Like Node, reads *elements* (bytes for a
 * Buffer or Uint8Array).
 */
export function getUnpackedSettings(buf: Uint8Array, options: UnpackSettingsOptions | null = {}): Settings {
  if (!ArrayBuffer.isView(buf) || (buf as { length?: number }).length === undefined) {
    throw nodeError('ERR_INVALID_ARG_TYPE', 'buf', ['Buffer', 'TypedArray'], buf);
  }
  if (buf.length % 6 !== 0) throw nodeError('ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH');
  const elements = buf as ArrayLike<number>;
  const settings: Settings = {};
  let offset = 0;
  while (offset < elements.length) {
    const id = elements[offset]! * 2 ** 8 + elements[offset + 1]!;
    offset += 2;
    const value = elements[offset]! * 2 ** 24 + elements[offset + 1]! * 2 ** 16 +
      elements[offset + 2]! * 2 ** 8 + elements[offset + 3]!;
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        settings.headerTableSize = value;
        break;
      case SettingId.ENABLE_PUSH:
        settings.enablePush = value !== 0;
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        settings.maxConcurrentStreams = value;
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        settings.initialWindowSize = value;
        break;
      case SettingId.MAX_FRAME_SIZE:
        settings.maxFrameSize = value;
        break;
      case SettingId.MAX_HEADER_LIST_SIZE:
        // Node assigns maxHeaderSize first, which fixes the key order.
        settings.maxHeaderListSize = settings.maxHeaderSize = value;
        break;
      case SettingId.ENABLE_CONNECT_PROTOCOL:
        settings.enableConnectProtocol = value !== 0;
        break;
      default:
        settings.customSettings ??= {};
        settings.customSettings[id] = value;
    }
    offset += 4;
  }
  if (options != null && options.validate) validateSettings(settings);
  return settings;
}
