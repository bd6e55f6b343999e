import { createHash } from 'node:crypto';
import * as http2 from 'node:http2';
import { main as helloServer } from '../../examples/hello-server';
import { main as client } from '../../examples/client';
import { main as requestPipeline } from '../../examples/request-pipeline';
import { endToEnd, main as reverseProxy } from '../../examples/reverse-proxy';
import { toArray } from 'ix/asynciterable';
import { ErrorCode } from '../../src/protocol/error-code';
import type { StreamClose } from '../../src/rx/rx-stream';
import { connect } from '../../src/rx/connect';
import { serve, type RxServer } from '../../src/rx/serve';
import { delay, h2request, until } from './helpers';

// Each example's main(), run briefly in-process: they must keep working.
describe('examples/', () => {
  it('hello-server answers; client fetches from it', async () => {
    const server = await helloServer(0);
    try {
      const result = await client(`${server.url}/hi?x=1`);
      expect(result.status).toBe(200);
      expect(result.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(result.body).toBe('hello from rx-http2: GET /hi?x=1\n');
      result.close();
      result.close(); // idempotent
      const post = await h2request(server.url, { ':method': 'POST', ':path': '/' }, { body: 'x' });
      expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
    } finally {
      await server.close();
    }
  });

  it('request-pipeline: every item arrives despite GOAWAYs (retried on new connections), at most 4 in flight, /slow times out', async () => {
    const run = await requestPipeline({ count: 20, timeoutMs: 1000 }); // generous: items must not time out on a busy machine
    try {
      const items = run.results.filter((r) => r.path !== '/slow');
      expect(items).toHaveLength(20);
      for (const item of items) expect(item).toEqual({ path: item.path, status: 200, text: `item ${item.path}` });
      expect(run.results.find((r) => r.path === '/slow')?.error).toMatch(/^TimeoutError/);
      expect(run.retries).toBeGreaterThan(0);
      expect(run.connections).toBeGreaterThan(1);
      expect(run.demo!.maxInFlight()).toBeLessThanOrEqual(4);
      expect(run.demo!.maxInFlight()).toBeGreaterThan(1);
    } finally {
      await run.close();
    }
  });

  describe('reverse-proxy', () => {
    let upstream: RxServer;
    let produced = 0;
    let endlessClose: StreamClose | undefined;
    beforeAll(async () => {
      upstream = await serve({ host: '127.0.0.1' });
      upstream.streams$.subscribe(async (stream) => {
        if (stream.path === '/echo') {
          // Streams the request body back as it arrives.
          await stream.respond({ ':status': 200, 'x-upstream-saw': `${stream.headers[':authority']} ${stream.headers['x-forwarded-host']} ${stream.headers.via}` }, stream.body);
        } else if (stream.path === '/trailers') {
          // Echoes the body; the trailers are known only at its end: its sha256, and the request's own trailer.
          const hash = createHash('sha256');
          const echoed = (async function* () {
            for await (const chunk of stream.body) {
              hash.update(chunk);
              yield chunk;
            }
          })();
          await stream.respond({ ':status': 200 }, echoed, {
            trailers: async () => ({ 'x-sha256': hash.digest('hex'), 'x-request-trailer': String((await stream.trailers)?.['x-client'] ?? 'none') }),
          });
        } else if (stream.path === '/endless') {
          produced = 0;
          endlessClose = undefined;
          void stream.closed.then((c) => (endlessClose = c));
          async function* endless() {
            for (;;) {
              produced += 16384;
              yield new Uint8Array(16384);
            }
          }
          await stream.respond({ ':status': 200 }, endless()).catch(() => undefined);
        } else {
          const body = Buffer.concat(await toArray(stream.body));
          await stream.respond({ ':status': 201, 'content-type': 'text/plain', 'x-method': String(stream.method) }, `got ${body.length} bytes at ${stream.path}`);
        }
      });
    });
    afterAll(() => upstream.close());

    it('forwards requests and responses, headers included (minus hop-by-hop), adding via', async () => {
      const proxy = await reverseProxy({ upstream: upstream.url, port: 0 });
      try {
        const r = await h2request(proxy.url, { ':path': '/thing?q=1', ':method': 'PUT' }, { body: 'abc' });
        expect(r.status).toBe(201);
        expect(r.body.toString()).toBe('got 3 bytes at /thing?q=1');
        expect(r.headers['x-method']).toBe('PUT');
        expect(r.headers.via).toBe('2 rx-http2-proxy');
        const get = await h2request(proxy.url, { ':path': '/plain' });
        expect(get.body.toString()).toBe('got 0 bytes at /plain');
      } finally {
        await proxy.close();
      }
    });

    it('streams a large request body up and back down intact', async () => {
      const proxy = await reverseProxy({ upstream: upstream.url, port: 0 });
      try {
        const big = Buffer.alloc(2 * 1024 * 1024 + 7, 0x5a);
        const r = await h2request(proxy.url, { ':method': 'POST', ':path': '/echo' }, { body: big });
        expect(r.status).toBe(200);
        expect(r.body.equals(big)).toBe(true);
        const upstreamAuthority = new URL(upstream.url).host;
        const proxyAuthority = new URL(proxy.url).host;
        expect(r.headers['x-upstream-saw']).toBe(`${upstreamAuthority} ${proxyAuthority} 2 rx-http2-proxy`);
      } finally {
        await proxy.close();
      }
    });

    it('forwards trailers both ways: the request\'s to the upstream, the upstream response\'s to the client', async () => {
      const proxy = await reverseProxy({ upstream: upstream.url, port: 0 });
      const session = await connect(proxy.url);
      try {
        const body = Buffer.alloc(300_000, 0x33);
        const r = await session.requestStream({ ':method': 'POST', ':path': '/trailers' }, body, { trailers: { 'x-client': 'yes' } });
        expect(Buffer.concat(await toArray(r.body)).equals(body)).toBe(true);
        expect(await r.trailers).toEqual({ 'x-sha256': createHash('sha256').update(body).digest('hex'), 'x-request-trailer': 'yes' });
      } finally {
        session.close();
        await proxy.close();
      }
    });

    it('backpressure: a client that does not read holds the upstream back; cancelling cancels upstream', async () => {
      const proxy = await reverseProxy({ upstream: upstream.url, port: 0 });
      try {
        const session = http2.connect(proxy.url);
        const req = session.request({ ':path': '/endless' });
        req.pause();
        await new Promise((r) => req.once('response', r));
        await delay(300);
        // Windows and queues along the way hold a few hundred KiB at most; the upstream would produce without end otherwise.
        expect(produced).toBeLessThan(1024 * 1024);
        const before = produced;
        req.close(http2.constants.NGHTTP2_CANCEL);
        session.close();
        // The cancel reaches the upstream stream, which closes (CANCEL from the proxy).
        await until(() => endlessClose !== undefined, 5000, 'the upstream stream to close');
        expect(endlessClose).toEqual({ code: ErrorCode.CANCEL, initiator: 'remote' });
        expect(produced - before).toBeLessThan(1024 * 1024);
      } finally {
        await proxy.close();
      }
    });

    it('an unreachable upstream is 502', async () => {
      const proxy = await reverseProxy({ upstream: 'http://127.0.0.1:1', port: 0 });
      try {
        const r = await h2request(proxy.url, { ':path': '/' });
        expect([r.status, r.body.toString()]).toEqual([502, 'bad gateway\n']);
      } finally {
        await proxy.close();
      }
    });

    it('endToEnd drops pseudo-headers, hop-by-hop fields and those named by connection; keeps te: trailers', () => {
      expect(
        endToEnd([
          [':path', '/'],
          ['connection', 'x-private, keep-alive'],
          ['x-private', '1'],
          ['keep-alive', '5'],
          ['te', 'trailers'],
          ['transfer-encoding', 'chunked'],
          ['accept', '*/*'],
        ]),
      ).toEqual([
        ['te', 'trailers'],
        ['accept', '*/*'],
      ]);
    });
  });
});
