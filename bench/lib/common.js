/**
 * Helpers shared by the socket benchmarks (bench/server, bench/client).
 * Not a benchmark itself: bench/run.js only runs folders with an index.js.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork, execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');

/**
 * Builds the package (`rollup -c`, as `npm run build` does) once per
 * benchmark run and returns the path of a CommonJS bundle (`dist/index.cjs`,
 * or `entry`, e.g. `protocol.cjs`):
 * the benchmark children load exactly what a user's `require('rx-http2')`
 * gets — plain JavaScript, one module, no ts-node or TypeScript compiler in
 * their heap, so their RSS and CPU are ours alone.
 */
function buildOurs(entry = 'index.cjs') {
  execFileSync(process.execPath, [require.resolve('rollup/dist/bin/rollup'), '-c', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return path.join(ROOT, 'dist', entry);
}

/**
 * A benchmark's command line: `quick` (`--quick`), and `option(name, dflt)`,
 * the value after `name` (a string) or `dflt`.
 */
function cliArgs(argv = process.argv.slice(2)) {
  return {
    quick: argv.includes('--quick'),
    option(name, dflt) {
      const i = argv.indexOf(name);
      return i >= 0 ? argv[i + 1] : dflt;
    },
  };
}

/** ' MISSED' after a ratio below its target, '' otherwise. */
function missed(ratio, target) {
  return ratio >= target ? '' : ' MISSED';
}

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl in a temp dir. */
function makeCert() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-http2-bench-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { dir, key, cert };
}

/**
 * A child process speaking a tiny request/reply protocol over IPC: `call(msg)`
 * sends `{ id, ...msg }` and resolves with the child's reply of the same id.
 * The child's first message `{ type: 'ready', ... }` resolves `ready`.
 * Node options for the children of one implementation can be given in the
 * environment, e.g. to profile ours:
 * `BENCH_OURS_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- server`
 * (BENCH_NODE_NODE_OPTIONS for node:http2's).
 */
function spawnChild(script, args, env = {}) {
  const impl = args[0];
  const extra = process.env[`BENCH_${String(impl).toUpperCase()}_NODE_OPTIONS`];
  const execArgv = extra ? extra.split(/\s+/).filter(Boolean) : [];
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  let nextId = 1;
  const pending = new Map();
  let onReady;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code} before ready`)));
  });
  child.on('message', (m) => {
    if (m.type === 'ready') return onReady(m);
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m);
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`child exited (${code ?? signal})`));
    pending.clear();
  });
  return {
    child,
    ready,
    call(msg) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, ...msg });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** In the child: answers `{ id, type }` messages with `handlers[type](msg)` (sync or async). */
function serveIpc(handlers) {
  process.on('message', async (m) => {
    try {
      const r = await handlers[m.type](m);
      process.send({ id: m.id, ...r });
    } catch (e) {
      process.send({ id: m.id, error: e && e.stack ? e.stack : String(e) });
    }
  });
  // process.exit (not the default signal death) so that --cpu-prof writes its profile.
  process.on('SIGTERM', () => process.exit(0));
  // The parent died: don't linger.
  process.on('disconnect', () => process.exit(0));
}

/** CPU (user + system) in microseconds since `since`, as process.cpuUsage reports. */
function cpuSince(since) {
  const c = process.cpuUsage(since);
  return c.user + c.system;
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** The q-quantile of xs (0 ≤ q ≤ 1), interpolated between the two nearest values. */
function quantile(xs, q) {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (at - lo) : s[lo];
}

/** Prints rows (arrays of cells) as an aligned table; first row is the header. */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c ?? '').padStart(widths[i]))).join('  ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

const fmt = {
  int: (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '-'),
  f1: (x) => (Number.isFinite(x) ? x.toFixed(1) : '-'),
  ratio: (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-'),
  mib: (kb) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MiB` : '-'),
};

module.exports = { ROOT, buildOurs, cliArgs, missed, makeCert, spawnChild, serveIpc, cpuSince, median, quantile, table, fmt };
