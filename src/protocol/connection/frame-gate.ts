/**
 * Which frame types the connection accepts in each connection phase, as a
 * table (DESIGN principle 2): the first-frame rule of §3.4 and the
 * no-interleaving rule of §4.3 / §6.10.
 * @packageDocumentation
 */
import { FrameType } from '../frames';

/**
 * Connection phases that restrict which frames may arrive.
 * - `AWAITING_SETTINGS`: the peer's first frame must be its SETTINGS (§3.4).
 * - `OPEN`: anything goes, except a CONTINUATION out of nowhere (§6.10).
 * - `IN_HEADER_BLOCK`: only CONTINUATION may follow until END_HEADERS (§4.3);
 *   that it is on the right stream is checked by the core.
 */
export const FramePhase = {
  AWAITING_SETTINGS: 0,
  OPEN: 1,
  IN_HEADER_BLOCK: 2,
} as const;

/** One of {@link FramePhase}'s values. */
export type FramePhase = (typeof FramePhase)[keyof typeof FramePhase];

/** Column of frames whose type the codec does not know (extension frames, §5.5). */
export const UNKNOWN_FRAME_COLUMN = 13;
const COLUMNS = 14;

/** A cell: `undefined` = accept; a string = the RFC rule broken (connection PROTOCOL_ERROR). */
export type GateCell = string | undefined;

const FIRST_SETTINGS =
  '§3.4: the server connection preface consists of a SETTINGS frame that MUST be the first frame the server sends, and the client preface is followed by a SETTINGS frame; anything else first is a connection error of type PROTOCOL_ERROR';
const INTERLEAVED =
  '§4.3: field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved frames of any other type or from any other stream; §6.10: a receiver MUST treat the receipt of any other type of frame as a connection error of type PROTOCOL_ERROR';
const ORPHAN_CONTINUATION =
  '§6.10: a CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without the END_HEADERS flag set; otherwise a connection error of type PROTOCOL_ERROR';

function row(accept: (column: number) => boolean, rule: string): readonly GateCell[] {
  const cells: GateCell[] = [];
  for (let c = 0; c < COLUMNS; c++) cells.push(accept(c) ? undefined : rule);
  return Object.freeze(cells);
}

const TABLE: readonly (readonly GateCell[])[] = Object.freeze([
  row((c) => c === FrameType.SETTINGS, FIRST_SETTINGS),
  row((c) => c !== FrameType.CONTINUATION, ORPHAN_CONTINUATION),
  row((c) => c === FrameType.CONTINUATION, INTERLEAVED),
]);

/**
 * The gate cell for a frame of `type` (`unknown`: an extension frame) in
 * `phase`. O(1), no allocation.
 */
export function frameGate(phase: FramePhase, type: number, unknown: boolean): GateCell {
  return TABLE[phase]![unknown || type >= UNKNOWN_FRAME_COLUMN ? UNKNOWN_FRAME_COLUMN : type];
}
