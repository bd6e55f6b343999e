/**
 * A scripted HTTP/2 client over a real TCP socket, for the conformance suite:
 * it writes exact bytes (preface, SETTINGS, frames built with `encodeFrame` or
 * by hand) and waits for the exact frames the server answers with. Every wait
 * is for a frame (or the socket closing), bounded by {@link WAIT_MS} so a
 * missing answer fails with the frames that did arrive instead of a bare jest
 * timeout. No sleeps.
 */
import * as net from 'node:net';
import { ErrorCode, errorCodeName } from '../../src/protocol/error-code';
import {
  CLIENT_PREFACE,
  encodeFrame,
  FrameDecoder,
  FrameType,
  type Frame,
  type FrameSink,
  type PrioritySpec,
} from '../../src/protocol/frames';
import type { H2Error } from '../../src/protocol/h2-error';
import { HpackDecoder, HpackEncoder } from '../../src/protocol/hpack';
import { SettingId } from '../../src/protocol/settings';
import { summary as coreSummary } from '../protocol/connection/helpers';

export { ErrorCode, FrameType, SettingId };
export type { Frame };

/** Longest wait for one expected frame (below jest's 5 s default, so our message wins). */
export const WAIT_MS = 3000;

/** Field list as `[name, value]` pairs, in order. */
export type Fields = Array<[string, string]>;

/** Frame flag bits, for hand-built frames. */
export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

/** A frame's bytes from its parts, exactly as given: any length, flags, type, and the reserved bit (bit 31 of `streamId`). */
export function rawFrame(type: number, flags: number, streamId: number, payload: Uint8Array | number[] = []): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  const out = new Uint8Array(9 + p.length);
  out[0] = (p.length >>> 16) & 0xff;
  out[1] = (p.length >>> 8) & 0xff;
  out[2] = p.length & 0xff;
  out[3] = type;
  out[4] = flags;
  out[5] = (streamId >>> 24) & 0xff;
  out[6] = (streamId >>> 16) & 0xff;
  out[7] = (streamId >>> 8) & 0xff;
  out[8] = streamId & 0xff;
  out.set(p, 9);
  return out;
}

/** 32-bit big-endian octets. */
export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** One SETTINGS entry's six octets. */
export function settingBytes(id: number, value: number): number[] {
  return [(id >>> 8) & 0xff, id & 0xff, ...u32(value)];
}

/** HPACK literal header field without indexing, new name, no Huffman (RFC 7541 §6.2.2); strings < 127 octets. */
export function literal(name: string, value: string): number[] {
  const n = Buffer.from(name, 'latin1');
  const v = Buffer.from(value, 'latin1');
  if (n.length > 126 || v.length > 126) throw new RangeError('literal(): short strings only');
  return [0x00, n.length, ...n, v.length, ...v];
}

/** HPACK literal header field with incremental indexing, new name, no Huffman (RFC 7541 §6.2.1); strings < 127 octets. */
export function indexedLiteral(name: string, value: string): number[] {
  const [, ...rest] = literal(name, value);
  return [0x40, ...rest];
}

/**
 * A compact summary of a frame: `TYPE:stream[:detail]`, as the core tests
 * write it (`summary` of test/protocol/connection/helpers.ts), except that
 * error codes go by name, a GOAWAY shows its debug data and other frame
 * types by number: what the RFC section tests assert.
 */
export function summary(f: Frame): string {
  if (f.unknown !== true) {
    switch (f.type) {
      case FrameType.RST_STREAM:
        return `RST_STREAM:${f.streamId}:${errorCodeName(f.errorCode)}`;
      case FrameType.GOAWAY:
        return `GOAWAY:last=${f.lastStreamId}:${errorCodeName(f.errorCode)}:${JSON.stringify(Buffer.from(f.debugData).toString('utf8'))}`;
      case FrameType.CONTINUATION:
        return `CONTINUATION:${f.streamId}${f.endHeaders ? ':END_HEADERS' : ''}`;
      case FrameType.SETTINGS:
      case FrameType.PING:
      case FrameType.WINDOW_UPDATE:
      case FrameType.DATA:
      case FrameType.HEADERS:
        return coreSummary(f);
      default:
        return `type${f.type}:${f.streamId}`;
    }
  }
  return coreSummary(f);
}

const isGoaway = (f: Frame): boolean => f.unknown !== true && f.type === FrameType.GOAWAY;
const isRst = (f: Frame): boolean => f.unknown !== true && f.type === FrameType.RST_STREAM;

/** Options of {@link RawPeer.connect}. */
export interface ConnectOptions {
  /** Our SETTINGS entries in the handshake. Default none. */
  settings?: Array<[number, number]>;
  /** Complete the handshake (preface, SETTINGS, ACKs both ways). Default true. */
  handshake?: boolean;
  /**
   * Give back flow-control credit for every DATA frame received (stream and
   * connection WINDOW_UPDATE), so responses of any size complete. Turn off to
   * keep the server blocked by our windows. Default true.
   */
  autoWindow?: boolean;
}

interface Waiter {
  match: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
  reject: (e: Error) => void;
  what: string;
  timer: ReturnType<typeof setTimeout>;
}

/** Every peer made and not yet closed, so a suite can close what a failed test left open. */
const live = new Set<RawPeer>();

/** Destroys every peer still open (call in `afterEach`). */
export function closeAllPeers(): void {
  for (const p of live) p.close();
}

/**
 * One raw client connection. Frames the server sends are decoded (its header
 * blocks too, in order, so our HPACK decoder stays in sync) and kept in
 * {@link frames}. `expect*` methods wait for the first frame matching a
 * predicate that no earlier `expect*` took: each frame answers one wait, in
 * arrival order, whatever order the waits come in (responses on different
 * streams may interleave in any order). {@link until} waits for a condition
 * on everything received.
 */
export class RawPeer {
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  /** The server's first SETTINGS entries. */
  serverSettings: Array<[number, number]> = [];
  /** Our HPACK encoder (the server's decoder context). */
  readonly hpack = new HpackEncoder();
  /** A frame-decoding error in what the server sent (a server bug). */
  decodeError: H2Error | undefined;
  /** The server's FIN (or the socket closing) arrived. */
  ended = false;
  autoWindow: boolean;
  /** Every octet received, as it came off the socket. */
  readonly received: Buffer[] = [];

  private readonly hpackIn = new HpackDecoder({ maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity });
  private readonly decoder = new FrameDecoder({ maxFrameSize: 16777215 });
  private readonly fields = new Map<Frame, Fields>();
  private pendingBlock: { frame: Frame; chunks: Uint8Array[] } | undefined;
  private waiters: Waiter[] = [];
  private endWaiters: Array<() => void> = [];
  private closedWaiters: Array<() => void> = [];
  /** Frames already returned by an `expect*` (by index), and the first index not taken. */
  private readonly taken: boolean[] = [];
  private firstFree = 0;
  private conditions: Array<{ check: () => boolean; resolve: () => void; reject: (e: Error) => void; what: string; timer: ReturnType<typeof setTimeout> }> = [];
  private closed = false;
  private pingCounter = 0;

  private constructor(
    readonly socket: net.Socket,
    readonly authority: string,
    options: ConnectOptions,
  ) {
    this.autoWindow = options.autoWindow ?? true;
    live.add(this);
    const sink: FrameSink = {
      frame: (f) => this.onFrame(f),
      error: (e) => {
        this.decodeError = e;
        this.fail(new Error(`the server sent bytes that do not decode: ${e.message}`));
      },
    };
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      try {
        this.decoder.write(chunk, sink);
      } catch (e) {
        // A header block of the server's that our HPACK decoder rejects (a server bug): fail the test, not the process.
        this.decodeError ??= e as H2Error;
        this.fail(new Error(`the server sent a header block that does not decode: ${(e as Error).message}`));
      }
    });
    socket.on('end', () => this.onEnd());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.onEnd();
      this.closed = true;
      live.delete(this);
      for (const w of this.closedWaiters.splice(0)) w();
    });
  }

  /** Connects to `port` on 127.0.0.1 and (by default) completes the handshake. */
  static async connect(port: number, options: ConnectOptions = {}): Promise<RawPeer> {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const peer = new RawPeer(socket, `127.0.0.1:${port}`, options);
    if (options.handshake !== false) await peer.handshake(options.settings ?? []);
    return peer;
  }

  /**
   * Preface and our SETTINGS; waits for the server's SETTINGS (RFC 9113 §3.4:
   * its first frame), acknowledges it, and waits for the ACK of ours so our
   * settings are in force when this resolves.
   */
  async handshake(settings: Array<[number, number]> = []): Promise<void> {
    this.sendBytes(CLIENT_PREFACE, encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings }));
    // Our decoder follows our SETTINGS_HEADER_TABLE_SIZE: the server's blocks must respect it (RFC 7541 §4.2).
    for (const [id, value] of settings) if (id === SettingId.HEADER_TABLE_SIZE) this.hpackIn.setMaxTableSize(value);
    const first = await this.expectFrame(() => true, 'the server SETTINGS');
    if (first.unknown === true || first.type !== FrameType.SETTINGS || first.ack) {
      throw new Error(`the server's first frame must be SETTINGS (RFC 9113 §3.4), got ${summary(first)}`);
    }
    this.serverSettings = first.settings;
    this.send({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    await this.expectFrame((f) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack, 'the ACK of our SETTINGS');
    // A WINDOW_UPDATE on stream 0 before that ACK announces the server's connection window
    // (connectionWindowGranted): part of its setup, not an answer a later expect* should take.
    for (let i = 0; i < this.frames.length; i++) {
      const f = this.frames[i]!;
      if (f.unknown !== true && f.type === FrameType.SETTINGS && f.ack) break;
      if (f.unknown !== true && f.type === FrameType.WINDOW_UPDATE && f.streamId === 0) this.taken[i] = true;
    }
    while (this.taken[this.firstFree] === true) this.firstFree++;
  }

  /**
   * Sends SETTINGS_HEADER_TABLE_SIZE = `size` and holds our decoder to it: the
   * server's next header block must start with a table size update (RFC 7541
   * §4.2). Call it while no response header block is in flight.
   */
  setHeaderTableSize(size: number): void {
    this.hpackIn.setMaxTableSize(size);
    this.send(this.settings([[SettingId.HEADER_TABLE_SIZE, size]]));
  }

  /** The value of a setting the server announced, or `undefined`. */
  serverSetting(id: number): number | undefined {
    let v: number | undefined;
    for (const [k, value] of this.serverSettings) if (k === id) v = value;
    return v;
  }

  // -------------------------------------------------------------------------
  // Sending

  /** Writes frames (objects are encoded with `encodeFrame`, byte arrays go as they are) in one socket write. */
  send(...frames: Array<Frame | Uint8Array>): void {
    this.sendBytes(...frames.map((f) => (f instanceof Uint8Array ? f : encodeFrame(f))));
  }

  /** Writes raw bytes in one socket write. */
  sendBytes(...chunks: Uint8Array[]): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(Buffer.concat(chunks));
  }

  /** Request pseudo-headers for `path` (h2c: scheme http, authority of the server), then `extra`. */
  request(path: string, method = 'GET', extra: Fields = []): Fields {
    return [[':method', method], [':scheme', 'http'], [':authority', this.authority], [':path', path], ...extra];
  }

  /**
   * A hand-built block for `GET /` with static-table entries only (so it does
   * not touch the dynamic table), then `extra` octets.
   */
  getBlock(...extra: number[][]): number[] {
    return [0x82, 0x86, 0x84, 0x01, this.authority.length, ...Buffer.from(this.authority), ...extra.flat()];
  }

  /** A HEADERS frame whose block our encoder makes from `fields`. */
  headers(
    streamId: number,
    fields: Fields,
    opts: { endStream?: boolean; endHeaders?: boolean; priority?: PrioritySpec; padding?: number } = {},
  ): Frame {
    return this.rawHeaders(streamId, this.hpack.encode(fields), opts);
  }

  /** HEADERS + CONTINUATION frames for `fields`, cut at `maxFrame` octets (for blocks above the default frame size). */
  headerFrames(streamId: number, fields: Fields, opts: { endStream?: boolean } = {}, maxFrame = 16384): Frame[] {
    const block = this.hpack.encode(fields);
    const frames: Frame[] = [];
    for (let pos = 0; pos < block.length || pos === 0; pos += maxFrame) {
      const part = block.subarray(pos, pos + maxFrame);
      const last = pos + maxFrame >= block.length;
      frames.push(pos === 0 ? this.rawHeaders(streamId, part, { endStream: opts.endStream, endHeaders: last }) : this.continuation(streamId, part, last));
    }
    return frames;
  }

  /** A HEADERS frame carrying `block` as it is. */
  rawHeaders(
    streamId: number,
    block: Uint8Array | number[],
    opts: { endStream?: boolean; endHeaders?: boolean; priority?: PrioritySpec; padding?: number } = {},
  ): Frame {
    return {
      type: FrameType.HEADERS,
      streamId,
      headerBlock: block instanceof Uint8Array ? block : Uint8Array.from(block),
      endStream: opts.endStream === true,
      endHeaders: opts.endHeaders !== false,
      priority: opts.priority,
      padding: opts.padding,
    };
  }

  continuation(streamId: number, block: Uint8Array | number[], endHeaders = true): Frame {
    return { type: FrameType.CONTINUATION, streamId, headerBlock: block instanceof Uint8Array ? block : Uint8Array.from(block), endHeaders };
  }

  data(streamId: number, data: Uint8Array | string | number, opts: { endStream?: boolean; padding?: number } = {}): Frame {
    const bytes = typeof data === 'number' ? new Uint8Array(data).fill(0x61) : typeof data === 'string' ? Buffer.from(data) : data;
    return { type: FrameType.DATA, streamId, data: bytes, endStream: opts.endStream === true, padding: opts.padding };
  }

  rst(streamId: number, code: number = ErrorCode.CANCEL): Frame {
    return { type: FrameType.RST_STREAM, streamId, errorCode: code };
  }

  /** A WINDOW_UPDATE, as raw bytes so that any increment (0, 2^31 and up) can be sent. */
  windowUpdate(streamId: number, increment: number): Uint8Array {
    return rawFrame(FrameType.WINDOW_UPDATE, 0, streamId, u32(increment));
  }

  priority(streamId: number, spec: PrioritySpec): Frame {
    return { type: FrameType.PRIORITY, streamId, priority: spec };
  }

  settings(settings: Array<[number, number]>, ack = false): Frame {
    return { type: FrameType.SETTINGS, streamId: 0, ack, settings };
  }

  ping(payload: Uint8Array = new Uint8Array(8), ack = false): Frame {
    return { type: FrameType.PING, streamId: 0, ack, payload };
  }

  goaway(lastStreamId: number, code: number = ErrorCode.NO_ERROR): Frame {
    return { type: FrameType.GOAWAY, streamId: 0, lastStreamId, errorCode: code, debugData: new Uint8Array(0) };
  }

  // -------------------------------------------------------------------------
  // Expecting

  /**
   * The first frame not yet taken by an earlier wait that `match` accepts
   * (`match` must not keep state: it may see a frame more than once). Rejects
   * when the socket closes first, after {@link WAIT_MS}, or — unless `match`
   * accepts GOAWAY — when a GOAWAY arrives first.
   */
  expectFrame(match: (f: Frame) => boolean, what = 'a frame'): Promise<Frame> {
    if (this.decodeError !== undefined) {
      return Promise.reject(this.failure(`${what}, but what the server sent stopped decoding: ${this.decodeError.message}`));
    }
    let found: Frame | undefined;
    try {
      found = this.scan(match);
    } catch (e) {
      return Promise.reject(this.failure(`${what}, but got ${(e as Error).message} first`));
    }
    if (found !== undefined) return Promise.resolve(found);
    if (this.ended) return Promise.reject(this.failure(`${what}, but the connection was closed`));
    return new Promise<Frame>((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve,
        reject,
        what,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(this.failure(`${what}, but nothing matching arrived within ${WAIT_MS} ms`));
        }, WAIT_MS),
      };
      this.waiters.push(w);
    });
  }

  /**
   * A connection error (RFC 9113 §5.4.1): GOAWAY with `code` (and
   * `lastStreamId` when given), after which the server closes the TCP
   * connection. Returns the GOAWAY.
   */
  async expectGoaway(code: number, lastStreamId?: number): Promise<Extract<Frame, { type: 7 }>> {
    const f = await this.expectFrame(isGoaway, `GOAWAY ${errorCodeName(code)}`);
    if (f.unknown === true || f.type !== FrameType.GOAWAY) throw new Error('unreachable');
    if (f.errorCode !== code) throw this.failure(`GOAWAY ${errorCodeName(code)}, got ${summary(f)}`);
    if (lastStreamId !== undefined && f.lastStreamId !== lastStreamId) {
      throw this.failure(`GOAWAY with last-stream-id ${lastStreamId}, got ${summary(f)}`);
    }
    // §5.4.1: after sending the GOAWAY frame for an error condition, the endpoint MUST close the TCP connection.
    await this.expectEnd();
    const after = this.frames.slice(this.frames.indexOf(f) + 1);
    if (after.length > 0) throw this.failure(`nothing after the GOAWAY, got ${after.map(summary).join(', ')}`);
    return f;
  }

  /** A stream error (RFC 9113 §5.4.2): RST_STREAM on `streamId` with `code`, and no GOAWAY before it. */
  async expectRst(streamId: number, code: number): Promise<void> {
    const f = await this.expectFrame((x) => isRst(x) && x.streamId === streamId, `RST_STREAM ${errorCodeName(code)} on stream ${streamId}`);
    if (f.unknown === true || f.type !== FrameType.RST_STREAM) throw new Error('unreachable');
    if (f.errorCode !== code) throw this.failure(`RST_STREAM ${errorCodeName(code)} on stream ${streamId}, got ${summary(f)}`);
  }

  /**
   * The connection is alive and processed everything sent before: a PING gets
   * its ACK (frames are handled in order, so any answer to what came before is
   * already in), and no GOAWAY arrived.
   */
  async expectHealthy(): Promise<void> {
    const payload = new Uint8Array(8);
    payload.set(u32(0x68656c6c), 0);
    payload.set(u32(++this.pingCounter), 4);
    this.send(this.ping(payload));
    await this.expectFrame(
      (f) => f.unknown !== true && f.type === FrameType.PING && f.ack && Buffer.from(f.payload).equals(Buffer.from(payload)),
      'the ACK of our PING',
    );
    const goaway = this.frames.find(isGoaway);
    if (goaway !== undefined) throw this.failure(`no GOAWAY, got ${summary(goaway)}`);
  }

  /** {@link expectHealthy}, plus: no RST_STREAM at all so far (the frame under test was not answered with a stream error either). */
  async expectHealthyNoReset(): Promise<void> {
    await this.expectHealthy();
    const rst = this.frames.find(isRst);
    if (rst !== undefined) throw this.failure(`no RST_STREAM, got ${summary(rst)}`);
  }

  /** The server ends the connection (FIN or close). */
  expectEnd(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure(`the server to close the connection within ${WAIT_MS} ms`)), WAIT_MS);
      this.endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The response HEADERS on `streamId` (its decoded fields). */
  async expectResponse(streamId: number): Promise<Fields> {
    const f = await this.expectFrame(
      (x) => x.unknown !== true && x.type === FrameType.HEADERS && x.streamId === streamId && !this.isTrailers(x),
      `response HEADERS on stream ${streamId}`,
    );
    return this.fieldsOf(f);
  }

  /** Whether a HEADERS frame is not the first on its stream (trailers). */
  private isTrailers(f: Frame): boolean {
    return this.frames.find((x) => x.unknown !== true && x.type === FrameType.HEADERS && x.streamId === f.streamId) !== f;
  }

  /**
   * A whole response on `streamId`: its HEADERS and every DATA up to
   * END_STREAM (taken or not by other waits). Fails on a RST_STREAM of that
   * stream or a GOAWAY.
   */
  async expectResponseComplete(streamId: number): Promise<{ status: string; fields: Fields; body: Buffer; trailers?: Fields }> {
    const isEnd = (x: Frame): boolean =>
      x.unknown !== true && x.streamId === streamId && (x.type === FrameType.DATA || x.type === FrameType.HEADERS) && x.endStream;
    const isReset = (x: Frame): boolean => isRst(x) && x.streamId === streamId;
    const f = this.frames.find((x) => isEnd(x) || isReset(x)) ?? (await this.expectFrame((x) => isEnd(x) || isReset(x), `the end of the response on stream ${streamId}`));
    if (isReset(f)) throw this.failure(`a complete response on stream ${streamId}, got ${summary(f)}`);
    const mine = this.frames.slice(0, this.frames.indexOf(f) + 1).filter((x) => x.streamId === streamId);
    const blocks = mine.filter((x) => x.unknown !== true && x.type === FrameType.HEADERS);
    const fields = this.fieldsOf(blocks[0]!);
    const body = Buffer.concat(mine.flatMap((x) => (x.unknown !== true && x.type === FrameType.DATA ? [x.data] : [])));
    const status = fields.find(([n]) => n === ':status')?.[1] ?? '';
    return { status, fields, body, trailers: blocks.length > 1 ? this.fieldsOf(blocks[blocks.length - 1]!) : undefined };
  }

  /** The decoded fields of a HEADERS frame the server sent (with its CONTINUATIONs). */
  fieldsOf(f: Frame): Fields {
    const fields = this.fields.get(f);
    if (fields === undefined) throw new Error(`no decoded header block for ${summary(f)}`);
    return fields;
  }

  /** Frames received on `streamId`. */
  framesOn(streamId: number): Frame[] {
    return this.frames.filter((f) => f.streamId === streamId);
  }

  /**
   * The connection window the server has granted us so far: the 65535 octets
   * every connection starts with (RFC 9113 §6.9.2) plus its WINDOW_UPDATEs on
   * stream 0 (servers may announce more right after their SETTINGS).
   */
  get connectionWindowGranted(): number {
    let granted = 65535;
    for (const f of this.frames) if (f.unknown !== true && f.type === FrameType.WINDOW_UPDATE && f.streamId === 0) granted += f.increment;
    return granted;
  }

  /** Summaries of every frame received. */
  get log(): string[] {
    return this.frames.map(summary);
  }

  /** Destroys the socket. */
  close(): void {
    live.delete(this);
    if (!this.socket.destroyed) this.socket.destroy();
    this.fail(new Error('peer closed by the test'));
  }

  /** Closes our side gracefully (FIN) and waits for the socket to close. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.closedWaiters.push(resolve));
    this.socket.end();
    await closed;
  }

  // -------------------------------------------------------------------------

  /**
   * Waits until `check()` (over everything received) holds: checked now and
   * after every frame. Rejects when a GOAWAY arrives or the socket closes
   * while it does not hold, or after {@link WAIT_MS}.
   */
  until(check: () => boolean, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    const goaway = this.frames.find(isGoaway);
    if (goaway !== undefined) return Promise.reject(this.failure(`${what}, but got ${summary(goaway)} first`));
    if (this.ended || this.decodeError !== undefined) return Promise.reject(this.failure(`${what}, but the connection was closed`));
    return new Promise<void>((resolve, reject) => {
      const c = {
        check,
        resolve,
        reject,
        what,
        timer: setTimeout(() => {
          this.conditions = this.conditions.filter((x) => x !== c);
          reject(this.failure(`${what}, but it did not happen within ${WAIT_MS} ms`));
        }, WAIT_MS),
      };
      this.conditions.push(c);
    });
  }

  private scan(match: (f: Frame) => boolean): Frame | undefined {
    const taken = this.taken;
    for (let i = this.firstFree; i < this.frames.length; i++) {
      if (taken[i] === true) continue;
      const f = this.frames[i]!;
      const hit = match(f);
      if (!hit && !isGoaway(f)) continue;
      taken[i] = true;
      while (taken[this.firstFree] === true) this.firstFree++;
      // A GOAWAY nobody asked for ends the search: the answer was a connection error.
      if (!hit) throw new Error(summary(f));
      return f;
    }
    return undefined;
  }

  private onFrame(f: Frame): void {
    this.frames.push(f);
    if (f.unknown !== true) {
      if (f.type === FrameType.HEADERS || f.type === FrameType.PUSH_PROMISE) {
        if (f.endHeaders) this.fields.set(f, this.hpackIn.decode(f.headerBlock));
        else this.pendingBlock = { frame: f, chunks: [f.headerBlock] };
      } else if (f.type === FrameType.CONTINUATION && this.pendingBlock !== undefined) {
        this.pendingBlock.chunks.push(f.headerBlock);
        if (f.endHeaders) {
          this.fields.set(this.pendingBlock.frame, this.hpackIn.decode(Buffer.concat(this.pendingBlock.chunks)));
          this.pendingBlock = undefined;
        }
      } else if (f.type === FrameType.DATA && this.autoWindow) {
        const n = f.data.length + (f.padding === undefined ? 0 : f.padding + 1);
        if (n > 0) {
          const updates: Uint8Array[] = [this.windowUpdate(0, n)];
          if (!f.endStream) updates.push(this.windowUpdate(f.streamId, n));
          this.send(...updates);
        }
      }
    }
    const waiters = this.waiters;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i]!;
      let found: Frame | undefined;
      try {
        found = this.scan(w.match);
      } catch (e) {
        waiters.splice(i--, 1);
        clearTimeout(w.timer);
        w.reject(this.failure(`${w.what}, but got ${(e as Error).message} first`));
        continue;
      }
      if (found !== undefined) {
        waiters.splice(i--, 1);
        clearTimeout(w.timer);
        w.resolve(found);
      }
    }
    const conditions = this.conditions;
    for (let i = 0; i < conditions.length; i++) {
      const c = conditions[i]!;
      const ok = c.check();
      if (!ok && !isGoaway(f)) continue;
      conditions.splice(i--, 1);
      clearTimeout(c.timer);
      if (ok) c.resolve();
      else c.reject(this.failure(`${c.what}, but got ${summary(f)} first`));
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.endWaiters.splice(0)) w();
    // Whatever is still awaited will not come.
    for (const w of [...this.waiters.splice(0), ...this.conditions.splice(0)]) {
      clearTimeout(w.timer);
      w.reject(this.failure(`${w.what}, but the connection was closed`));
    }
  }

  private fail(error: Error): void {
    for (const w of [...this.waiters.splice(0), ...this.conditions.splice(0)]) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }

  private failure(what: string): Error {
    return new Error(`expected ${what}; frames received: [${this.log.join(', ')}]`);
  }
}
