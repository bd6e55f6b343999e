import type { CoreStream, ConnectionEvents, CloseInitiator, HeadersKind } from '../protocol/connection';
import type { Frame, UnknownFrame } from '../protocol/frames';
import type { H2Error } from '../protocol/h2-error';

/**
 * Everything the connection core reports, as one discriminated union so that
 * a session's events flow through a single Observable (one Subject per
 * session, never one per frame or per stream event).
 */
export type SessionEvent =
  | { type: 'headers'; stream: CoreStream; fields: Array<[string, string]>; kind: HeadersKind; endStream: boolean; neverIndexed: string[] | undefined }
  | { type: 'data'; stream: CoreStream; data: Uint8Array; endStream: boolean }
  | { type: 'streamStarted'; stream: CoreStream }
  | { type: 'streamWritable'; stream: CoreStream }
  | { type: 'streamClosed'; stream: CoreStream; code: number; initiator: CloseInitiator }
  | { type: 'push'; stream: CoreStream; parent: CoreStream; fields: Array<[string, string]> }
  | { type: 'remoteSettings'; entries: Array<[number, number]> }
  | { type: 'localSettingsAcked'; entries: Array<[number, number]> }
  | { type: 'ping'; payload: Uint8Array }
  | { type: 'pingAck'; payload: Uint8Array; rtt: number }
  | { type: 'goaway'; lastStreamId: number; code: number; debugData: Uint8Array; initiator: 'local' | 'remote' }
  | { type: 'altsvc'; streamId: number; origin: string; value: string }
  | { type: 'origin'; origins: string[] }
  | { type: 'unknownFrame'; frame: UnknownFrame }
  | { type: 'error'; error: H2Error };

/** The subset of {@link SessionEvent}s that concern one stream. */
export type StreamEvent = Extract<SessionEvent, { stream: CoreStream }>;

/**
 * Adapts the core's callbacks to a single `emit` function. The frames tap is
 * only installed when `onFrame` is given, so it costs nothing otherwise.
 */
export function connectionEventsTo(
  emit: (event: SessionEvent) => void,
  onFrame?: (frame: Frame, direction: 'in' | 'out') => void,
): ConnectionEvents {
  const events: ConnectionEvents = {
    streamHeaders: (stream, fields, kind, endStream, neverIndexed) =>
      emit({ type: 'headers', stream, fields, kind, endStream, neverIndexed }),
    streamData: (stream, data, endStream) => emit({ type: 'data', stream, data, endStream }),
    streamStarted: (stream) => emit({ type: 'streamStarted', stream }),
    streamWritable: (stream) => emit({ type: 'streamWritable', stream }),
    streamClosed: (stream, code, initiator) => emit({ type: 'streamClosed', stream, code, initiator }),
    pushPromise: (parent, stream, fields) => emit({ type: 'push', stream, parent, fields }),
    remoteSettings: (entries) => emit({ type: 'remoteSettings', entries }),
    localSettingsAcked: (entries) => emit({ type: 'localSettingsAcked', entries }),
    ping: (payload) => emit({ type: 'ping', payload }),
    pingAck: (payload, rtt) => emit({ type: 'pingAck', payload, rtt }),
    goaway: (lastStreamId, code, debugData, initiator) => emit({ type: 'goaway', lastStreamId, code, debugData, initiator }),
    altsvc: (streamId, origin, value) => emit({ type: 'altsvc', streamId, origin, value }),
    origin: (origins) => emit({ type: 'origin', origins }),
    unknownFrame: (frame) => emit({ type: 'unknownFrame', frame }),
    error: (error) => emit({ type: 'error', error }),
  };
  if (onFrame !== undefined) events.frame = onFrame;
  return events;
}
