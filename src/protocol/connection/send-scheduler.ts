/**
 * The DATA scheduler: frames queued writes in `takeOutput()`, round-robin
 * over the streams ready to send, as the flow-control windows allow. The
 * send half of the hot path: a stream that sends alone gets a run of full
 * frames framed in one go.
 * @packageDocumentation
 */
import { nextDataFrameSize } from '../flow/data-scheduler';
import { dataPayloadLength } from '../frames/data';
import { FRAME_HEADER_LENGTH, FrameType } from '../frames/frame-type';
import { paddingFor } from '../frames/padding';
import { isClosed, StreamInput, transition } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { WRITABLE_LOW_WATER, type StreamRecord } from './core-stream';
import { emit } from './frame-output';
import { emitEnd, finish } from './stream-lifecycle';

/**
 * Frames queued DATA: round-robin over ready streams, one frame per turn,
 * each as large as `nextDataFrameSize` allows (both windows, the peer's
 * frame size, the floor of SECURITY #10), until the connection window or
 * the batch is exhausted.
 */
export function scheduleData(c: ConnectionContext, limit: number): void {
  const ready = c.ready;
  const maxFrame = c.remote.maxFrameSize;
  const strategy = c.paddingStrategy;
  while (c.out.bytes < limit && !c.dead) {
    const s = ready.shift();
    if (s === null) return;
    if (s.closeReported || s.queuedBytes === 0) continue;
    const cw = c.connSend.available;
    if (cw <= 0) {
      ready.unshift(s);
      return;
    }
    const sw = s.sendWindow.available;
    const n = nextDataFrameSize(s.queuedBytes, sw, cw, maxFrame, c.floor);
    if (n === 0) continue; // held by its own window; a WINDOW_UPDATE re-queues it
    if (n === maxFrame && strategy === 0 && ready.empty && c.events.frame === undefined && frameRun(c, s, maxFrame, sw, cw, limit)) continue;
    let padding: number | undefined;
    if (strategy !== 0) {
      let room = maxFrame < sw ? maxFrame : sw;
      if (cw < room) room = cw;
      padding = paddingFor(strategy, n, room);
    }
    const data = s.take(n);
    c.totalQueued -= n;
    const last = s.queuedBytes === 0 && s.ended && s.trailerFields === undefined;
    // The frame object exists only for the debugging tap: one DATA frame per 16 KiB is the hot path.
    const tap = c.events.frame;
    if (tap === undefined) c.out.pushData(s.id, data, last, padding);
    else emit(c, { type: FrameType.DATA, streamId: s.id, data, endStream: last, padding });
    const charged = dataPayloadLength(n, padding);
    s.sendWindow.consume(charged);
    c.connSend.consume(charged);
    if (last) {
      s.endSent = true;
      c.setState(s, transition(c.roleNum, s.state, StreamInput.SEND_DATA_END_STREAM).next);
    } else if (s.queuedBytes === 0 && s.ended) {
      emitEnd(c, s);
    }
    if (isClosed(s.state)) {
      finish(c, s, 0, 'none');
      continue;
    }
    if (s.queuedBytes > 0) ready.push(s);
    if (s.needWritable && s.queuedBytes < WRITABLE_LOW_WATER) {
      s.needWritable = false;
      c.events.streamWritable?.(s);
    }
  }
}

/**
 * Frames a run of full, unpadded DATA frames for `s`, the only stream ready
 * to send: round-robin would pick it again at every turn, so the run is
 * framed in one go, with one window charge and no queue traffic per frame
 * (the scheduler's cost per 16 KiB frame is most of the core's CPU in a
 * large response). The run stops a frame short of what is queued, so that
 * the last frame (END_STREAM, the state change) takes the general path.
 * Returns false, having done nothing, when fewer than two frames fit.
 */
function frameRun(c: ConnectionContext, s: StreamRecord, maxFrame: number, sw: number, cw: number, limit: number): boolean {
  let frames = Math.floor((s.queuedBytes - 1) / maxFrame);
  const windowFrames = Math.floor((sw < cw ? sw : cw) / maxFrame);
  if (windowFrames < frames) frames = windowFrames;
  const roomFrames = Math.ceil((limit - c.out.bytes) / (maxFrame + FRAME_HEADER_LENGTH));
  if (roomFrames < frames) frames = roomFrames;
  if (frames < 2) return false;
  c.out.pushDataRun(s, frames, maxFrame);
  const charged = frames * maxFrame;
  c.totalQueued -= charged;
  s.sendWindow.consume(charged);
  c.connSend.consume(charged);
  c.ready.push(s);
  if (s.needWritable && s.queuedBytes < WRITABLE_LOW_WATER) {
    s.needWritable = false;
    c.events.streamWritable?.(s);
  }
  return true;
}
