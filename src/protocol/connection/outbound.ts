/**
 * The outbound side of the core: frames encoded into a chunk list handed over
 * once per `takeOutput()`, and the queue of streams with DATA to schedule.
 * @packageDocumentation
 */
import { encodeDataFrameInto, encodeFrameInto, FRAME_HEADER_LENGTH, FrameType, writeFrameHeader, type Frame } from '../frames';
import type { StreamRecord } from './core-stream';

/**
 * Most octets of DATA framed per `takeOutput()` call unless the caller says
 * otherwise (1 MiB). DATA is framed lazily, when the layer above asks for
 * output, so that streams share the connection window round-robin; this cap
 * keeps one call from framing a window of 2^31 octets at once. While more
 * could be sent, `Connection.wantsWrite` stays true.
 */
export const OUTPUT_BATCH_BYTES = 1 << 20;

/**
 * Encoded frames waiting for `takeOutput()`, in order. DATA payloads are
 * referenced, not copied (`encodeFrameInto`); control frames are small
 * buffers. Counts frames queued in answer to the peer, for
 * `maxOutboundControlFrames` (SECURITY #1–#3).
 */
export class OutputBuffer {
  private chunks: Uint8Array[] = [];
  /** Octets waiting. */
  bytes = 0;
  /** Frames waiting (Node's `outboundQueueSize`). */
  frames = 0;
  /** Frames waiting that were queued in answer to the peer. */
  control = 0;

  /** Encodes `frame` at the end. */
  push(frame: Frame): void {
    this.bytes += encodeFrameInto(frame, this.chunks);
    this.frames++;
  }

  /** The header of the last full-run DATA frame (unpadded, not ending its stream, not empty), and what it says. */
  private lastDataHead: Uint8Array | undefined = undefined;
  private lastDataStream = 0;
  private lastDataLength = -1;

  /**
   * Encodes a DATA frame given by its fields at the end (no frame object: the
   * scheduler's path). A large body goes out as a run of full frames whose
   * 9-octet headers are identical (same stream, length and flags): they share
   * one header buffer, which the vectored write reads as often as needed.
   */
  pushData(streamId: number, data: Uint8Array, endStream: boolean, padding: number | undefined): void {
    if (padding === undefined && !endStream && data.length > 0) {
      this.chunks.push(this.runHeader(streamId, data.length), data);
      this.bytes += FRAME_HEADER_LENGTH + data.length;
    } else {
      this.bytes += encodeDataFrameInto(streamId, data, endStream, padding, this.chunks);
    }
    this.frames++;
  }

  /**
   * Encodes a run of `frames` full DATA frames of `size` octets for `s`, none
   * of them ending the stream (the scheduler's run path, `frameRun`): the
   * payloads are taken from the stream's queue, and all frames share one
   * header buffer, as in {@link pushData}.
   */
  pushDataRun(s: StreamRecord, frames: number, size: number): void {
    s.takeFrames(frames, size, this.runHeader(s.id, size), this.chunks);
    this.bytes += frames * (FRAME_HEADER_LENGTH + size);
    this.frames += frames;
  }

  /**
   * The header of an unpadded DATA frame of `length` octets on `streamId`
   * that does not end the stream: the last one made when it says the same
   * (it is never written to after, so a run may continue in the next batch).
   */
  private runHeader(streamId: number, length: number): Uint8Array {
    if (this.lastDataHead === undefined || streamId !== this.lastDataStream || length !== this.lastDataLength) {
      const head = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
      writeFrameHeader(head, 0, length, FrameType.DATA, 0, streamId);
      this.lastDataHead = head;
      this.lastDataStream = streamId;
      this.lastDataLength = length;
    }
    return this.lastDataHead;
  }

  /** Appends raw bytes (the client connection preface). */
  pushRaw(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.bytes += bytes.length;
  }

  /** Everything waiting, oldest first, or `undefined` if nothing; empties the buffer. */
  take(): Uint8Array[] | undefined {
    if (this.chunks.length === 0) return undefined;
    const out = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    this.frames = 0;
    this.control = 0;
    return out;
  }
}

/**
 * FIFO of streams with DATA queued and a send window to use it, linked
 * through `StreamRecord.nextReady` (no allocation). The scheduler pops a
 * stream, frames one DATA frame for it and pushes it back at the tail while it
 * still can send: round-robin across streams, one frame per turn.
 */
export class ReadyQueue {
  private head: StreamRecord | null = null;
  private tail: StreamRecord | null = null;

  /** Whether no stream is queued. */
  get empty(): boolean {
    return this.head === null;
  }

  /** Appends `s` unless it is already queued. */
  push(s: StreamRecord): void {
    if (s.inQueue) return;
    s.inQueue = true;
    s.nextReady = null;
    if (this.tail === null) this.head = s;
    else this.tail.nextReady = s;
    this.tail = s;
  }

  /** Puts `s` back at the front (it could not send for lack of connection window). */
  unshift(s: StreamRecord): void {
    s.inQueue = true;
    s.nextReady = this.head;
    this.head = s;
    if (this.tail === null) this.tail = s;
  }

  /** Removes and returns the first stream, or `null`. */
  shift(): StreamRecord | null {
    const s = this.head;
    if (s === null) return null;
    this.head = s.nextReady;
    if (this.head === null) this.tail = null;
    s.nextReady = null;
    s.inQueue = false;
    return s;
  }
}
