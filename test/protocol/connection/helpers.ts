/**
 * Test harness for the connection core: an event recorder, two cores wired
 * back to back in memory, and a raw-frame peer that writes exact frames into
 * one core and decodes what comes out.
 */
import { ErrorCode } from '../../../src/protocol/error-code';
import {
  CLIENT_PREFACE,
  encodeFrame,
  FrameDecoder,
  FrameType,
  type Frame,
  type FrameSink,
  type PrioritySpec,
} from '../../../src/protocol/frames';
import type { H2Error } from '../../../src/protocol/h2-error';
import { HpackDecoder, HpackEncoder } from '../../../src/protocol/hpack';
import {
  Connection,
  type CloseInitiator,
  type ConnectionEvents,
  type ConnectionOptions,
  type CoreStream,
  type HeadersKind,
} from '../../../src/protocol/connection';

export { ErrorCode, FrameType };

export interface HeadersEvent {
  stream: CoreStream;
  fields: Array<[string, string]>;
  kind: HeadersKind;
  endStream: boolean;
  neverIndexed: string[] | undefined;
}

export interface ClosedEvent {
  stream: CoreStream;
  code: number;
  initiator: CloseInitiator;
}

/** Records every event; optional hooks run after recording. */
export class Recorder implements ConnectionEvents {
  readonly log: string[] = [];
  readonly headers: HeadersEvent[] = [];
  readonly data: Array<{ stream: CoreStream; data: Uint8Array; endStream: boolean }> = [];
  readonly closed: ClosedEvent[] = [];
  readonly started: CoreStream[] = [];
  readonly writable: CoreStream[] = [];
  readonly pushes: Array<{ parent: CoreStream; promised: CoreStream; fields: Array<[string, string]> }> = [];
  readonly remote: Array<Array<[number, number]>> = [];
  readonly acked: Array<Array<[number, number]>> = [];
  readonly pings: Uint8Array[] = [];
  readonly pingAcks: Array<{ payload: Uint8Array; rtt: number }> = [];
  readonly goaways: Array<{ lastStreamId: number; code: number; debug: string; initiator: 'local' | 'remote' }> = [];
  readonly altsvcs: Array<[number, string, string]> = [];
  readonly origins: string[][] = [];
  readonly errors: H2Error[] = [];
  readonly unknown: Frame[] = [];
  /** Keep data chunks (copies) — off for big transfers. */
  keepData = true;
  onHeaders?: (e: HeadersEvent) => void;
  onData?: (stream: CoreStream, data: Uint8Array, endStream: boolean) => void;
  onClosed?: (e: ClosedEvent) => void;
  /** Optional debugging tap (absent by default, so the core's tap costs nothing). */
  frame?: (frame: Frame, direction: 'in' | 'out') => void;

  streamHeaders(stream: CoreStream, fields: Array<[string, string]>, kind: HeadersKind, endStream: boolean, neverIndexed: string[] | undefined): void {
    const e = { stream, fields, kind, endStream, neverIndexed };
    this.headers.push(e);
    this.log.push(`headers:${stream.id}:${kind}${endStream ? ':end' : ''}`);
    this.onHeaders?.(e);
  }
  streamData(stream: CoreStream, data: Uint8Array, endStream: boolean): void {
    if (this.keepData) this.data.push({ stream, data: data.slice(), endStream });
    this.onData?.(stream, data, endStream);
  }
  streamStarted(stream: CoreStream): void {
    this.started.push(stream);
    this.log.push(`started:${stream.id}`);
  }
  streamClosed(stream: CoreStream, code: number, initiator: CloseInitiator): void {
    const e = { stream, code, initiator };
    this.closed.push(e);
    this.log.push(`closed:${stream.id}:${code}:${initiator}`);
    this.onClosed?.(e);
  }
  streamWritable(stream: CoreStream): void {
    this.writable.push(stream);
  }
  pushPromise(parent: CoreStream, promised: CoreStream, fields: Array<[string, string]>): void {
    this.pushes.push({ parent, promised, fields });
    this.log.push(`push:${parent.id}:${promised.id}`);
  }
  remoteSettings(entries: Array<[number, number]>): void {
    this.remote.push(entries);
    this.log.push('remoteSettings');
  }
  localSettingsAcked(entries: Array<[number, number]>): void {
    this.acked.push(entries);
    this.log.push('localSettingsAcked');
  }
  ping(payload: Uint8Array): void {
    this.pings.push(payload);
  }
  pingAck(payload: Uint8Array, rtt: number): void {
    this.pingAcks.push({ payload, rtt });
  }
  goaway(lastStreamId: number, code: number, debugData: Uint8Array, initiator: 'local' | 'remote'): void {
    this.goaways.push({ lastStreamId, code, debug: Buffer.from(debugData).toString('utf8'), initiator });
    this.log.push(`goaway:${initiator}:${lastStreamId}:${code}`);
  }
  altsvc(streamId: number, origin: string, value: string): void {
    this.altsvcs.push([streamId, origin, value]);
  }
  origin(origins: string[]): void {
    this.origins.push(origins);
  }
  error(error: H2Error): void {
    this.errors.push(error);
    this.log.push(`error:${error.codeName}`);
  }
  unknownFrame(frame: Frame): void {
    this.unknown.push(frame);
  }
}

/** A deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * The tests reason in the RFC's initial windows (65535 octets for the
 * connection, §6.9.2), so the cores they build keep it unless a test says
 * otherwise; the 1 MiB default connection window has its own tests
 * (connection-window.test.ts).
 */
export const RFC_WINDOWS: Partial<ConnectionOptions> = { connectionWindowSize: 65535 };

/** A client and a server core wired back to back. */
export class Pair {
  readonly client: Connection;
  readonly server: Connection;
  readonly c = new Recorder();
  readonly s = new Recorder();
  now = 0;
  /** Random chunking of the byte stream when set. */
  rng: (() => number) | undefined;
  /** Octets moved each way. */
  toServer = 0;
  toClient = 0;

  constructor(client: Partial<ConnectionOptions> = {}, server: Partial<ConnectionOptions> = {}, rng?: () => number) {
    this.client = new Connection({ role: 'client', ...RFC_WINDOWS, ...client }, this.c);
    this.server = new Connection({ role: 'server', ...RFC_WINDOWS, ...server }, this.s);
    this.rng = rng;
  }

  /** Moves output both ways until both sides are quiet (or `maxRounds`). Returns the rounds run. */
  pump(maxRounds = 10_000): number {
    let rounds = 0;
    for (; rounds < maxRounds; rounds++) {
      const a = this.move(this.client, this.server);
      const b = this.move(this.server, this.client);
      if (a === 0 && b === 0) break;
    }
    return rounds;
  }

  /** One transfer from `from` to `to`; returns octets moved. */
  move(from: Connection, to: Connection): number {
    const out = from.takeOutput();
    if (out === undefined) return 0;
    const bytes = concat(out);
    if (from === this.client) this.toServer += bytes.length;
    else this.toClient += bytes.length;
    const rng = this.rng;
    if (rng === undefined) {
      to.receive(bytes, this.now);
    } else {
      let pos = 0;
      while (pos < bytes.length) {
        const n = 1 + Math.floor(rng() * rng() * Math.min(bytes.length - pos, 40_000));
        to.receive(bytes.subarray(pos, pos + n), this.now);
        pos += n;
      }
    }
    return bytes.length;
  }
}

/**
 * Has `p`'s server answer every request with a body of `bytes` octets, and
 * counts (without keeping) the octets of DATA its client receives.
 */
export function serveBody(p: Pair, bytes: number): { received(): number } {
  p.c.keepData = false;
  let got = 0;
  p.c.onData = (_s, d) => {
    got += d.length;
  };
  p.s.onHeaders = (e) => {
    p.server.respond(e.stream, [[':status', '200']]);
    p.server.write(e.stream, new Uint8Array(bytes), true);
  };
  return { received: () => got };
}

/** Decodes a byte stream into frames (strict: a decode error throws). */
export function decodeFrames(chunks: Uint8Array[] | undefined, opts: { expectPreface?: boolean; maxFrameSize?: number } = {}): Frame[] {
  const frames: Frame[] = [];
  if (chunks === undefined) return frames;
  const sink: FrameSink = {
    frame: (f) => frames.push(f),
    error: (e) => {
      throw e;
    },
  };
  const d = new FrameDecoder({ expectPreface: opts.expectPreface, maxFrameSize: opts.maxFrameSize ?? 16777215 });
  for (const c of chunks) d.write(c, sink);
  return frames;
}

/** A frame's type name, for compact assertions. */
export function typeName(f: Frame): string {
  if (f.unknown === true) return `UNKNOWN(${f.type})`;
  return ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION', 'ALTSVC', '?', 'ORIGIN'][f.type]!;
}

/** A compact summary of a frame: `TYPE:stream[:detail]`. */
export function summary(f: Frame): string {
  if (f.unknown === true) return `UNKNOWN(${f.type}):${f.streamId}`;
  switch (f.type) {
    case FrameType.RST_STREAM:
      return `RST_STREAM:${f.streamId}:${f.errorCode}`;
    case FrameType.GOAWAY:
      return `GOAWAY:${f.lastStreamId}:${f.errorCode}`;
    case FrameType.SETTINGS:
      return f.ack ? 'SETTINGS:ACK' : `SETTINGS:${JSON.stringify(f.settings)}`;
    case FrameType.PING:
      return f.ack ? 'PING:ACK' : 'PING';
    case FrameType.WINDOW_UPDATE:
      return `WINDOW_UPDATE:${f.streamId}:${f.increment}`;
    case FrameType.DATA:
      return `DATA:${f.streamId}:${f.data.length}${f.endStream ? ':END' : ''}`;
    case FrameType.HEADERS:
      return `HEADERS:${f.streamId}${f.endStream ? ':END' : ''}${f.endHeaders ? '' : ':CONT'}`;
    default:
      return `${typeName(f)}:${f.streamId}`;
  }
}

export const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
  [':path', '/'],
];

export const POST: Array<[string, string]> = [
  [':method', 'POST'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
  [':path', '/upload'],
];

/**
 * A scripted peer for one core: writes exact frames into it (as the other
 * end would) and decodes what the core writes. Header blocks are encoded with
 * its own HPACK encoder; the core's header blocks are decoded with its own
 * decoder, so both contexts stay in sync.
 */
export class RawPeer {
  readonly conn: Connection;
  readonly rec = new Recorder();
  readonly hpack = new HpackEncoder();
  readonly hpackIn = new HpackDecoder({ maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity });
  now = 0;
  private readonly decoder: FrameDecoder;
  private readonly frames: Frame[] = [];

  constructor(role: 'server' | 'client', options: Partial<ConnectionOptions> = {}) {
    this.conn = new Connection({ role, ...RFC_WINDOWS, ...options }, this.rec);
    // What the core writes: a client core starts with the preface.
    this.decoder = new FrameDecoder({ expectPreface: role === 'client', maxFrameSize: 16777215 });
  }

  /** Completes the handshake: (client preface +) SETTINGS and the ACK of the core's SETTINGS; drains output. */
  handshake(settings: Array<[number, number]> = []): Frame[] {
    if (this.conn.role === 'server') this.bytes(CLIENT_PREFACE);
    this.send({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings }, { type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    return this.out();
  }

  /** Feeds raw bytes to the core. */
  bytes(b: Uint8Array): void {
    this.conn.receive(b, this.now);
  }

  /** Encodes `frames` and feeds them to the core in one chunk. */
  send(...frames: Frame[]): void {
    this.conn.receive(concat(frames.map((f) => encodeFrame(f))), this.now);
  }

  /** Every frame the core has written since the last call. */
  out(): Frame[] {
    const chunks = this.conn.takeOutput();
    const start = this.frames.length;
    if (chunks !== undefined) {
      const sink: FrameSink = {
        frame: (f) => this.frames.push(f),
        error: (e) => {
          throw e;
        },
      };
      for (const c of chunks) this.decoder.write(c, sink);
    }
    return this.frames.slice(start);
  }

  /** Summaries of {@link out}. */
  outSummary(): string[] {
    return this.out().map(summary);
  }

  /** A HEADERS frame with an HPACK block from this peer's encoder. */
  headers(
    streamId: number,
    fields: Array<[string, string]>,
    opts: { endStream?: boolean; endHeaders?: boolean; priority?: PrioritySpec; padding?: number } = {},
  ): Frame {
    return {
      type: FrameType.HEADERS,
      streamId,
      headerBlock: this.hpack.encode(fields),
      endStream: opts.endStream === true,
      endHeaders: opts.endHeaders !== false,
      priority: opts.priority,
      padding: opts.padding,
    };
  }

  /** A HEADERS frame carrying a raw block. */
  rawHeaders(streamId: number, block: Uint8Array, opts: { endStream?: boolean; endHeaders?: boolean } = {}): Frame {
    return { type: FrameType.HEADERS, streamId, headerBlock: block, endStream: opts.endStream === true, endHeaders: opts.endHeaders !== false };
  }

  data(streamId: number, data: Uint8Array | number, opts: { endStream?: boolean; padding?: number } = {}): Frame {
    const bytes = typeof data === 'number' ? new Uint8Array(data) : data;
    return { type: FrameType.DATA, streamId, data: bytes, endStream: opts.endStream === true, padding: opts.padding };
  }

  rst(streamId: number, code: number): Frame {
    return { type: FrameType.RST_STREAM, streamId, errorCode: code };
  }

  windowUpdate(streamId: number, increment: number): Frame {
    return { type: FrameType.WINDOW_UPDATE, streamId, increment };
  }

  continuation(streamId: number, block: Uint8Array, endHeaders: boolean): Frame {
    return { type: FrameType.CONTINUATION, streamId, headerBlock: block, endHeaders };
  }

  ping(payload = new Uint8Array(8), ack = false): Frame {
    return { type: FrameType.PING, streamId: 0, ack, payload };
  }

  settings(settings: Array<[number, number]>, ack = false): Frame {
    return { type: FrameType.SETTINGS, streamId: 0, ack, settings };
  }

  goaway(lastStreamId: number, code: number = ErrorCode.NO_ERROR): Frame {
    return { type: FrameType.GOAWAY, streamId: 0, lastStreamId, errorCode: code, debugData: new Uint8Array(0) };
  }

  /** Decodes the fields of a HEADERS/PUSH_PROMISE frame the core sent (in order!). */
  decodeBlock(f: Frame): Array<[string, string]> {
    if (f.unknown === true || (f.type !== FrameType.HEADERS && f.type !== FrameType.PUSH_PROMISE)) throw new Error('not a header frame');
    return this.hpackIn.decode(f.headerBlock);
  }
}

/** The last GOAWAY among `frames`, or undefined. */
export function lastGoaway(frames: Frame[]): { lastStreamId: number; errorCode: number; debug: string } | undefined {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    if (f.unknown !== true && f.type === FrameType.GOAWAY) {
      return { lastStreamId: f.lastStreamId, errorCode: f.errorCode, debug: Buffer.from(f.debugData).toString('utf8') };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Measuring bounds (SECURITY.md: heap growth, CPU, frames written, handler calls)

import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection. */
export const gc = vm.runInNewContext('gc') as () => void;

/** Heap (+ array buffers) retained by `fn`'s effects, after GC, and the CPU time it took (ms, user + system). */
export function measure(fn: () => void): { heap: number; cpuMs: number } {
  gc();
  const m0 = process.memoryUsage();
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  gc();
  const m1 = process.memoryUsage();
  return { heap: m1.heapUsed - m0.heapUsed + (m1.arrayBuffers - m0.arrayBuffers), cpuMs: (c.user + c.system) / 1000 };
}

/** `n` copies of `frame`, encoded back to back in one buffer. */
export function repeatFrame(frame: Frame, n: number): Uint8Array {
  const one = encodeFrame(frame);
  const out = new Uint8Array(one.length * n);
  for (let i = 0; i < n; i++) out.set(one, i * one.length);
  return out;
}

/** Feeds `bytes` to `conn` in `chunk`-octet pieces (a socket's reads); stops early once the connection failed. */
export function feed(conn: Connection, bytes: Uint8Array, now = 0, chunk = 65536): number {
  let fed = 0;
  for (let pos = 0; pos < bytes.length && !conn.failed; pos += chunk) {
    conn.receive(bytes.subarray(pos, pos + chunk), now);
    fed = Math.min(bytes.length, pos + chunk);
  }
  return fed;
}

/** Counts frames of each type in `frames`. */
export function countTypes(frames: Frame[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of frames) out[typeName(f)] = (out[typeName(f)] ?? 0) + 1;
  return out;
}
