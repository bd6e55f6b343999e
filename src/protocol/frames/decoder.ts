import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { altsvcCodec } from './altsvc';
import { EMPTY_BYTES, readU31 } from './codec';
import { continuationCodec } from './continuation';
import { dataCodec } from './data';
import type { Frame } from './frame';
import { CLIENT_PREFACE, FRAME_HEADER_LENGTH, FrameType, MAX_MAX_FRAME_SIZE, MIN_MAX_FRAME_SIZE } from './frame-type';
import { goawayCodec } from './goaway';
import { headersCodec } from './headers';
import { originCodec } from './origin';
import { pingCodec } from './ping';
import { priorityCodec, selfDependencyError } from './priority';
import { pushPromiseCodec } from './push-promise';
import { rstStreamCodec } from './rst-stream';
import { settingsCodec } from './settings';
import { decodeUnknownFrame } from './unknown';
import { windowUpdateCodec } from './window-update';

/**
 * Receives what a {@link FrameDecoder} finds. Called synchronously from
 * `write`; must not call `write` on the same decoder (it may call
 * `setMaxFrameSize`, which applies from the next frame header on).
 */
export interface FrameSink {
  /** A well-formed frame. */
  frame(frame: Frame): void;
  /**
   * A violation of RFC 9113 found in the bytes. `scope: 'connection'` means the
   * decoder is now dead (answer with GOAWAY); `'stream'` means the offending
   * frame was dropped and decoding goes on (answer with RST_STREAM).
   * `flowControlled`: the length of a dropped DATA frame, which still counts
   * against the connection's flow-control window (RFC 9113 §6.9).
   */
  error(error: H2Error, flowControlled?: number): void;
}

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * Our SETTINGS_MAX_FRAME_SIZE in force (RFC 9113 §4.2, §6.5.2); frames above
   * it are rejected. Default 16384, the initial value.
   */
  maxFrameSize?: number;
  /** Server side: require the 24-octet client connection preface (§3.4) before the first frame. */
  expectPreface?: boolean;
}

const ST_PREFACE: number = 0;
const ST_HEADER: number = 1;
const ST_PAYLOAD: number = 2;
const ST_SKIP: number = 3;
const ST_DEAD: number = 4;

/** How many received octets a preface error quotes, to recognize an HTTP/1.x request line. */
const PREFACE_SAMPLE_LENGTH = 64;

/**
 * The incremental, resumable frame decoder (RFC 9113 §4, §6): bytes in, typed
 * frames and errors out, with no connection state.
 *
 * - Chunks may be split anywhere; work is linear in the bytes received and no
 *   byte is parsed twice.
 * - Zero-copy fast path: when a frame's payload lies whole inside one chunk,
 *   its byte fields (`data`, `headerBlock`, `payload`, `debugData`) are
 *   `subarray` views of that chunk. This is safe for socket chunks, which Node
 *   never reuses; a caller that feeds a buffer it later overwrites must copy
 *   what it keeps. Only a frame split across chunks is copied, into a buffer
 *   of exactly that frame's length (at most `maxFrameSize`, the one bound on
 *   what the decoder holds).
 * - Header-only rules are checked as soon as the 9-octet header is in, so a
 *   frame that is rejected or ignored is skipped without being buffered —
 *   including an oversize frame that is only a stream error (§4.2).
 * - A connection error is reported once; the decoder is then dead and ignores
 *   all further input. A stream error drops that frame only.
 * - A HEADERS frame whose priority depends on its own stream (§5.3.1) is
 *   reported as a stream error *and then still delivered*: its field block
 *   must reach HPACK to keep the compression context in sync (§4.3), so the
 *   core should treat that stream as opened and immediately reset.
 * - If a sink method throws, the exception propagates and the decoder is dead.
 *
 * What needs connection state — stream states, CONTINUATION sequencing, "the
 * first frame is SETTINGS", role-specific rules such as ENABLE_PUSH=1 from a
 * server or ALTSVC/ORIGIN received by a server — is left to the core.
 */
export class FrameDecoder {
  private limit: number;
  private state: number;
  private prefaceMatched = 0;
  private readonly header = new Uint8Array(FRAME_HEADER_LENGTH);
  private headerFill = 0;
  private length = 0;
  private type = 0;
  private flags = 0;
  private streamId = 0;
  private acc: Uint8Array | null = null;
  private accFill = 0;
  private skipLeft = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.limit = MIN_MAX_FRAME_SIZE;
    if (options.maxFrameSize !== undefined) this.setMaxFrameSize(options.maxFrameSize);
    this.state = options.expectPreface === true ? ST_PREFACE : ST_HEADER;
  }

  /** The largest frame payload currently accepted. */
  get maxFrameSize(): number {
    return this.limit;
  }

  /**
   * Changes the largest accepted payload; call it when the peer acknowledges
   * our SETTINGS_MAX_FRAME_SIZE (§6.5.3: settings take effect on ACK). Applies
   * from the next frame header on. Throws `RangeError` outside [2^14, 2^24-1].
   */
  setMaxFrameSize(n: number): void {
    if (!(Number.isInteger(n) && n >= MIN_MAX_FRAME_SIZE && n <= MAX_MAX_FRAME_SIZE)) {
      throw new RangeError(`max frame size must be an integer in [${MIN_MAX_FRAME_SIZE}, ${MAX_MAX_FRAME_SIZE}], got ${n}`);
    }
    this.limit = n;
  }

  /**
   * True while the client connection preface (§3.4) is still expected, i.e.
   * `expectPreface` was set and not all 24 octets have arrived. The connection
   * core uses it to run separate timeouts for the preface and for the first
   * SETTINGS frame (SECURITY #18).
   */
  get awaitingPreface(): boolean {
    return this.state === ST_PREFACE;
  }

  /** True once a connection error was reported (or a sink threw): input is ignored from then on. */
  get dead(): boolean {
    return this.state === ST_DEAD;
  }

  /**
   * True when every octet received so far belongs to a complete frame (or a
   * completed preface): the byte stream may end here without losing part of
   * a frame. False inside the preface, a frame header, a payload or a skipped
   * frame.
   */
  get atFrameBoundary(): boolean {
    return this.state === ST_DEAD || (this.state === ST_HEADER && this.headerFill === 0);
  }

  /** Octets currently held across `write` calls (partial header + partial frame), for memory accounting. */
  get bufferedBytes(): number {
    return this.headerFill + (this.acc === null ? 0 : this.acc.length);
  }

  /** Feeds the next chunk of the byte stream; results go to `sink` before this returns. */
  write(chunk: Uint8Array, sink: FrameSink): void {
    if (this.state === ST_DEAD) return;
    try {
      this.run(chunk, sink);
    } catch (e) {
      this.die();
      throw e;
    }
  }

  private run(chunk: Uint8Array, sink: FrameSink): void {
    const end = chunk.length;
    let pos = 0;
    if (this.state === ST_PREFACE) {
      pos = this.matchPreface(chunk, sink);
      if (this.state !== ST_HEADER) return;
    }
    while (pos < end) {
      const state = this.state;
      if (state === ST_HEADER) {
        if (this.headerFill === 0 && end - pos >= FRAME_HEADER_LENGTH) {
          this.readHeader(chunk, pos);
          pos += FRAME_HEADER_LENGTH;
        } else {
          const header = this.header;
          let fill = this.headerFill;
          while (fill < FRAME_HEADER_LENGTH && pos < end) header[fill++] = chunk[pos++];
          if (fill < FRAME_HEADER_LENGTH) {
            this.headerFill = fill;
            return;
          }
          this.headerFill = 0;
          this.readHeader(header, 0);
        }
        this.onHeader(sink);
      } else if (state === ST_PAYLOAD) {
        const length = this.length;
        let acc = this.acc;
        if (acc === null) {
          if (end - pos >= length) {
            const start = pos;
            pos += length;
            this.state = ST_HEADER;
            this.dispatch(chunk, start, pos, sink);
            continue;
          }
          // allocUnsafe is safe: the frame is dispatched only once every octet has been copied in.
          acc = this.acc = Buffer.allocUnsafe(length);
          this.accFill = 0;
        }
        const n = Math.min(length - this.accFill, end - pos);
        acc.set(chunk.subarray(pos, pos + n), this.accFill);
        this.accFill += n;
        pos += n;
        if (this.accFill === length) {
          this.acc = null;
          this.state = ST_HEADER;
          this.dispatch(acc, 0, length, sink);
        }
      } else if (state === ST_SKIP) {
        const n = Math.min(this.skipLeft, end - pos);
        this.skipLeft -= n;
        pos += n;
        if (this.skipLeft === 0) this.state = ST_HEADER;
      } else {
        return; // dead
      }
    }
  }

  private readHeader(buf: Uint8Array, i: number): void {
    this.length = (buf[i] << 16) | (buf[i + 1] << 8) | buf[i + 2];
    this.type = buf[i + 3];
    this.flags = buf[i + 4];
    this.streamId = readU31(buf, i + 5);
  }

  /** Header-time rules; leaves the state at PAYLOAD, SKIP, HEADER (empty frame dispatched) or DEAD. */
  private onHeader(sink: FrameSink): void {
    const length = this.length;
    const type = this.type;
    const streamId = this.streamId;
    if (length > this.limit) {
      // §4.2: connection scope for frames that carry a field block, SETTINGS, or anything on stream 0.
      if (
        streamId === 0 ||
        type === FrameType.HEADERS ||
        type === FrameType.PUSH_PROMISE ||
        type === FrameType.CONTINUATION ||
        type === FrameType.SETTINGS
      ) {
        this.fail(sink, H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, oversizeMessage(type, streamId, length, this.limit), 'maxFrameSize'));
        return;
      }
      this.skip(length);
      sink.error(H2Error.stream(streamId, ErrorCode.FRAME_SIZE_ERROR, oversizeMessage(type, streamId, length, this.limit), 'maxFrameSize'), type === FrameType.DATA ? length : undefined);
      return;
    }
    const check = checkHeader(type, length, this.flags, streamId);
    if (check !== undefined) {
      if (check === null) {
        this.skip(length);
      } else if (check.scope === 'connection') {
        this.fail(sink, check);
      } else {
        this.skip(length);
        sink.error(check);
      }
      return;
    }
    if (length === 0) {
      this.state = ST_HEADER;
      this.dispatch(EMPTY_BYTES, 0, 0, sink);
    } else {
      this.state = ST_PAYLOAD;
    }
  }

  private skip(length: number): void {
    if (length === 0) {
      this.state = ST_HEADER;
    } else {
      this.state = ST_SKIP;
      this.skipLeft = length;
    }
  }

  private dispatch(buf: Uint8Array, start: number, end: number, sink: FrameSink): void {
    const flags = this.flags;
    const streamId = this.streamId;
    let result: Frame | H2Error | null;
    switch (this.type) {
      case FrameType.DATA:
        result = dataCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.HEADERS: {
        const headers = headersCodec.decodePayload(flags, streamId, buf, start, end);
        if (headers !== null && !(headers instanceof H2Error)) {
          const selfDependency = selfDependencyError(streamId, headers.priority);
          if (selfDependency !== undefined) sink.error(selfDependency);
        }
        result = headers;
        break;
      }
      case FrameType.PRIORITY:
        result = priorityCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.RST_STREAM:
        result = rstStreamCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.SETTINGS:
        result = settingsCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.PUSH_PROMISE:
        result = pushPromiseCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.PING:
        result = pingCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.GOAWAY:
        result = goawayCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.WINDOW_UPDATE:
        result = windowUpdateCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.CONTINUATION:
        result = continuationCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.ALTSVC:
        result = altsvcCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      case FrameType.ORIGIN:
        result = originCodec.decodePayload(flags, streamId, buf, start, end);
        break;
      default:
        result = decodeUnknownFrame(this.type, flags, streamId, buf, start, end);
    }
    if (result === null) return;
    if (result instanceof H2Error) {
      if (result.scope === 'connection') this.fail(sink, result);
      else sink.error(result);
      return;
    }
    sink.frame(result);
  }

  private matchPreface(chunk: Uint8Array, sink: FrameSink): number {
    const end = chunk.length;
    let i = this.prefaceMatched;
    let pos = 0;
    while (i < CLIENT_PREFACE.length && pos < end) {
      if (chunk[pos] !== CLIENT_PREFACE[i]) {
        this.fail(sink, prefaceError(i, chunk, pos));
        return end;
      }
      i++;
      pos++;
    }
    this.prefaceMatched = i;
    if (i === CLIENT_PREFACE.length) this.state = ST_HEADER;
    return pos;
  }

  private fail(sink: FrameSink, error: H2Error): void {
    this.die();
    sink.error(error);
  }

  private die(): void {
    this.state = ST_DEAD;
    this.acc = null;
    this.headerFill = 0;
  }
}

/** Dispatches to the per-type header check; unknown types have none (§5.5). */
function checkHeader(type: number, length: number, flags: number, streamId: number): H2Error | null | undefined {
  switch (type) {
    case FrameType.DATA:
      return dataCodec.checkHeader(length, flags, streamId);
    case FrameType.HEADERS:
      return headersCodec.checkHeader(length, flags, streamId);
    case FrameType.PRIORITY:
      return priorityCodec.checkHeader(length, flags, streamId);
    case FrameType.RST_STREAM:
      return rstStreamCodec.checkHeader(length, flags, streamId);
    case FrameType.SETTINGS:
      return settingsCodec.checkHeader(length, flags, streamId);
    case FrameType.PUSH_PROMISE:
      return pushPromiseCodec.checkHeader(length, flags, streamId);
    case FrameType.PING:
      return pingCodec.checkHeader(length, flags, streamId);
    case FrameType.GOAWAY:
      return goawayCodec.checkHeader(length, flags, streamId);
    case FrameType.WINDOW_UPDATE:
      return windowUpdateCodec.checkHeader(length, flags, streamId);
    case FrameType.CONTINUATION:
      return continuationCodec.checkHeader(length, flags, streamId);
    case FrameType.ALTSVC:
      return altsvcCodec.checkHeader(length, flags, streamId);
    case FrameType.ORIGIN:
      return originCodec.checkHeader(length, flags, streamId);
    default:
      return undefined;
  }
}

function oversizeMessage(type: number, streamId: number, length: number, limit: number): string {
  return `frame of type 0x${type.toString(16)} on stream ${streamId} has ${length} octets, above SETTINGS_MAX_FRAME_SIZE ${limit} (RFC 9113 §4.2)`;
}

/**
 * Builds the preface error. The octets matched so far are the preface's own,
 * so the sample is those plus what the current chunk still holds.
 */
function prefaceError(matched: number, chunk: Uint8Array, pos: number): H2Error {
  const rest = chunk.subarray(pos, Math.min(chunk.length, pos + PREFACE_SAMPLE_LENGTH - matched));
  const sample = Buffer.concat([CLIENT_PREFACE.subarray(0, matched), rest]).toString('latin1');
  const firstLine = sample.split(/\r?\n/, 1)[0];
  // An HTTP/1.x request line: "METHOD target HTTP/1.x" (RFC 9112 §3), or its start when the chunk is short.
  const http1 = /^[A-Z]{3,16} [\x21-\x7e]/.test(sample) && !/HTTP\/2/.test(firstLine);
  const message = http1
    ? `invalid connection preface: received what looks like an HTTP/1.x request line (${JSON.stringify(firstLine)}); this endpoint expects HTTP/2 (RFC 9113 §3.4)`
    : `invalid connection preface: octet ${matched} is 0x${chunk[pos].toString(16).padStart(2, '0')}, expected ${JSON.stringify(String.fromCharCode(CLIENT_PREFACE[matched]))} (RFC 9113 §3.4; received ${JSON.stringify(firstLine)})`;
  return H2Error.connection(ErrorCode.PROTOCOL_ERROR, message);
}
