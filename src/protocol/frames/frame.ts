import type { AltsvcFrame } from './altsvc';
import type { ContinuationFrame } from './continuation';
import type { DataFrame } from './data';
import type { GoawayFrame } from './goaway';
import type { HeadersFrame } from './headers';
import type { OriginFrame } from './origin';
import type { PingFrame } from './ping';
import type { PriorityFrame } from './priority';
import type { PushPromiseFrame } from './push-promise';
import type { RstStreamFrame } from './rst-stream';
import type { SettingsFrame } from './settings';
import type { UnknownFrame } from './unknown';
import type { WindowUpdateFrame } from './window-update';

/** Every frame type this codec understands, discriminated by its literal `type`. */
export type KnownFrame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | AltsvcFrame
  | OriginFrame;

/**
 * Any HTTP/2 frame. Narrow with `frame.unknown` first (see {@link UnknownFrame}),
 * then `switch (frame.type)`:
 *
 * ```ts
 * if (frame.unknown) return; // §5.5: ignore
 * switch (frame.type) { case FrameType.DATA: frame.data; … }
 * ```
 */
export type Frame = KnownFrame | UnknownFrame;

/** Type guard for {@link UnknownFrame}. */
export function isUnknownFrame(frame: Frame): frame is UnknownFrame {
  return frame.unknown === true;
}
