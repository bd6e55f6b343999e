/**
 * A run of full DATA frames framed in one go (`frameRun`, the scheduler's
 * fast path for a stream alone in the ready queue) must put on the wire
 * exactly what round-robin frame by frame does. The frames tap turns the fast
 * path off, so the same scenario with and without a tap is the reference and
 * the subject.
 */
import fc from 'fast-check';
import { OUTPUT_BATCH_BYTES } from '../../../src/protocol/connection';
import { SettingId } from '../../../src/protocol/settings';
import { FrameType, RawPeer, REQUEST, summary } from './helpers';

const KiB = 1024;

/**
 * What the application writes: views at varying offsets into pseudo-random
 * bytes, so that a payload taken from the wrong place, or copied wrongly
 * across two written chunks, shows in the bytes {@link sampled}.
 */
const PATTERN = Uint8Array.from({ length: 2 << 20 }, (_, j) => (Math.imul(j + 1, 0x9e3779b1) >>> 24) & 0xff);
const written = (stream: number, chunk: number, n: number): Uint8Array => {
  const at = (stream * 7919 + chunk * 104729) % (64 * KiB);
  return PATTERN.subarray(at, at + n);
};
/** A payload's first, second, middle and last octets. */
const sampled = (data: Uint8Array): string => (data.length === 0 ? '-' : [data[0], data[1], data[data.length >> 1], data[data.length - 1]].join('.'));

interface Scenario {
  initialWindow: number;
  maxFrameSize: number;
  connectionIncrement: number;
  bodies: number[][];
  updates: Array<{ stream: number; increment: number }>;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  initialWindow: fc.oneof(fc.constant(65535), fc.integer({ min: 0, max: 1 << 20 }), fc.constant(2 ** 31 - 1)),
  maxFrameSize: fc.oneof(fc.constant(16384), fc.integer({ min: 16384, max: 40000 })),
  connectionIncrement: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 << 20 })),
  // Per stream, the body as the chunks the application writes.
  // Whole frames too (a body that ends exactly on a frame boundary), and bodies above one take (~1 MiB).
  bodies: fc.array(
    fc.array(fc.oneof(fc.integer({ min: 0, max: 700 * KiB }), fc.integer({ min: 1, max: 40 }).map((k) => k * 16384)), { minLength: 1, maxLength: 4 }),
    { minLength: 1, maxLength: 3 },
  ),
  // WINDOW_UPDATEs the client sends between takes: stream 0 is the connection, else the n-th stream.
  updates: fc.array(fc.record({ stream: fc.integer({ min: 0, max: 3 }), increment: fc.integer({ min: 1, max: 300 * KiB }) }), { maxLength: 30 }),
});

/** Runs a scenario on a server core; returns everything observable: the wire, the events, the windows. */
function play(sc: Scenario, tap: boolean): string[] {
  const peer = new RawPeer('server');
  if (tap) peer.rec.frame = () => {};
  peer.handshake([
    [SettingId.INITIAL_WINDOW_SIZE, sc.initialWindow],
    [SettingId.MAX_FRAME_SIZE, sc.maxFrameSize],
  ]);
  if (sc.connectionIncrement > 0) peer.send(peer.windowUpdate(0, sc.connectionIncrement));
  const seen: string[] = [];
  sc.bodies.forEach((_, i) => peer.send(peer.headers(2 * i + 1, REQUEST, { endStream: true })));
  sc.bodies.forEach((chunks, i) => {
    const stream = peer.rec.headers[i]!.stream;
    peer.conn.respond(stream, [[':status', '200']]);
    chunks.forEach((n, k) => peer.conn.write(stream, written(i, k, n), k === chunks.length - 1));
  });
  const observe = (): void => {
    // Each take, as the pipeline makes them: the frames and their payload bytes.
    for (const f of peer.out()) seen.push(summary(f) + (f.unknown !== true && f.type === FrameType.DATA ? `:${sampled(f.data)}` : ''));
    seen.push(`| conn ${peer.conn.state.remoteWindowSize} writable ${peer.rec.writable.map((s) => s.id).join(',')} closed ${peer.rec.closed.length}`);
  };
  observe();
  for (const u of sc.updates) {
    const id = u.stream === 0 ? 0 : 2 * ((u.stream - 1) % sc.bodies.length) + 1;
    peer.send(peer.windowUpdate(id, u.increment));
    observe();
  }
  while (peer.conn.wantsWrite) observe();
  return seen;
}

/** A server core whose peer opened every window to 2^31-1, answering stream 1 with a body of `body` octets. */
function respondingWithOpenWindows(body: number) {
  const peer = new RawPeer('server');
  peer.handshake([[SettingId.INITIAL_WINDOW_SIZE, 2 ** 31 - 1]]);
  peer.send(peer.windowUpdate(0, 2 ** 31 - 1 - 65535));
  peer.send(peer.headers(1, REQUEST, { endStream: true }));
  const stream = peer.rec.headers[0]!.stream;
  peer.conn.respond(stream, [[':status', '200']]);
  peer.out();
  peer.conn.write(stream, new Uint8Array(body), true);
  return { peer, stream };
}

describe('DATA runs (frameRun) put on the wire what frame-by-frame round-robin does', () => {
  it('a 5 MiB body alone: full frames up to ~1 MiB per take, END_STREAM on the last, windows charged exactly', () => {
    const body = 5 * 1024 * KiB + 100;
    const { peer, stream } = respondingWithOpenWindows(body);
    const takes: number[][] = [];
    do takes.push(peer.out().filter((f) => f.unknown !== true && f.type === FrameType.DATA).map((f) => (f.unknown !== true && f.type === FrameType.DATA ? f.data.length : 0)));
    while (peer.conn.wantsWrite);
    const sizes = takes.flat();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(body);
    expect(sizes.slice(0, -1).every((n) => n === 16384)).toBe(true);
    expect(sizes.at(-1)).toBe(100);
    // About 1 MiB per take (OUTPUT_BATCH_BYTES), never much more.
    expect(takes.length).toBeGreaterThanOrEqual(5);
    for (const t of takes) expect(t.length).toBeLessThanOrEqual(65);
    expect(peer.conn.state.remoteWindowSize).toBe(2 ** 31 - 1 - body);
    expect(stream.remoteWindowSize).toBe(2 ** 31 - 1 - body);
    expect(peer.rec.closed.map((c) => c.stream.id)).toEqual([1]);
  });

  it('takeOutput(dataBytes) frames about that much DATA per call (the last frame may go past it)', () => {
    const { peer } = respondingWithOpenWindows(10 << 20);
    const octets = (chunks: Uint8Array[] | undefined) => (chunks ?? []).reduce((n, c) => n + c.length, 0);
    // The limit counts frame headers too: the take stops at the first frame that reaches it.
    const framed = (limit: number) => Math.ceil(limit / (16384 + 9)) * (16384 + 9);
    expect(octets(peer.conn.takeOutput(4 << 20))).toBe(framed(4 << 20));
    expect(octets(peer.conn.takeOutput(1 << 20))).toBe(framed(1 << 20));
    // By default, OUTPUT_BATCH_BYTES.
    expect(octets(peer.conn.takeOutput())).toBe(framed(OUTPUT_BATCH_BYTES));
  });

  it('the same frames, events and windows as the frame-by-frame path, whatever the windows, frame size and streams', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        expect(play(sc, false)).toEqual(play(sc, true));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 80), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed },
    );
  });
});
