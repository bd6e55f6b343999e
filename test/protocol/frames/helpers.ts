import { FrameDecoder, type FrameDecoderOptions, type Frame, type FrameSink } from '../../../src/protocol/frames';
import type { H2Error } from '../../../src/protocol/h2-error';

/** Bytes from a hex string; spaces are ignored. */
export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

/** Hex of bytes (or of several chunks, concatenated). */
export function toHex(bytes: Uint8Array | Uint8Array[]): string {
  return Array.isArray(bytes) ? Buffer.concat(bytes).toString('hex') : Buffer.from(bytes).toString('hex');
}

/** Hex of a latin1 string, for readable vectors. */
export function ascii(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

/** A frame with byte arrays turned into hex and `undefined` keys dropped, for deep equality. */
export function normalize(frame: Frame): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frame)) {
    if (v === undefined) continue;
    out[k] = v instanceof Uint8Array ? toHex(v) : v;
  }
  return out;
}

/** A sink that records everything, in order. */
export class CollectingSink implements FrameSink {
  readonly frames: Frame[] = [];
  readonly errors: H2Error[] = [];
  readonly events: Array<{ frame: Frame } | { error: H2Error }> = [];
  /** The `flowControlled` octets reported with each error (undefined when none). */
  readonly flowControlled: Array<number | undefined> = [];
  frame(frame: Frame): void {
    this.frames.push(frame);
    this.events.push({ frame });
  }
  error(error: H2Error, flowControlled?: number): void {
    this.errors.push(error);
    this.flowControlled.push(flowControlled);
    this.events.push({ error });
  }
}

/** Decodes `chunks` with a fresh decoder. */
export function decodeChunks(chunks: Uint8Array[], options?: FrameDecoderOptions): CollectingSink & { decoder: FrameDecoder } {
  const decoder = new FrameDecoder(options);
  const sink = new CollectingSink();
  for (const chunk of chunks) decoder.write(chunk, sink);
  return Object.assign(sink, { decoder });
}

/** Decodes one hex string in one chunk. */
export function decodeHex(hex: string, options?: FrameDecoderOptions): CollectingSink & { decoder: FrameDecoder } {
  return decodeChunks([fromHex(hex)], options);
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  chunks.push(bytes.subarray(prev));
  return chunks;
}

/** One-byte chunks. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
  return chunks;
}
