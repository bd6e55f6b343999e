/**
 * Frames the core queues for `takeOutput()`: any frame through the debugging
 * tap, RST_STREAM, WINDOW_UPDATE (and the connection-window refund), and
 * header blocks, HPACK-encoded when queued.
 * @packageDocumentation
 */
import type { Frame } from '../frames/frame';
import { FrameType } from '../frames/frame-type';
import { splitHeaderBlock } from '../frames/header-block';
import { paddingFor } from '../frames/padding';
import type { PrioritySpec } from '../frames/priority';
import type { RstStreamFrame } from '../frames/rst-stream';
import type { WindowUpdateFrame } from '../frames/window-update';
import type { ConnectionContext } from './connection-context';

/** An empty payload (END_STREAM without data, GOAWAY without debug data). */
export const EMPTY = new Uint8Array(0);

/** Queues `frame`, showing it to `events.frame` first. */
export function emit(c: ConnectionContext, frame: Frame): void {
  const tap = c.events.frame;
  if (tap !== undefined) tap.call(c.events, frame, 'out');
  c.out.push(frame);
}

/** RST_STREAM(`code`) on stream `id`. */
export function rstStreamFrame(id: number, code: number): RstStreamFrame {
  return { type: FrameType.RST_STREAM, streamId: id, errorCode: code };
}

/** WINDOW_UPDATE of `increment` on stream `id` (0: the connection). */
export function windowUpdateFrame(id: number, increment: number): WindowUpdateFrame {
  return { type: FrameType.WINDOW_UPDATE, streamId: id, increment };
}

/** Queues RST_STREAM(`code`) on stream `id`, sent on our own account (a frame in answer to the peer goes through `emitControl`). */
export function emitRst(c: ConnectionContext, id: number, code: number): void {
  emit(c, rstStreamFrame(id, code));
}

/** Queues a WINDOW_UPDATE sent on our own account (the consumer read, or our settings changed). */
export function emitWindowUpdate(c: ConnectionContext, id: number, increment: number): void {
  emit(c, windowUpdateFrame(id, increment));
}

/** Gives `n` octets nobody will read back to the connection receive window, with a WINDOW_UPDATE once enough is owed. */
export function refundConnection(c: ConnectionContext, n: number): void {
  const inc = c.connRecv.refund(n);
  if (inc > 0) emitWindowUpdate(c, 0, inc);
}

/** Queues HEADERS (+ CONTINUATION) for `fields` on stream `id`, padded by the padding strategy. */
export function emitHeaders(
  c: ConnectionContext,
  id: number,
  fields: ReadonlyArray<readonly [string, string]>,
  endStream: boolean,
  priority: PrioritySpec | undefined,
  sensitive: ReadonlySet<string> | undefined,
): void {
  // HPACK state advances in encoding order, so blocks are encoded exactly when queued.
  const block = c.hpackOut.encode(fields, sensitive);
  const maxFrame = c.remote.maxFrameSize;
  let padding: number | undefined;
  if (c.paddingStrategy !== 0) {
    const payload = block.length + (priority !== undefined ? 5 : 0);
    if (payload < maxFrame) padding = paddingFor(c.paddingStrategy, payload, maxFrame);
  }
  const frames = splitHeaderBlock(id, block, { endStream, priority, padding }, maxFrame);
  for (let i = 0; i < frames.length; i++) emit(c, frames[i]!);
}
