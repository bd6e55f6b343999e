/**
 * The core's timeouts, on the input clock (the core has no timers): the
 * client preface and first SETTINGS (SECURITY #18), the SETTINGS ACK
 * (§6.5.3) and the header phase (SECURITY #7).
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import type { ConnectionContext } from './connection-context';
import { fail } from './connection-errors';

/** Fails the connection if a timeout has passed at `c.clock`. */
export function checkTimers(c: ConnectionContext): void {
  const now = c.clock;
  const limits = c.limits;
  if (!c.remoteSettingsSeen) {
    if (c.role === 'server' && (c.decoder.awaitingPreface || Number.isNaN(c.prefaceDoneAt))) {
      if (now - c.createdAt >= limits.prefaceTimeout) {
        return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, `no client connection preface within ${limits.prefaceTimeout} ms (SECURITY #18)`, 'prefaceTimeout'));
      }
    } else if (c.role === 'server') {
      if (now - c.prefaceDoneAt >= limits.firstSettingsTimeout) {
        return fail(c, H2Error.connection(ErrorCode.SETTINGS_TIMEOUT, `no SETTINGS within ${limits.firstSettingsTimeout} ms of the preface (SECURITY #18)`, 'firstSettingsTimeout'));
      }
    } else if (now - c.createdAt >= limits.prefaceTimeout) {
      return fail(c, H2Error.connection(ErrorCode.SETTINGS_TIMEOUT, `no server SETTINGS within ${limits.prefaceTimeout} ms (SECURITY #18)`, 'prefaceTimeout'));
    }
  }
  const sentAt = c.local.oldestSentAt;
  if (sentAt !== undefined && now - sentAt >= limits.settingsTimeout) {
    return fail(c, H2Error.connection(ErrorCode.SETTINGS_TIMEOUT, `SETTINGS not acknowledged within ${limits.settingsTimeout} ms (RFC 9113 §6.5.3)`, 'settingsTimeout'));
  }
  if (c.assembly.active && now - c.assembly.startedAt >= limits.headerPhaseTimeout) {
    return fail(c, H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `header block on stream ${c.assembly.streamId} not finished within ${limits.headerPhaseTimeout} ms (SECURITY #7)`, 'headerPhaseTimeout'));
  }
}

/** The earliest of the timeouts {@link checkTimers} checks, or `undefined`. */
export function nextDeadline(c: ConnectionContext): number | undefined {
  if (c.dead) return undefined;
  let d = Infinity;
  const limits = c.limits;
  if (!c.remoteSettingsSeen) {
    if (c.role === 'client' || c.decoder.awaitingPreface || Number.isNaN(c.prefaceDoneAt)) {
      d = c.createdAt + limits.prefaceTimeout;
    } else {
      d = c.prefaceDoneAt + limits.firstSettingsTimeout;
    }
  }
  const sentAt = c.local.oldestSentAt;
  if (sentAt !== undefined && sentAt + limits.settingsTimeout < d) d = sentAt + limits.settingsTimeout;
  if (c.assembly.active && c.assembly.startedAt + limits.headerPhaseTimeout < d) d = c.assembly.startedAt + limits.headerPhaseTimeout;
  return d === Infinity ? undefined : d;
}
