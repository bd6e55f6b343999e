/**
 * HTTP/2 error codes (RFC 9113 §7), as carried in RST_STREAM and GOAWAY.
 * Unknown codes received from a peer are kept as numbers: §7 says they
 * "MUST NOT trigger any special behavior" and may be treated as INTERNAL_ERROR.
 */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

/** One of the error code numbers defined by RFC 9113 §7. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const names: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, name]),
);

/** The RFC name of an error code, or `UNKNOWN_ERROR(0x..)` for codes outside §7. */
export function errorCodeName(code: number): string {
  return names[code] ?? `UNKNOWN_ERROR(0x${code.toString(16)})`;
}
