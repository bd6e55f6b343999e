/**
 * CONNECT (RFC 9113 §8.5) and extended CONNECT (RFC 8441) through the
 * reactive API over real sockets: a full-duplex tunnel, where the client
 * reads the server's bytes while it is still sending its own, each message
 * answered before the next is sent (so neither body is buffered whole).
 */
import { filter, firstValueFrom } from 'rxjs';
import { SettingId } from '../../src/protocol/settings';
import { connect } from '../../src/rx/connect';
import type { RxSession } from '../../src/rx/rx-session';
import { serve, type RxServer } from '../../src/rx/serve';

/** An async-iterable request body fed by hand: `send` queues a chunk, `end` finishes it. */
function channel(): { body: AsyncIterable<Uint8Array>; send(text: string): void; end(): void } {
  const queue: Array<Uint8Array | null> = [];
  let wake: (() => void) | undefined;
  return {
    body: (async function* () {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        const next = queue.shift()!;
        if (next === null) return;
        yield next;
      }
    })(),
    send(text) {
      queue.push(Buffer.from(text));
      wake?.();
    },
    end() {
      queue.push(null);
      wake?.();
    },
  };
}

describe('CONNECT tunnels over serve() and connect()', () => {
  let server: RxServer;
  let session: RxSession;
  const seen: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    // Extended CONNECT must be enabled by the server's SETTINGS (RFC 8441 §3).
    server = await serve({ host: '127.0.0.1', settings: [[SettingId.ENABLE_CONNECT_PROTOCOL, 1]] });
    server.streams$.subscribe((stream) => {
      seen.push({ ...stream.headers });
      // An echo tunnel: every chunk back, upper-cased, as it arrives.
      const echo = (async function* () {
        for await (const chunk of stream.body) yield Buffer.from(Buffer.from(chunk).toString().toUpperCase());
      })();
      void stream.respond({ ':status': 200 }, echo);
    });
    session = await connect(server.url);
  });
  afterAll(async () => {
    session.close();
    await server.close();
  });

  async function talk(headers: Record<string, string>): Promise<string[]> {
    const tunnel = channel();
    const response = await session.requestStream(headers, tunnel.body);
    expect(response.status).toBe(200);
    const replies = response.body[Symbol.asyncIterator]();
    const heard: string[] = [];
    for (const message of ['hello', 'full', 'duplex']) {
      tunnel.send(message);
      // Answered before the next message is sent: the tunnel is full-duplex, not request-then-response.
      heard.push(Buffer.from((await replies.next()).value!).toString());
    }
    tunnel.end();
    expect((await replies.next()).done).toBe(true);
    return heard;
  }

  it('CONNECT: only :method and :authority are sent (§8.5), and bytes flow both ways at once', async () => {
    expect(await talk({ ':method': 'CONNECT', ':authority': 'upstream.example:443' })).toEqual(['HELLO', 'FULL', 'DUPLEX']);
    const h = seen.at(-1)!;
    expect(h[':method']).toBe('CONNECT');
    expect(h[':authority']).toBe('upstream.example:443');
    expect(h[':scheme']).toBeUndefined();
    expect(h[':path']).toBeUndefined();
  });

  it('extended CONNECT (:protocol, RFC 8441): a WebSocket-style tunnel with :scheme and :path', async () => {
    await firstValueFrom(session.settings$.pipe(filter((s) => s.remote.enableConnectProtocol === 1)));
    expect(await talk({ ':method': 'CONNECT', ':protocol': 'websocket', ':path': '/chat' })).toEqual(['HELLO', 'FULL', 'DUPLEX']);
    expect(seen.at(-1)).toMatchObject({ ':method': 'CONNECT', ':protocol': 'websocket', ':path': '/chat', ':scheme': 'http' });
  });

  it('extended CONNECT to a server that did not enable it is refused before anything is sent', async () => {
    const plain = await serve({ host: '127.0.0.1' });
    const client = await connect(plain.url);
    try {
      await expect(client.requestStream({ ':method': 'CONNECT', ':protocol': 'websocket', ':path': '/chat' })).rejects.toThrow(/SETTINGS_ENABLE_CONNECT_PROTOCOL/);
    } finally {
      client.close();
      await plain.close();
    }
  });
});
