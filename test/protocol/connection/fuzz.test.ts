/**
 * SECURITY.md row 20 for the core: random frame sequences — structured ones
 * (valid header blocks, small stream ids, so that streams really open and
 * states are exercised) mixed with arbitrary frames and garbage — fed to a
 * server and a client core, with random user commands in between. No
 * exception may escape receive()/tick()/takeOutput(); no INTERNAL_ERROR (a
 * bug of ours turned into GOAWAY) may occur; our output must always be valid
 * frames; memory stays bounded; nothing happens after a failure.
 */
import fc from 'fast-check';
import { CLIENT_PREFACE, encodeFrame, FrameDecoder, type Frame, type FrameSink } from '../../../src/protocol/frames';
import { H2Error } from '../../../src/protocol/h2-error';
import { SettingId } from '../../../src/protocol/settings';
import type { CoreStream } from '../../../src/protocol/connection';
import { frameArb } from '../frames/arbitraries';
import { ErrorCode, RawPeer, REQUEST } from './helpers';

const FIELD_SETS: Array<Array<[string, string]>> = [
  REQUEST,
  [[':method', 'POST'], [':scheme', 'https'], [':authority', 'a'], [':path', '/p'], ['content-length', '5']],
  [[':status', '200']],
  [[':status', '103']],
  [['x-trailer', 'v']],
  [[':method', 'GET']],
  [],
];

type Op =
  | { k: 'headers'; id: number; set: number; end: boolean; endHeaders: boolean; padding?: number; dep?: number }
  | { k: 'cont'; id: number; set: number; endHeaders: boolean }
  | { k: 'data'; id: number; n: number; end: boolean; padding?: number }
  | { k: 'frame'; frame: Frame }
  | { k: 'garbage'; bytes: Uint8Array }
  | { k: 'push'; id: number; promised: number; set: number }
  | { k: 'cmd'; which: number; pick: number; n: number }
  | { k: 'tick'; dt: number }
  | { k: 'take' };

const small = fc.integer({ min: 0, max: 12 });
/** A stream selector, resolved at run time: mostly a new id in order or one already used, sometimes any small id. */
const sel = fc.nat();
/** A field set: mostly a valid request / response, sometimes anything. */
const setArb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: FIELD_SETS.length - 1 }) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('headers' as const), id: sel, set: setArb, end: fc.boolean(), endHeaders: fc.oneof(fc.constant(true), fc.boolean()), padding: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), dep: fc.option(small, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cont' as const), id: sel, set: fc.integer({ min: 0, max: FIELD_SETS.length - 1 }), endHeaders: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('data' as const), id: sel, n: fc.integer({ min: 0, max: 20_000 }), end: fc.boolean(), padding: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.tuple(frameArb, sel).map(([frame, id]) => ({ k: 'frame' as const, frame: retarget(frame, id) })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => ({ k: 'garbage' as const, bytes })) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('push' as const), id: sel, promised: sel, set: fc.integer({ min: 0, max: FIELD_SETS.length - 1 }) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('cmd' as const), which: fc.integer({ min: 0, max: 11 }), pick: fc.nat(), n: fc.integer({ min: 0, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 12_000 }) }) },
  { weight: 3, arbitrary: fc.constant({ k: 'take' as const }) },
);

/** Marks a random frame for retargeting at run time onto a selected stream (stream-0 frames stay on 0). */
function retarget(frame: Frame, sel: number): Frame {
  return Object.assign({ ...frame }, { sel }) as Frame;
}

function place(frame: Frame, id: number): Frame {
  if (frame.unknown === true) return { ...frame, streamId: id };
  switch (frame.type) {
    case 4:
    case 6:
    case 7:
    case 0xc:
      return frame;
    case 0xa:
      return frame.streamId === 0 ? frame : { ...frame, streamId: id || 1 };
    case 8:
      return { ...frame, streamId: id };
    default:
      return { ...frame, streamId: id || 1 } as Frame;
  }
}

function checkOutput(chunks: Uint8Array[] | undefined, decoder: FrameDecoder): Frame[] {
  const frames: Frame[] = [];
  if (chunks === undefined) return frames;
  const sink: FrameSink = {
    frame: (f) => frames.push(f),
    error: (e) => {
      throw new Error(`the core wrote an invalid frame: ${e.message}`);
    },
  };
  for (const c of chunks) decoder.write(c, sink);
  return frames;
}

/** What the runs reached, to check the generator exercises real streams. */
const reasons = new Map<string, number>();
const reached = { runs: 0, headers: 0, data: 0, closedClean: 0, resets: 0, failed: 0, opsBeforeFailure: 0 };

function run(role: 'server' | 'client', ops: Op[]): void {
  reached.runs++;
  const peer = new RawPeer(role, { settings: [[SettingId.MAX_CONCURRENT_STREAMS, 5], [SettingId.INITIAL_WINDOW_SIZE, 30_000]], limits: { maxSessionMemory: 1 } });
  const out = new FrameDecoder({ expectPreface: role === 'client', maxFrameSize: 16777215 });
  checkOutput(peer.conn.takeOutput(), out);
  const streams: CoreStream[] = [];
  peer.rec.onHeaders = (e) => streams.push(e.stream);
  peer.rec.onData = (s) => streams.push(s);
  if (role === 'server') peer.bytes(CLIENT_PREFACE);
  peer.send(peer.settings([]), peer.settings([], true));
  if (role === 'client') for (let i = 0; i < 3; i++) streams.push(peer.conn.request(REQUEST, { endStream: i === 0 }));
  let failedAt = -1;
  let now = 0;
  // Stream ids the peer side has used (server role: the client's odd ids; client role: our request ids).
  const used: number[] = role === 'client' ? [1, 3, 5] : [];
  let nextPeer = role === 'server' ? 1 : 2;
  let nextPromised = 2;
  /** A stream for a frame: mostly one already used, rarely any small id; HEADERS may also open the next id. */
  const resolve = (sel: number, open = false): number => {
    const r = sel % 10;
    if (r === 0 || (used.length === 0 && !open)) return 1 + (sel % 12);
    if (open && role === 'server' && (r <= 4 || used.length === 0)) {
      const id = nextPeer;
      nextPeer += 2;
      used.push(id);
      return id;
    }
    return used[sel % used.length]!;
  };

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const conn = peer.conn;
    try {
      switch (op.k) {
        case 'headers': {
          const id = resolve(op.id, true);
          const block = peer.hpack.encode(FIELD_SETS[op.set]!);
          const cut = op.endHeaders ? block.length : Math.floor(block.length / 2);
          peer.send({ type: 1, streamId: id, headerBlock: block.subarray(0, cut), endStream: op.end, endHeaders: op.endHeaders, padding: op.padding, priority: op.dep === undefined ? undefined : { dependsOn: op.dep, exclusive: false, weight: 16 } });
          if (!op.endHeaders) peer.send(peer.continuation(id, block.subarray(cut), true));
          break;
        }
        case 'cont':
          if (op.set !== 6) break; // an orphan CONTINUATION is always fatal: rarely
          peer.send(peer.continuation(resolve(op.id), peer.hpack.encode(FIELD_SETS[op.set]!), op.endHeaders));
          break;
        case 'data':
          peer.send(peer.data(resolve(op.id), Math.min(op.n, 16384 - (op.padding === undefined ? 0 : op.padding + 1)), { endStream: op.end, padding: op.padding }));
          break;
        case 'frame':
          if (op.frame.unknown !== true && op.frame.type === 9 && (op.frame as unknown as { sel: number }).sel % 5 !== 0) break;
          conn.receive(encodeFrame(place(op.frame, resolve((op.frame as unknown as { sel: number }).sel))), now);
          break;
        case 'garbage':
          conn.receive(op.bytes, now);
          break;
        case 'push': {
          if (role === 'server' && op.promised % 20 !== 0) break; // a client pushing is always fatal: rarely
          const promised = op.promised % 10 === 0 ? 2 * (op.promised % 13) : nextPromised;
          if (promised === nextPromised) nextPromised += 2;
          used.push(promised);
          const parents = used.filter((x) => x % 2 === 1);
          peer.send({ type: 5, streamId: parents.length > 0 && op.id % 10 !== 0 ? parents[op.id % parents.length]! : resolve(op.id) || 1, promisedStreamId: promised, headerBlock: peer.hpack.encode(FIELD_SETS[op.set]!), endHeaders: true });
          break;
        }
        case 'tick':
          now += op.dt;
          peer.now = now;
          conn.tick(now);
          break;
        case 'take':
          checkOutput(conn.takeOutput(), out);
          break;
        case 'cmd': {
          const s = streams.length > 0 ? streams[op.pick % streams.length]! : undefined;
          try {
            switch (op.which) {
              case 0:
                if (s) conn.respond(s, [[':status', '200']], { endStream: op.n % 2 === 0 });
                break;
              case 1:
                if (s) conn.write(s, new Uint8Array(op.n), op.n % 3 === 0);
                break;
              case 2:
                if (s) conn.reset(s, ErrorCode.CANCEL);
                break;
              case 3:
                if (s && s.bufferedBytes > 0) conn.consumed(s, 1 + (op.n % s.bufferedBytes));
                break;
              case 4:
                if (s) conn.trailers(s, [['x-t', '1']]);
                break;
              case 5:
                conn.ping();
                break;
              case 6:
                conn.settings([[SettingId.INITIAL_WINDOW_SIZE, op.n]]);
                break;
              case 7:
                conn.goaway(0);
                break;
              case 8:
                if (s) streams.push(conn.push(s, REQUEST));
                break;
              case 9:
                streams.push(conn.request(REQUEST, { endStream: op.n % 2 === 0 }));
                break;
              case 10:
                conn.setLocalWindowSize(op.n * 10);
                break;
              case 11:
                if (s) conn.informational(s, [[':status', '103']]);
                break;
            }
          } catch (e) {
            // Commands may refuse (user errors): never anything else.
            if (!(e instanceof H2Error && e.kind === 'user')) throw e;
          }
          break;
        }
      }
    } catch (e) {
      throw new Error(`op ${i} (${JSON.stringify(op, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))}) threw: ${(e as Error).stack}`);
    }
    if (conn.failed && failedAt < 0) failedAt = i;
    expect(conn.memoryUsage).toBeLessThan(4e6);
  }
  const frames = checkOutput(peer.conn.takeOutput(), out);
  reached.headers += peer.rec.headers.length;
  reached.data += peer.rec.data.length;
  reached.closedClean += peer.rec.closed.filter((e) => e.code === 0).length;
  reached.resets += peer.rec.closed.filter((e) => e.code !== 0 && !peer.conn.failed).length;
  if (failedAt >= 0) reached.failed++;
  if (process.env.FUZZ_REPORT && peer.rec.errors[0]) reasons.set(peer.rec.errors[0].message.slice(0, 90), (reasons.get(peer.rec.errors[0].message.slice(0, 90)) ?? 0) + 1);
  reached.opsBeforeFailure += failedAt >= 0 ? failedAt : ops.length;
  expect(peer.rec.errors.filter((e) => e.code === ErrorCode.INTERNAL_ERROR).map((e) => e.message)).toEqual([]);
  expect(peer.rec.errors.length).toBeLessThanOrEqual(1);
  if (failedAt >= 0) {
    // After the failure: no more output.
    expect(peer.conn.takeOutput()).toBeUndefined();
    void frames;
  }
}

describe('SECURITY #20: random frame sequences', () => {
  it.each(['server', 'client'] as const)('%s: no exception escapes, no INTERNAL_ERROR, valid output, bounded memory', (role) => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => run(role, ops)),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0xf00d },
    );
    if (process.env.FUZZ_REPORT) console.log(role, reached, [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12));
  });
});
