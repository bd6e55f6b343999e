/**
 * SETTINGS both ways (RFC 9113 §6.5): ours sent, and applied as the most
 * permissive of the acknowledged and in-flight values (see
 * `LocalSettingsSync`); the peer's applied at once and acknowledged.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { dataFrameFloor } from '../flow/data-scheduler';
import { FrameType } from '../frames/frame-type';
import { validateSetting, type SettingsFrame } from '../frames/settings';
import { H2Error } from '../h2-error';
import { SettingId } from '../settings';
import { canReceiveData, type ConnectionContext } from './connection-context';
import { fail, userError } from './connection-errors';
import { emitControl } from './dos-accounting';
import { emit, emitWindowUpdate } from './frame-output';
import { continuationBudget, headerBlockBudget } from './options';
import { maybeStartWaiting } from './stream-lifecycle';

/** Validates and sends our SETTINGS `entries`, and applies what takes effect at once. */
export function sendSettings(c: ConnectionContext, entries: ReadonlyArray<readonly [number, number]>): void {
  const copy: Array<[number, number]> = [];
  for (const [id, value] of entries) {
    if (!(Number.isInteger(id) && id >= 0 && id <= 0xffff && Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
      throw userError(`setting [${id}, ${value}] is not a 16-bit id with a 32-bit value (RFC 9113 §6.5.1)`);
    }
    const err = validateSetting(id, value);
    if (err !== undefined) throw userError(err.message, err.code);
    copy.push([id, value]);
  }
  emit(c, { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: copy });
  c.local.send(copy, c.clock);
  refreshLocal(c);
}

/** Applies our settings as enforced now: the most permissive of acknowledged and in-flight values. */
function refreshLocal(c: ConnectionContext): void {
  const local = c.local;
  const hts = local.permissive(SettingId.HEADER_TABLE_SIZE);
  if (hts !== c.appliedHeaderTableSize) {
    c.appliedHeaderTableSize = hts;
    c.hpackIn.setMaxTableSize(hts);
  }
  const mfs = local.permissive(SettingId.MAX_FRAME_SIZE);
  if (mfs !== c.appliedMaxFrameSize) {
    c.appliedMaxFrameSize = mfs;
    c.decoder.setMaxFrameSize(mfs);
  }
  const iws = local.permissive(SettingId.INITIAL_WINDOW_SIZE);
  if (iws !== c.recvInitialWindow) {
    const delta = iws - c.recvInitialWindow;
    c.recvInitialWindow = iws;
    for (const s of c.streams.values()) {
      s.recvWindow.applyInitialWindowDelta(delta);
      // After a decrease the peer's credit may sit far below the new target with nothing left to read.
      if (delta < 0 && canReceiveData(s.state)) {
        const inc = s.recvWindow.update();
        if (inc > 0) emitWindowUpdate(c, s.id, inc);
      }
    }
  }
  c.localMaxConcurrent = local.permissive(SettingId.MAX_CONCURRENT_STREAMS);
  c.checkOptions.connectProtocolEnabled = local.permissive(SettingId.ENABLE_CONNECT_PROTOCOL) === 1;
  // MAX_HEADER_LIST_SIZE is advisory (§6.5.2): we enforce the last value we announced, else our limit.
  const listSize = local.latest(SettingId.MAX_HEADER_LIST_SIZE) ?? c.limits.maxHeaderListSize;
  if (listSize !== c.appliedHeaderListSize) {
    c.appliedHeaderListSize = listSize;
    c.hpackIn.setMaxHeaderListSize(listSize);
    if (!c.limits.explicitBlockLimits.size) c.assembly.maxBytes = headerBlockBudget(listSize);
    if (!c.limits.explicitBlockLimits.frames) c.assembly.maxContinuations = continuationBudget(listSize);
  }
}

/** Handles a SETTINGS frame: the ACK of ours, or the peer's settings (applied, then acknowledged). */
export function onSettings(c: ConnectionContext, f: SettingsFrame): void {
  if (f.ack) {
    if (!c.remoteSettingsSeen) return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'a SETTINGS ACK before the peer\'s SETTINGS (RFC 9113 §3.4)'));
    const sentAt = c.local.oldestSentAt;
    const entries = c.local.ack();
    if (entries === undefined) return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'SETTINGS ACK without SETTINGS awaiting acknowledgement (RFC 9113 §6.5.3)'));
    // A first RTT estimate (the peer answers SETTINGS at once, §6.5.3), until a PING gives a better one.
    if (!c.rttFromPing && sentAt !== undefined) c.setRtt(c.clock - sentAt);
    refreshLocal(c);
    c.events.localSettingsAcked(entries);
    return;
  }
  const entries = f.settings;
  if (entries.length > c.limits.maxSettings) {
    return fail(c, H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `SETTINGS frame with ${entries.length} entries, more than ${c.limits.maxSettings} (SECURITY #2)`, 'maxSettings'));
  }
  c.remoteSettingsSeen = true;
  const remote = c.remote;
  const oldInitial = remote.initialWindowSize;
  for (let i = 0; i < entries.length; i++) {
    const [id, value] = entries[i]!;
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        c.hpackOut.setMaxTableSize(value);
        break;
      case SettingId.ENABLE_PUSH:
        if (c.role === 'client' && value === 1) {
          return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'a server sent SETTINGS_ENABLE_PUSH = 1 (RFC 9113 §6.5.2)'));
        }
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        c.peerMaxConcurrent = value;
        break;
      case SettingId.INITIAL_WINDOW_SIZE: {
        // §6.9.2: adjust every stream's send window by the difference; it may go negative.
        const delta = value - remote.initialWindowSize;
        if (delta !== 0) {
          for (const s of c.streams.values()) {
            const e = s.sendWindow.applyInitialWindowDelta(delta);
            if (e !== undefined) return fail(c, e);
          }
        }
        break;
      }
    }
    remote.set(id, value);
  }
  c.floor = dataFrameFloor(remote.initialWindowSize, remote.maxFrameSize, c.limits.minDataFrame);
  if (remote.initialWindowSize > oldInitial) {
    for (const s of c.streams.values()) if (s.queuedBytes > 0 && s.headersSent) c.ready.push(s);
  }
  if (!emitControl(c, { type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] })) return;
  maybeStartWaiting(c);
  c.events.remoteSettings(entries);
}
