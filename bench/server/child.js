/**
 * One benchmark server in its own process, so that its CPU and memory are
 * measured alone: `ours` (serve() from rx-http2, loaded from the package's
 * build, dist/index.cjs) or `node` (node:http2's core API). Both answer the same routes:
 *
 *   /small     200, text/plain, a 100-octet body
 *   /big       200, a 16 MiB body (one of four preallocated buffers, in turn)
 *   /upload    reads the request body to its end, then 200 with the small body
 *   /bytes/N   200, N octets written 1 MiB at a time with backpressure (bench/client's download)
 *
 * IPC (see ../lib/common.js): `start` marks the CPU baseline; `stop` answers
 * with the CPU (µs) used since, the part of it spent in the kernel, and the
 * peak RSS (KiB) of the process so far.
 *
 *   node child.js ours|node [--tls key.pem cert.pem] [--src dist/index.cjs] [--autotune]
 */
'use strict';
const fs = require('node:fs');
const { serveIpc, cpuSince } = require('../lib/common');

const args = process.argv.slice(2);
const impl = args[0];
const tlsAt = args.indexOf('--tls');
const tls = tlsAt >= 0 ? { key: fs.readFileSync(args[tlsAt + 1]), cert: fs.readFileSync(args[tlsAt + 2]) } : undefined;
const srcAt = args.indexOf('--src');
const src = srcAt >= 0 ? args[srcAt + 1] : undefined;

const SMALL = Buffer.alloc(100, 0x61);
// Four bodies answered in turn, not one: how fast a 16 MiB buffer is copied depends on where its
// pages landed (up to 30% between two buffers of one process here), and the kernel's copy of it is
// most of the CPU of /big. With one buffer per process, that luck decided whole runs of scenario 3.
// Made at the first /big, so that they count in no other scenario's peak RSS.
const BIGS = [];
let nextBig = 0;
const big = () => {
  if (BIGS.length === 0) for (let i = 0; i < 4; i++) BIGS.push(Buffer.alloc(16 * 1024 * 1024, 0x62));
  return BIGS[nextBig++ % BIGS.length];
};
const SMALL_HEADERS = { ':status': 200, 'content-type': 'text/plain', 'content-length': String(SMALL.length) };
const CHUNK = Buffer.alloc(1024 * 1024, 0x62);
const BIG_HEADERS = { ':status': 200, 'content-type': 'application/octet-stream', 'content-length': String(16 * 1024 * 1024) };

let cpu0 = process.cpuUsage();
const ipc = {
  start() {
    cpu0 = process.cpuUsage();
    return {};
  },
  stop() {
    const { system } = process.cpuUsage(cpu0);
    return { cpu: cpuSince(cpu0), system, maxRSS: process.resourceUsage().maxRSS };
  },
};

async function startOurs() {
  const { serve } = require(src);
  // --autotune: receive-window auto-tuning, off by default for servers (see ConnectionOptions.autoTuneWindow).
  const server = await serve({ host: '127.0.0.1', port: 0, tls, autoTuneWindow: args.includes('--autotune') });
  const noop = () => {};
  server.streams$.subscribe((stream) => {
    const path = stream.path;
    if (path === '/upload') {
      (async () => {
        for await (const _ of stream.body);
        await stream.respond(SMALL_HEADERS, SMALL);
      })().catch(noop);
    } else if (path === '/big') {
      stream.respond(BIG_HEADERS, big()).catch(noop);
    } else if (path.startsWith('/bytes/')) {
      const total = Number(path.slice(7));
      const chunks = async function* () {
        for (let sent = 0; sent < total; sent += CHUNK.length) yield total - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - sent);
      };
      stream.respond({ ':status': 200, 'content-length': String(total) }, chunks()).catch(noop);
    } else {
      stream.respond(SMALL_HEADERS, SMALL).catch(noop);
    }
  });
  return server.address.port;
}

async function startNode() {
  const http2 = require('node:http2');
  const server = tls ? http2.createSecureServer(tls) : http2.createServer();
  server.on('stream', (s, headers) => {
    s.on('error', () => {});
    const path = headers[':path'];
    if (path === '/upload') {
      s.on('data', () => {});
      s.on('end', () => {
        if (s.destroyed) return; // h2load stopped mid-upload at the end of its run
        s.respond(SMALL_HEADERS);
        s.end(SMALL);
      });
    } else if (path === '/big') {
      s.respond(BIG_HEADERS);
      s.end(big());
    } else if (path.startsWith('/bytes/')) {
      const total = Number(path.slice(7));
      // Read the (empty) request: a node:http2 server stream whose request was never read is closed
      // with RST_STREAM(NO_ERROR) in a setImmediate after the response is written, which can overtake
      // the END_STREAM still queued behind flow control (Http2Stream[kMaybeDestroy]).
      s.resume();
      s.respond({ ':status': 200, 'content-length': String(total) });
      let sent = 0;
      const more = () => {
        while (sent < total) {
          const chunk = total - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - sent);
          sent += chunk.length;
          if (sent >= total) return void s.end(chunk);
          if (!s.write(chunk)) return void s.once('drain', more);
        }
      };
      more();
    } else {
      s.respond(SMALL_HEADERS);
      s.end(SMALL);
    }
  });
  server.on('sessionError', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

(impl === 'ours' ? startOurs() : startNode()).then(
  (port) => {
    serveIpc(ipc);
    process.send({ type: 'ready', port });
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
