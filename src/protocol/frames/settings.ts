import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { SettingId } from '../settings';
import { readU32, writeU32, type FrameCodec } from './codec';
import { FrameFlag, FrameType, MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE, MIN_MAX_FRAME_SIZE } from './frame-type';

/**
 * SETTINGS (RFC 9113 §6.5). `settings` keeps the wire order, duplicates and
 * unknown identifiers: §6.5.3 says values are processed in order (the last
 * one wins) and §6.5.2 that unknown ones are ignored — by the core, not here.
 */
export interface SettingsFrame {
  type: typeof FrameType.SETTINGS;
  streamId: 0;
  ack: boolean;
  settings: Array<[id: number, value: number]>;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Octets of one setting on the wire: 16-bit identifier, 32-bit value (§6.5.1). */
export const SETTING_ENTRY_LENGTH = 6;

/**
 * Checks one received setting against the bounds of RFC 9113 §6.5.2 and
 * RFC 8441 §3. All violations are connection errors. Returns `undefined` when
 * the value is acceptable (unknown identifiers always are).
 */
export function validateSetting(id: number, value: number): H2Error | undefined {
  switch (id) {
    case SettingId.ENABLE_PUSH:
      if (value > 1) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH must be 0 or 1, got ${value} (RFC 9113 §6.5.2)`);
      break;
    case SettingId.INITIAL_WINDOW_SIZE:
      if (value > MAX_WINDOW_SIZE) {
        return H2Error.connection(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${value} exceeds 2^31-1 (RFC 9113 §6.5.2)`);
      }
      break;
    case SettingId.MAX_FRAME_SIZE:
      if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
        return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${value} outside [2^14, 2^24-1] (RFC 9113 §6.5.2)`);
      }
      break;
    case SettingId.ENABLE_CONNECT_PROTOCOL:
      if (value > 1) {
        return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_CONNECT_PROTOCOL must be 0 or 1, got ${value} (RFC 8441 §3)`);
      }
      break;
  }
  return undefined;
}

/** Codec of SETTINGS frames (RFC 9113 §6.5). */
export const settingsCodec: FrameCodec<SettingsFrame> = {
  type: FrameType.SETTINGS,

  flags(frame) {
    return frame.ack ? FrameFlag.ACK : 0;
  },

  payloadLength(frame) {
    const n = frame.settings.length;
    if (frame.ack && n !== 0) throw new RangeError('a SETTINGS ACK carries no settings (RFC 9113 §6.5)');
    for (let i = 0; i < n; i++) {
      const [id, value] = frame.settings[i];
      if (!(id >= 0 && id <= 0xffff && value >= 0 && value <= 0xffffffff)) {
        throw new RangeError(`setting [${id}, ${value}] does not fit 16-bit id / 32-bit value`);
      }
    }
    return n * SETTING_ENTRY_LENGTH;
  },

  writePayload(frame, out, offset) {
    const settings = frame.settings;
    for (let i = 0; i < settings.length; i++, offset += SETTING_ENTRY_LENGTH) {
      const id = settings[i][0];
      out[offset] = id >>> 8;
      out[offset + 1] = id & 0xff;
      writeU32(out, offset + 2, settings[i][1] >>> 0);
    }
  },

  checkHeader(length, flags, streamId) {
    if (streamId !== 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `SETTINGS frame on stream ${streamId} (RFC 9113 §6.5)`);
    if ((flags & FrameFlag.ACK) !== 0 && length !== 0) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS ACK with a ${length}-octet payload (RFC 9113 §6.5)`);
    }
    if (length % SETTING_ENTRY_LENGTH !== 0) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS payload of ${length} octets is not a multiple of 6 (RFC 9113 §6.5)`);
    }
    return undefined;
  },

  decodePayload(flags, _streamId, buf, start, end) {
    const settings: Array<[number, number]> = [];
    for (let i = start; i < end; i += SETTING_ENTRY_LENGTH) {
      const id = (buf[i] << 8) | buf[i + 1];
      const value = readU32(buf, i + 2);
      const error = validateSetting(id, value);
      if (error !== undefined) return error;
      settings.push([id, value]);
    }
    return { type: FrameType.SETTINGS, streamId: 0, ack: (flags & FrameFlag.ACK) !== 0, settings };
  },
};
