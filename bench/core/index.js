#!/usr/bin/env node
/**
 * The sans-I/O connection core, client and server back to back in one
 * process (no sockets, no RxJS): what the protocol layer costs by itself.
 *
 *   node bench/core/index.js [--quick] [--requests N] [--mib N] [--rounds N]
 *
 * - small requests: GET with a 100-octet response, up to 100 in flight over
 *   one connection; reported as requests per CPU-second (process.cpuUsage,
 *   both cores together) after a warm-up.
 * - bulk transfer: one response of 256 MiB written in 64 KiB chunks, read
 *   and consumed as it arrives, with 16 MiB windows; reported as MB/s of wall
 *   time and of CPU time.
 * The byte stream between the cores is copied into 64 KiB reads, as a socket
 * would deliver it. Each figure is the median of `--rounds` runs (default 5)
 * after a warm-up: this machine is shared, single runs are noisy.
 *
 * The core is loaded from the package's bundle (`dist/protocol.cjs`, built
 * first), what `require('rx-http2/protocol')` gives users.
 */
'use strict';
const { buildOurs, cliArgs } = require('../lib/common');

const { Connection, SettingId } = require(buildOurs('protocol.cjs'));
const { quick, option } = cliArgs();
const REQUESTS = Number(option('--requests', quick ? 20_000 : 100_000));
const MIB = Number(option('--mib', quick ? 64 : 256));
const ROUNDS = Number(option('--rounds', quick ? 3 : 5));
const READ = 64 * 1024;

/** Events that do nothing but what the scenario needs. */
function events(over) {
  return {
    streamHeaders() {},
    streamData() {},
    streamClosed() {},
    pushPromise() {},
    remoteSettings() {},
    localSettingsAcked() {},
    ping() {},
    pingAck() {},
    goaway() {},
    error(e) {
      throw e;
    },
    ...over,
  };
}

/** Moves everything `from` has written into `to`, as 64 KiB socket reads. Returns octets moved. */
function move(from, to) {
  let moved = 0;
  for (;;) {
    const out = from.takeOutput();
    if (out === undefined) return moved;
    const bytes = out.length === 1 ? out[0] : Buffer.concat(out);
    moved += bytes.length;
    for (let pos = 0; pos < bytes.length; pos += READ) to.receive(bytes.subarray(pos, pos + READ), 0);
  }
}

function pump(client, server) {
  while (move(client, server) + move(server, client) > 0);
}

function cpuMs(since) {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

// --- small requests ---------------------------------------------------------
function smallRequests(total) {
  const body = Buffer.alloc(100, 0x61);
  const request = [
    [':method', 'GET'],
    [':scheme', 'https'],
    [':authority', 'bench.example'],
    [':path', '/item'],
    ['user-agent', 'rx-http2-bench'],
    ['accept', '*/*'],
  ];
  const response = [
    [':status', '200'],
    ['content-type', 'text/plain'],
    ['content-length', '100'],
  ];
  let done = 0;
  let received = 0;
  const server = new Connection(
    { role: 'server', settings: [[SettingId.MAX_CONCURRENT_STREAMS, 100]] },
    events({
      streamHeaders(stream) {
        server.respond(stream, response);
        server.write(stream, body, true);
      },
    }),
  );
  const client = new Connection(
    { role: 'client', settings: [[SettingId.ENABLE_PUSH, 0]] },
    events({
      streamData(stream, data) {
        received += data.length;
        if (data.length > 0) client.consumed(stream, data.length);
      },
      streamClosed() {
        done++;
      },
    }),
  );
  pump(client, server);
  let sent = 0;
  while (done < total) {
    // Keep the pipe full: the core queues requests beyond MAX_CONCURRENT_STREAMS itself.
    while (sent < total && sent - done < 200) {
      client.request(request, { endStream: true });
      sent++;
    }
    pump(client, server);
  }
  if (received !== total * 100) throw new Error(`received ${received} octets, expected ${total * 100}`);
}

// --- bulk transfer -----------------------------------------------------------
function bulk(mib) {
  const total = mib * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  const window = 16 * 1024 * 1024;
  let received = 0;
  let serverStream;
  let written = 0;
  const writeMore = () => {
    // Stay one window ahead of the reader, like a writer honouring backpressure.
    while (written < total && serverStream.queuedBytes < window) {
      const last = written + chunk.length >= total;
      server.write(serverStream, chunk, last);
      written += chunk.length;
    }
  };
  const server = new Connection(
    { role: 'server', settings: [[SettingId.INITIAL_WINDOW_SIZE, window]] },
    events({
      streamHeaders(stream) {
        serverStream = stream;
        server.respond(stream, [[':status', '200']]);
        writeMore();
      },
      streamWritable() {
        writeMore();
      },
    }),
  );
  const client = new Connection(
    { role: 'client', settings: [[SettingId.ENABLE_PUSH, 0], [SettingId.INITIAL_WINDOW_SIZE, window], [SettingId.MAX_FRAME_SIZE, 65536]] },
    events({
      streamData(stream, data) {
        received += data.length;
        if (data.length > 0) client.consumed(stream, data.length);
      },
    }),
  );
  client.setLocalWindowSize(window);
  server.setLocalWindowSize(window);
  pump(client, server);
  client.request([[':method', 'GET'], [':scheme', 'https'], [':authority', 'bench.example'], [':path', '/big']], { endStream: true });
  while (received < total) {
    const moved = move(client, server) + move(server, client);
    if (moved === 0) writeMore();
  }
}

function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  return { cpu: cpuMs(c0), wall: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Median (by CPU time) of `ROUNDS` runs. */
function median(fn) {
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(measure(fn));
  runs.sort((a, b) => a.cpu - b.cpu);
  return runs[runs.length >> 1];
}

console.log(`rx-http2 connection core, back to back (node ${process.version}), median of ${ROUNDS} rounds`);
smallRequests(Math.min(5000, REQUESTS)); // warm-up
const s = median(() => smallRequests(REQUESTS));
console.log(
  `small requests: ${REQUESTS} over one connection, ${Math.round(REQUESTS / (s.cpu / 1000)).toLocaleString('en')} requests/CPU-s ` +
    `(${s.cpu.toFixed(0)} ms CPU, ${s.wall.toFixed(0)} ms wall)`,
);
bulk(Math.min(16, MIB)); // warm-up
const b = median(() => bulk(MIB));
const mb = (MIB * 1024 * 1024) / 1e6;
console.log(
  `bulk transfer: ${MIB} MiB on one stream, ${(mb / (b.wall / 1000)).toFixed(0)} MB/s wall, ${(mb / (b.cpu / 1000)).toFixed(0)} MB/s per CPU-s ` +
    `(${b.cpu.toFixed(0)} ms CPU, ${b.wall.toFixed(0)} ms wall)`,
);
