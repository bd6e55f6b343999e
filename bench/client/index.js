#!/usr/bin/env node
/**
 * Our client (connect(), reactive API) against node:http2's client, both
 * against the same server: node:http2 in a child process (../server/child.js).
 * Each client runs in its own child process (./child.js), so its CPU
 * (process.cpuUsage around each run) is its own. Default settings on both.
 *
 *   node bench/client/index.js [--quick] [--rounds N] [--requests N] [--mib N]
 *
 *   requests  GET with a 100-octet response, `--requests` (default 100,000)
 *             at concurrency 100 over one session: requests/s (wall) and per
 *             client CPU-second. Target ours ≥ 1.0x node.
 *   download  one response of `--mib` (default 256) MiB: MB/s (wall) and per
 *             client CPU-second. Target ours ≥ 2.0x node on MB/s.
 * Rounds alternate which client goes first; figures are medians after one
 * warm-up run per client. MISSED is printed next to a ratio below target;
 * the exit code is 0 either way.
 */
'use strict';
const path = require('node:path');
const { buildOurs, cliArgs, missed, spawnChild, median, table, fmt } = require('../lib/common');

const { quick, option } = cliArgs();
const ROUNDS = Number(option('--rounds', quick ? 3 : 5));
const REQUESTS = Number(option('--requests', quick ? 20_000 : 100_000));
const MIB = Number(option('--mib', quick ? 64 : 256));
const CONCURRENCY = 100;

async function main() {
  console.log(
    `rx-http2 connect() vs node:http2 client, against a node:http2 server (node ${process.version}); median of ${ROUNDS} rounds, ratio = ours / node`,
  );
  const src = buildOurs();
  const server = spawnChild(path.join(__dirname, '..', 'server', 'child.js'), ['node']);
  const clients = {
    ours: spawnChild(path.join(__dirname, 'child.js'), ['ours', '--src', src]),
    node: spawnChild(path.join(__dirname, 'child.js'), ['node']),
  };
  try {
    const url = `http://127.0.0.1:${(await server.ready).port}`;
    await Promise.all(Object.values(clients).map((c) => c.ready));
    const bytes = MIB * 1024 * 1024;
    const req = { ours: [], node: [] };
    const dl = { ours: [], node: [] };
    for (const impl of ['ours', 'node']) {
      // Warm-up.
      await clients[impl].call({ type: 'requests', url, total: Math.min(REQUESTS, 10_000), concurrency: CONCURRENCY });
      await clients[impl].call({ type: 'download', url, bytes: Math.min(bytes, 32 * 1024 * 1024) });
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['ours', 'node'] : ['node', 'ours'];
      for (const impl of order) {
        const x = await clients[impl].call({ type: 'requests', url, total: REQUESTS, concurrency: CONCURRENCY });
        if (x.done !== REQUESTS || x.bytes !== REQUESTS * 100) throw new Error(`${impl}: ${x.done} requests, ${x.bytes} octets`);
        req[impl].push(x);
      }
      for (const impl of order) {
        const x = await clients[impl].call({ type: 'download', url, bytes });
        if (x.received !== bytes) throw new Error(`${impl}: downloaded ${x.received} of ${bytes} octets`);
        dl[impl].push(x);
      }
    }
    const out = {};
    for (const impl of ['ours', 'node']) {
      out[impl] = {
        rps: median(req[impl].map((x) => REQUESTS / (x.wall / 1000))),
        rpc: median(req[impl].map((x) => REQUESTS / (x.cpu / 1e6))),
        mbps: median(dl[impl].map((x) => bytes / 1e6 / (x.wall / 1000))),
        mbpc: median(dl[impl].map((x) => bytes / 1e6 / (x.cpu / 1e6))),
      };
    }
    console.log();
    table([
      ['client', `requests/s (${fmt.int(REQUESTS)} x ${CONCURRENCY})`, 'requests/CPU-s', `download MB/s (${MIB} MiB)`, 'download MB/CPU-s'],
      ...['ours', 'node'].map((impl) => [impl, fmt.int(out[impl].rps), fmt.int(out[impl].rpc), fmt.f1(out[impl].mbps), fmt.f1(out[impl].mbpc)]),
    ]);
    const r = (k) => out.ours[k] / out.node[k];
    console.log();
    table([
      ['ratio ours / node', 'value', 'target'],
      ['requests/s', fmt.ratio(r('rps')) + missed(r('rps'), 1), '>= 1.0x'],
      ['requests per client CPU-s', fmt.ratio(r('rpc')) + missed(r('rpc'), 1), '>= 1.0x'],
      ['download MB/s', fmt.ratio(r('mbps')) + missed(r('mbps'), 2), '>= 2.0x'],
      ['download MB per client CPU-s', fmt.ratio(r('mbpc')), '(report)'],
    ]);
  } finally {
    await Promise.all([server, ...Object.values(clients)].map((c) => c.stop()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
