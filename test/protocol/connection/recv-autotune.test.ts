import type { ConnectionOptions, CoreStream } from '../../../src/protocol/connection';
import { DEFAULT_AUTOTUNE_MAX_WINDOW } from '../../../src/protocol/flow';
import { Pair, serveBody } from './helpers';

/**
 * Receive-window auto-tuning in the core (ConnectionOptions.autoTuneWindow):
 * on by default for clients, off for servers; the window grows only while
 * the consumer keeps up with a window-limited sender.
 *
 * The pair runs on a virtual clock with a 10 ms round trip: each `round()`
 * moves everything the windows allow, then advances the clock by one RTT.
 */
const RTT = 10;
const BODY = 64 << 20;
const GET: Array<[string, string]> = [[':method', 'GET'], [':scheme', 'https'], [':authority', 'x'], [':path', '/big']];

/** A client and a server that answers every request with a `BODY`-octet response; the handshake takes one RTT. */
function download(client: Partial<ConnectionOptions> = {}): { p: Pair; stream: CoreStream; round(): number; consume(n: number): void } {
  const p = new Pair(client, {});
  const delivered = serveBody(p, BODY);
  // Handshake: our SETTINGS leave at 0 and are acknowledged one RTT later (the first RTT estimate).
  p.move(p.client, p.server);
  p.now = RTT;
  p.pump();
  const stream = p.client.request(GET, { endStream: true });
  return {
    p,
    stream,
    /** One round trip; returns the octets delivered to the client in it. */
    round() {
      const before = delivered.received();
      p.pump();
      p.now += RTT;
      return delivered.received() - before;
    },
    /** The consumer reads `n` octets now (the clock brought to now first, as the session pipeline does for every command). */
    consume(n: number) {
      if (n === 0) return;
      p.client.tick(p.now);
      p.client.consumed(stream, n);
    },
  };
}

describe('receive-window auto-tuning', () => {
  it('a client whose consumer keeps up grows its windows, doubling per window drained, up to 8 MiB', () => {
    const { p, stream, round, consume } = download();
    const perRound: number[] = [];
    for (let i = 0; i < 16 && !stream.closed; i++) {
      perRound.push(round());
      // The consumer reads everything at once: it keeps up with any sender.
      consume(stream.bufferedBytes);
    }
    // The first round is the initial 65535-octet windows; then the windows (and the octets per RTT) grow:
    // the stream's and the connection's each double once per window drained within 2 RTTs.
    expect(perRound[0]).toBe(65535);
    expect(perRound[6]!).toBeGreaterThan(4 * 65535);
    expect(Math.max(...perRound)).toBeLessThanOrEqual(DEFAULT_AUTOTUNE_MAX_WINDOW);
    expect(Math.max(...perRound)).toBeGreaterThan(DEFAULT_AUTOTUNE_MAX_WINDOW / 2);
    expect(p.client.state.effectiveLocalWindowSize).toBe(DEFAULT_AUTOTUNE_MAX_WINDOW);
    expect(stream.localWindowSize).toBeLessThanOrEqual(DEFAULT_AUTOTUNE_MAX_WINDOW);
  });

  it('a slow reader never grows it: a window read over more than 2 RTTs keeps the window at 65535', () => {
    const { p, stream, round, consume } = download();
    for (let i = 0; i < 60; i++) {
      expect(round()).toBeLessThanOrEqual(65535);
      // 16 KiB per RTT: a 64 KiB window takes 4 RTTs to drain.
      const n = Math.min(16384, stream.bufferedBytes);
      consume(n);
    }
    expect(p.client.state.effectiveLocalWindowSize).toBe(65535);
    expect(stream.localWindowSize + stream.bufferedBytes).toBeLessThanOrEqual(65535);
  });

  it('a reader that pauses and then drains everything buffered at once does not grow it either', () => {
    const { p, stream, round, consume } = download();
    for (let i = 0; i < 20; i++) {
      expect(round()).toBeLessThanOrEqual(65535);
      // 10 RTTs without reading (the sender stalls on our full window), then a burst.
      for (let k = 0; k < 10; k++) round();
      consume(stream.bufferedBytes);
    }
    expect(p.client.state.effectiveLocalWindowSize).toBe(65535);
  });

  it('a reader that slows down keeps the window it earned, without growing it further', () => {
    const { p, stream, round, consume } = download();
    for (let i = 0; i < 3; i++) {
      round();
      consume(stream.bufferedBytes);
    }
    const earned = p.client.state.effectiveLocalWindowSize;
    expect(earned).toBeGreaterThan(65535);
    for (let i = 0; i < 40; i++) {
      expect(round()).toBeLessThanOrEqual(earned);
      const n = Math.min(16384, stream.bufferedBytes);
      consume(n);
    }
    expect(p.client.state.effectiveLocalWindowSize).toBe(earned);
  });

  it('is off when the client says so, and off by default for servers', () => {
    const fixed = download({ autoTuneWindow: false });
    for (let i = 0; i < 8; i++) {
      expect(fixed.round()).toBeLessThanOrEqual(65535);
      fixed.consume(fixed.stream.bufferedBytes);
    }
    expect(fixed.p.client.state.effectiveLocalWindowSize).toBe(65535);

    // A server reading an upload as fast as it comes: its windows stay as configured.
    const p = new Pair({}, {});
    p.s.keepData = false;
    p.s.onData = (s, d) => {
      if (d.length > 0) p.server.consumed(s, d.length); // at once: receive() brought the server's clock to now
    };
    p.pump();
    const upload = p.client.request([[':method', 'POST'], [':scheme', 'https'], [':authority', 'x'], [':path', '/up']]);
    p.client.write(upload, new Uint8Array(4 << 20), true);
    let before = p.toServer;
    for (let i = 0; i < 20 && !upload.closed; i++) {
      p.pump(1);
      expect(p.toServer - before).toBeLessThanOrEqual(65535 + 1024);
      before = p.toServer;
      p.now += RTT;
    }
    expect(p.server.state.effectiveLocalWindowSize).toBe(65535);
  });

  it('a PING round trip replaces the SETTINGS estimate', () => {
    const { p, stream, round, consume } = download();
    // A 50 ms PING: by that measure, 16 KiB per 10 ms (a window in 40 ms < 2 × 50 ms) keeps up with the sender.
    expect(p.client.ping()).toBe(true);
    p.move(p.client, p.server);
    p.now += 50;
    p.move(p.server, p.client);
    expect(p.c.pingAcks[0]!.rtt).toBe(50);
    for (let i = 0; i < 20; i++) {
      round();
      const n = Math.min(16384, stream.bufferedBytes);
      consume(n);
    }
    expect(p.client.state.effectiveLocalWindowSize).toBeGreaterThan(65535);
  });
});
