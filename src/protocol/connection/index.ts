/**
 * The sans-I/O connection core (RFC 9113): one `Connection` per HTTP/2
 * connection, bytes and commands in, events and bytes out, with every
 * SECURITY.md bound that concerns it.
 * @packageDocumentation
 */
export { Connection } from './connection';
export type { ConnectionCounters, ConnectionState, GoawayInfo } from './connection';
export type { CoreStream } from './core-stream';
export { WRITABLE_LOW_WATER } from './core-stream';
export type { CloseInitiator, ConnectionEvents, HeadersKind } from './events';
export {
  DEFAULT_CONNECTION_WINDOW_SIZE,
  DEFAULT_LIMITS,
  continuationBudget,
  headerBlockBudget,
  resolveLimits,
} from './options';
export type { ConnectionLimits, ConnectionOptions, RequestOptions, RespondOptions, ResolvedLimits, ConnectionRole } from './options';
export { OUTPUT_BATCH_BYTES } from './outbound';
export { SettingsValues, UNLIMITED } from './settings-sync';
export { TokenBucket } from './rate-limit';
export type { StreamStateChange } from './stream-state-log';
export { FramePhase, frameGate } from './frame-gate';
