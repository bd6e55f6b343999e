/**
 * One benchmark client in its own process, so that its CPU is measured
 * alone: `ours` (connect() from rx-http2, loaded from the package's build, dist/index.cjs)
 * or `node` (node:http2's client). Default settings on both.
 *
 * IPC (see ../lib/common.js):
 *   { type: 'requests', url, total, concurrency }  GET /small `total` times,
 *       `concurrency` in flight, over one session → { wall, cpu, done, bytes }
 *   { type: 'download', url, bytes }  GET /bytes/N once → { wall, cpu, received }
 * wall in ms, cpu in µs (process.cpuUsage), both around the whole operation,
 * connecting included.
 *
 *   node child.js ours|node [--src dist/index.cjs]
 */
'use strict';
const { serveIpc, cpuSince } = require('../lib/common');

const args = process.argv.slice(2);
const impl = args[0];
const srcAt = args.indexOf('--src');
const src = srcAt >= 0 ? args[srcAt + 1] : undefined;

function measure(fn) {
  return async (msg) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = await fn(msg);
    return { ...r, wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: cpuSince(cpu0) };
  };
}

const ours = {
  async session(url) {
    const { connect } = require(src);
    return connect(url);
  },
  requests: measure(async ({ url, total, concurrency }) => {
    const session = await ours.session(url);
    let started = 0;
    let done = 0;
    let bytes = 0;
    await new Promise((resolve, reject) => {
      const observer = {
        next(e) {
          if (e.type === 'data') bytes += e.chunk.length;
        },
        error: reject,
        complete() {
          done++;
          if (started < total) one();
          else if (done === total) resolve();
        },
      };
      const one = () => {
        started++;
        session.request({ ':path': '/small' }).subscribe(observer);
      };
      for (let i = 0; i < concurrency && started < total; i++) one();
    });
    session.close();
    return { done, bytes };
  }),
  download: measure(async ({ url, bytes }) => {
    const session = await ours.session(url);
    let received = 0;
    await new Promise((resolve, reject) => {
      session.request({ ':path': `/bytes/${bytes}` }).subscribe({
        next(e) {
          if (e.type === 'data') received += e.chunk.length;
        },
        error: reject,
        complete: resolve,
      });
    });
    session.close();
    return { received };
  }),
};

const node = {
  async session(url) {
    const http2 = require('node:http2');
    const session = http2.connect(url);
    await new Promise((resolve, reject) => {
      session.once('connect', resolve);
      session.once('error', reject);
    });
    return session;
  },
  requests: measure(async ({ url, total, concurrency }) => {
    const session = await node.session(url);
    let started = 0;
    let done = 0;
    let bytes = 0;
    await new Promise((resolve, reject) => {
      const one = () => {
        started++;
        const req = session.request({ ':path': '/small' });
        req.on('data', (c) => (bytes += c.length));
        req.on('error', reject);
        req.on('end', () => {
          done++;
          if (started < total) one();
          else if (done === total) resolve();
        });
      };
      for (let i = 0; i < concurrency && started < total; i++) one();
    });
    session.close();
    return { done, bytes };
  }),
  download: measure(async ({ url, bytes }) => {
    const session = await node.session(url);
    let received = 0;
    await new Promise((resolve, reject) => {
      const req = session.request({ ':path': `/bytes/${bytes}` });
      req.on('data', (c) => (received += c.length));
      req.on('error', reject);
      req.on('end', resolve);
    });
    session.close();
    return { received };
  }),
};

const client = impl === 'ours' ? ours : node;
serveIpc({ requests: client.requests, download: client.download });
process.send({ type: 'ready' });
