import fc from 'fast-check';
import { MAX_WINDOW_SIZE } from '../../../src/protocol/frames/frame-type';
import { nextDataFrameSize, RecvWindow, SendWindow } from '../../../src/protocol/flow';

/*
 * A conforming peer (sender: SendWindow) talking to us (receiver: RecvWindow)
 * over an ordered pipe, one live stream plus DATA on a dead (reset/unknown)
 * stream that only the connection window sees. Random interleavings of
 * send / deliver / consume / settings change / setLocalWindowSize.
 */
type Op =
  | { op: 'send'; n: number; pad: number; dead: boolean }
  | { op: 'deliverData' }
  | { op: 'deliverUpdate' }
  | { op: 'consume'; n: number }
  | { op: 'flush' }
  | { op: 'initial'; size: number }
  | { op: 'local'; size: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      n: fc.integer({ min: 0, max: 70_000 }),
      pad: fc.integer({ min: 0, max: 256 }),
      dead: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ op: 'deliverData' as const }) },
  { weight: 3, arbitrary: fc.constant({ op: 'deliverUpdate' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('consume' as const), n: fc.integer({ min: 0, max: 70_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('initial' as const), size: fc.integer({ min: 0, max: MAX_WINDOW_SIZE >> 1 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('local' as const), size: fc.integer({ min: 0, max: MAX_WINDOW_SIZE }) }),
  },
);

/** Counts across all runs, to check the generator really exercises the paths. */
const coverage = { delivered: 0, updatesApplied: 0, refunds: 0, settingsChanges: 0 };

interface InFlight {
  stream: number; // 1 live, 3 dead
  length: number;
  pad: number;
}

/** Cheap assertion for the hot loop (jest's expect is slow per step). */
function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function run(initialStream: number, initialConn: number, ops: Op[], fraction: number): void {
  const F = 16384;
  // peer side
  const peerConn = new SendWindow(0, 65535);
  const peerStream = new SendWindow(1, initialStream);
  // our side
  const conn = new RecvWindow(0, 65535, { updateFraction: fraction });
  const stream = new RecvWindow(1, initialStream, { updateFraction: fraction });
  // Start-up: we size the connection window (setLocalWindowSize) and the peer has received that update.
  const startInc = conn.setLocalWindowSize(initialConn);
  if (startInc > 0) expect(peerConn.increase(startInc)).toBeUndefined();
  let growth = 0;
  let streamGrowth = 0;
  let initial = initialStream;

  const data: InFlight[] = [];
  const updates: { stream: number; inc: number }[] = [];
  let inflightConn = 0;
  let inflightStream = 0;
  let updConn = 0;
  let updStream = 0;
  let consumedConn = 0;
  let refundedConn = 0;
  let creditedConn = 0;
  let consumedStream = 0;
  let refundedStream = 0;
  let creditedStream = 0;

  const emit = (streamId: number, inc: number) => {
    if (inc <= 0) return;
    updates.push({ stream: streamId, inc });
    if (streamId === 0) {
      creditedConn += inc;
      updConn += inc;
    } else {
      creditedStream += inc;
      updStream += inc;
    }
  };

  for (const o of ops) {
    switch (o.op) {
      case 'send': {
        const sw = o.dead ? 1 << 30 : peerStream.available;
        const n = nextDataFrameSize(o.n, sw, peerConn.available, F, 1);
        if (n <= 0) break;
        const pad = Math.min(o.pad, n); // padding is part of the flow-controlled length
        peerConn.consume(n);
        if (!o.dead) peerStream.consume(n);
        data.push({ stream: o.dead ? 3 : 1, length: n, pad });
        inflightConn += n;
        if (!o.dead) inflightStream += n;
        break;
      }
      case 'deliverData': {
        const f = data.shift();
        if (!f) break;
        inflightConn -= f.length;
        coverage.delivered++;
        check(conn.receive(f.length) === undefined, 'conforming DATA rejected (connection)');
        if (f.stream === 3) {
          // reset/unknown stream: refund the whole frame on the connection
          refundedConn += f.length;
          coverage.refunds++;
          emit(0, conn.refund(f.length));
        } else {
          inflightStream -= f.length;
          check(stream.receive(f.length) === undefined, 'conforming DATA rejected (stream)');
          if (f.pad > 0) {
            refundedConn += f.pad;
            refundedStream += f.pad;
            emit(0, conn.refund(f.pad));
            emit(1, stream.refund(f.pad));
          }
        }
        break;
      }
      case 'deliverUpdate': {
        const u = updates.shift();
        if (!u) break;
        coverage.updatesApplied++;
        if (u.stream === 0) {
          updConn -= u.inc;
          check(peerConn.increase(u.inc) === undefined, 'WINDOW_UPDATE rejected (connection)');
        } else {
          updStream -= u.inc;
          check(peerStream.increase(u.inc) === undefined, 'WINDOW_UPDATE rejected (stream)');
        }
        break;
      }
      case 'consume': {
        const n = Math.min(o.n, stream.buffered);
        consumedStream += n;
        consumedConn += n;
        emit(1, stream.consumed(n));
        emit(0, conn.consumed(n));
        break;
      }
      case 'flush':
        emit(0, conn.flush());
        emit(1, stream.flush());
        break;
      case 'initial': {
        // Our SETTINGS_INITIAL_WINDOW_SIZE change, applied by both ends at the same point of the
        // byte stream (the peer when it reads our SETTINGS, us as the frames before it drain).
        if (data.length > 0 || updates.length > 0) break;
        const delta = o.size - initial;
        if (stream.window + delta > MAX_WINDOW_SIZE || stream.target + delta > MAX_WINDOW_SIZE) break;
        if (peerStream.available + delta > MAX_WINDOW_SIZE) break;
        expect(stream.applyInitialWindowDelta(delta)).toBeUndefined();
        expect(peerStream.applyInitialWindowDelta(delta)).toBeUndefined();
        if (delta > 0) streamGrowth += delta;
        initial = o.size;
        coverage.settingsChanges++;
        break;
      }
      case 'local': {
        const before = conn.target;
        emit(0, conn.setLocalWindowSize(o.size));
        if (o.size > before) growth += o.size - before;
        break;
      }
    }

    // Windows never exceed 2^31-1.
    for (const w of [conn.window, stream.window, peerConn.available, peerStream.available, conn.target, stream.target]) {
      check(w <= MAX_WINDOW_SIZE, `window ${w} > 2^31-1`);
    }
    // Both ends agree up to what is in flight.
    check(conn.window - peerConn.available === inflightConn + updConn, 'connection windows disagree');
    check(stream.window - peerStream.available === inflightStream + updStream, 'stream windows disagree');
    // Credit never exceeds what was consumed or refunded (plus deliberate window growth).
    check(creditedConn <= consumedConn + refundedConn + growth, `connection credited ${creditedConn} > consumed ${consumedConn} + refunded ${refundedConn} + growth ${growth}`);
    check(creditedStream <= consumedStream + refundedStream + streamGrowth, `stream credited ${creditedStream} > consumed + refunded`);
    // Buffered bytes are bounded by the target we ever allowed.
    check(stream.buffered <= Math.max(initialStream, initial) + streamGrowth, 'stream buffered beyond its targets');
  }
}

describe('flow-control properties (fast-check)', () => {
  test('random interleavings: windows ≤ 2^31-1, ends agree, credit ≤ consumed + refunded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 << 20 }),
        fc.integer({ min: 0, max: 1 << 22 }),
        fc.array(opArb, { minLength: 10, maxLength: 200, size: 'max' }),
        fc.constantFrom(0.5, 0.25, 1, 0.01),
        (initialStream, initialConn, ops, fraction) => run(initialStream, initialConn, ops, fraction),
      ),
      { numRuns: 1000 },
    );
  });

  test('without settings or window-size changes, credit never exceeds bytes consumed + refunded', () => {
    const plain = opArb.filter((o) => o.op !== 'initial' && o.op !== 'local');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 18 }), fc.array(plain, { minLength: 10, maxLength: 300, size: 'max' }), (initialStream, ops) =>
        run(initialStream, 65535, ops, 0.5),
      ),
      { numRuns: 500 },
    );
  });

  test('near the maximum: windows opened to 2^31-1 stay within it', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 100, size: 'max' }), (ops) => run(MAX_WINDOW_SIZE, MAX_WINDOW_SIZE, ops, 0.5)),
      { numRuns: 200 },
    );
  });

  test('the generator exercised delivery, updates and refunds', () => {
    expect(coverage.delivered).toBeGreaterThan(1000);
    expect(coverage.updatesApplied).toBeGreaterThan(100);
    expect(coverage.refunds).toBeGreaterThan(100);
    expect(coverage.settingsChanges).toBeGreaterThan(10);
  });
});
