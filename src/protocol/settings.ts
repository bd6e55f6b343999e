/**
 * SETTINGS parameter identifiers (RFC 9113 §6.5.2, RFC 8441 §3) and their
 * initial values. Identifiers we do not know are kept and ignored (§6.5.2:
 * "An endpoint that receives a SETTINGS frame with any unknown or unsupported
 * identifier MUST ignore that setting").
 */
export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  ENABLE_CONNECT_PROTOCOL: 0x8,
} as const;

/** One of the setting identifiers defined by RFC 9113 / RFC 8441. */
export type SettingId = (typeof SettingId)[keyof typeof SettingId];

/**
 * Values in force before any SETTINGS frame is acknowledged (RFC 9113 §6.5.2).
 * `undefined` means "no limit" (MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE).
 */
export const INITIAL_SETTINGS: Readonly<Record<SettingId, number | undefined>> = {
  [SettingId.HEADER_TABLE_SIZE]: 4096,
  [SettingId.ENABLE_PUSH]: 1,
  [SettingId.MAX_CONCURRENT_STREAMS]: undefined,
  [SettingId.INITIAL_WINDOW_SIZE]: 65535,
  [SettingId.MAX_FRAME_SIZE]: 16384,
  [SettingId.MAX_HEADER_LIST_SIZE]: undefined,
  [SettingId.ENABLE_CONNECT_PROTOCOL]: 0,
};
