/**
 * Default smallest window-limited DATA frame: 1024 bytes (SECURITY #10, data
 * dribble, CVE-2019-9511). The 9-byte frame header is then under 1% of the
 * frame, and a peer handing out +1 WINDOW_UPDATEs gets at most one DATA frame
 * per 1024 bytes of credit instead of one per update.
 */
export const DEFAULT_MIN_DATA_FRAME = 1024;

/**
 * The floor below which a DATA frame limited by the *stream* window is held
 * back: `min(minDataFrame, maxFrameSize, ⌊peerInitialWindowSize / 2⌋)`, at
 * least 1.
 *
 * Why capped by half the peer's SETTINGS_INITIAL_WINDOW_SIZE: a peer that
 * credits only what it consumed gives a stream back at most its initial
 * window, and receivers batch WINDOW_UPDATEs until about half the window is
 * owed (nghttp2, hyperium and {@link RecvWindow} use 1/2). Once the receiver
 * has consumed everything, the sender may therefore be left with anything
 * above W − ⌈W/2⌉ of credit and no update coming; a floor above ⌊W/2⌋ would
 * then wait forever (deadlock). A peer that advertises a tiny initial window
 * (e.g. 1) therefore does get tiny frames, one per credit it sends: work
 * stays proportional to its own frames and to bytes, with no amplification.
 * The core recomputes the floor when the peer's SETTINGS_INITIAL_WINDOW_SIZE
 * or SETTINGS_MAX_FRAME_SIZE changes.
 */
export function dataFrameFloor(
  peerInitialWindowSize: number,
  maxFrameSize: number,
  minDataFrame: number = DEFAULT_MIN_DATA_FRAME,
): number {
  let floor = minDataFrame;
  if (maxFrameSize < floor) floor = maxFrameSize;
  const half = Math.floor(peerInitialWindowSize / 2);
  if (half < floor) floor = half;
  return floor > 1 ? floor : 1;
}

/**
 * How many bytes of a stream's queued data may go in the next DATA frame,
 * 0 if none (RFC 9113 §5.2, §6.9: never more than either window; §4.2: never
 * more than the peer's SETTINGS_MAX_FRAME_SIZE). Windows ≤ 0 (possible after a
 * SETTINGS decrease, §6.9.2) allow nothing. Pure, no allocation.
 *
 * Floor rule (SECURITY #10): when the *stream* window is what limits the
 * frame below `floor` (see {@link dataFrameFloor}), nothing is sent until the
 * window has grown to the floor, unless the frame carries everything queued
 * (the end of the stream or of what the application has written so far —
 * waiting could not make it bigger). A frame limited by the *connection*
 * window is sent even if small: the connection window is shared, and the peer
 * may be waiting for the end of this stream before it reads the others that
 * fill it, so holding back could deadlock; a +1 dribble on the connection
 * window buys one frame per update frame, no amplification.
 *
 * Zero-length DATA (e.g. a bare END_STREAM) is not flow-controlled (§6.9.1)
 * and not this function's concern: with `queued === 0` it returns 0.
 *
 * @param queued bytes queued on the stream.
 * @param streamWindow the stream's send window ({@link SendWindow.available}).
 * @param connectionWindow the connection's send window.
 * @param maxFrameSize the peer's SETTINGS_MAX_FRAME_SIZE.
 * @param floor from {@link dataFrameFloor}.
 */
export function nextDataFrameSize(
  queued: number,
  streamWindow: number,
  connectionWindow: number,
  maxFrameSize: number,
  floor: number,
): number {
  let n = queued;
  if (maxFrameSize < n) n = maxFrameSize;
  if (connectionWindow < n) n = connectionWindow;
  if (n <= 0) return 0;
  if (streamWindow < n) {
    if (streamWindow <= 0) return 0;
    // Stream-window-limited and smaller than everything queued.
    return streamWindow >= floor ? streamWindow : 0;
  }
  return n;
}
