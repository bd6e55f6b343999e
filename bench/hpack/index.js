#!/usr/bin/env node
/**
 * HPACK throughput: rx-http2 against npm `hpack.js` and `hpack`, same inputs,
 * same process.
 *
 *   node bench/hpack/index.js [--rounds N] [--quick]
 *
 * Inputs: ../shared/data/hpack-test-case beside the checkout (override with HPACK_TEST_CASE=dir).
 * - decode: the nghttp2 wire encodings of the 32 stories, and the raw-data
 *   stories as encoded by rx-http2 (every library decodes the same bytes);
 * - encode: the raw-data stories (each library with its own contexts).
 * One fresh context per story per round, as on a new connection. Rounds are
 * timed whole; after warm-up the median round is reported as headers/s, with
 * the ratio ours / faster of the two others.
 *
 * Ours is loaded from the package's bundle (`dist/protocol.cjs`, built
 * first), what `require('rx-http2/protocol')` gives users.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const hpackjs = require('hpack.js');
const HPACK = require('hpack');
const { buildOurs, cliArgs } = require('../lib/common');

const { HpackDecoder, HpackEncoder } = require(buildOurs('protocol.cjs'));
const { quick, option } = cliArgs();
const ROUNDS = Number(option('--rounds', quick ? 5 : 15));
const WARMUP = quick ? 3 : 8;
const DATA = process.env.HPACK_TEST_CASE || path.join(__dirname, '..', '..', '..', 'shared', 'data', 'hpack-test-case');

function loadStories(dir) {
  return fs
    .readdirSync(path.join(DATA, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(DATA, dir, f), 'utf8')));
}
const pairs = (c) => c.headers.map((h) => Object.entries(h)[0]);

const raw = loadStories('raw-data').map((s) => s.cases.map(pairs));
const nghttp2 = loadStories('nghttp2').map((s) => s.cases.map((c) => Buffer.from(c.wire, 'hex')));
const nghttp2Expected = loadStories('nghttp2').map((s) => s.cases.map(pairs));
const ours = raw.map((story) => {
  const e = new HpackEncoder();
  return story.map((h) => Buffer.from(e.encode(h)));
});
const rawObjects = raw.map((story) => story.map((h) => h.map(([name, value]) => ({ name, value }))));
const count = (stories) => stories.reduce((n, s) => n + s.reduce((m, h) => m + h.length, 0), 0);
const rawHeaders = count(raw);
const nghttp2Headers = count(nghttp2Expected);
const NO_LIMITS = { maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity };

// --- one round = every story once, fresh contexts ---------------------------
const decoders = {
  'rx-http2': (stories) => {
    let n = 0;
    for (const story of stories) {
      const d = new HpackDecoder(NO_LIMITS);
      for (const block of story) n += d.decode(block).length;
    }
    return n;
  },
  'hpack.js': (stories) => {
    let n = 0;
    for (const story of stories) {
      const d = hpackjs.decompressor.create({ table: { maxSize: 4096 } });
      for (const block of story) {
        d.write(block);
        d.execute();
        while (d.read() !== null) n++;
      }
    }
    return n;
  },
  hpack: (stories) => {
    let n = 0;
    for (const story of stories) {
      const d = new HPACK();
      for (const block of story) n += d.decode(block).length;
    }
    return n;
  },
};
const encoders = {
  'rx-http2': () => {
    let n = 0;
    for (const story of raw) {
      const e = new HpackEncoder();
      for (const h of story) n += e.encode(h).length;
    }
    return n;
  },
  'hpack.js': () => {
    let n = 0;
    for (const story of rawObjects) {
      const e = hpackjs.compressor.create({ table: { maxSize: 4096 } });
      for (const h of story) {
        e.write(h);
        n += e.read().length;
      }
    }
    return n;
  },
  hpack: () => {
    let n = 0;
    for (const story of raw) {
      const e = new HPACK();
      for (const h of story) n += e.encode(h).length;
    }
    return n;
  },
};

// --- sanity: every library decodes the inputs to the expected lists ----------
function check() {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (const [wires, label] of [
    [nghttp2, 'nghttp2'],
    [ours, 'rx-http2'],
  ]) {
    const expected = label === 'nghttp2' ? nghttp2Expected : raw;
    wires.forEach((story, i) => {
      const a = new HpackDecoder(NO_LIMITS);
      const b = hpackjs.decompressor.create({ table: { maxSize: 4096 } });
      const c = new HPACK();
      story.forEach((block, j) => {
        const exp = expected[i][j];
        if (!same(a.decode(block), exp)) throw new Error(`rx-http2 misdecodes ${label} story ${i} case ${j}`);
        b.write(block);
        b.execute();
        const got = [];
        for (let h; (h = b.read()) !== null; ) got.push([h.name, h.value]);
        if (!same(got, exp)) throw new Error(`hpack.js misdecodes ${label} story ${i} case ${j}`);
        if (!same(c.decode(block), exp)) throw new Error(`hpack misdecodes ${label} story ${i} case ${j}`);
      });
    });
  }
}

function measure(fn) {
  for (let i = 0; i < WARMUP; i++) fn();
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function row(title, headers, fns) {
  const rates = {};
  for (const [name, fn] of Object.entries(fns)) rates[name] = headers / measure(fn);
  const best = Math.max(rates['hpack.js'], rates.hpack);
  const cells = Object.values(rates).map((r) => `${(r / 1e6).toFixed(2).padStart(10)}`);
  console.log(`${title.padEnd(34)}${cells.join('')}${(rates['rx-http2'] / best).toFixed(2).padStart(9)}x`);
  return rates['rx-http2'] / best;
}

check();
const bytes = (stories) => stories.reduce((n, s) => n + s.reduce((m, b) => m + b.length, 0), 0);
console.log(`node ${process.version}; ${ROUNDS} rounds after ${WARMUP} warm-up, median; M headers/s`);
console.log(`${''.padEnd(34)}${'rx-http2'.padStart(10)}${'hpack.js'.padStart(10)}${'hpack'.padStart(10)}${'ratio'.padStart(10)}`);
const r1 = row(`decode nghttp2 wire (${nghttp2Headers} h)`, nghttp2Headers, {
  'rx-http2': () => decoders['rx-http2'](nghttp2),
  'hpack.js': () => decoders['hpack.js'](nghttp2),
  hpack: () => decoders.hpack(nghttp2),
});
const r2 = row(`decode rx-http2 wire (${rawHeaders} h)`, rawHeaders, {
  'rx-http2': () => decoders['rx-http2'](ours),
  'hpack.js': () => decoders['hpack.js'](ours),
  hpack: () => decoders.hpack(ours),
});
const r3 = row(`encode raw-data (${rawHeaders} h)`, rawHeaders, encoders);
const size = (fn) => {
  let n = 0;
  for (const story of raw) n += fn(story);
  return n;
};
console.log(
  `\ncompressed size of raw-data: rx-http2 ${bytes(ours)} B, nghttp2 ${bytes(nghttp2)} B, ` +
    `hpack.js ${size((s) => {
      const e = hpackjs.compressor.create({ table: { maxSize: 4096 } });
      return s.reduce((n, h) => (e.write(h.map(([name, value]) => ({ name, value }))), n + e.read().length), 0);
    })} B, hpack ${size((s) => {
      const e = new HPACK();
      return s.reduce((n, h) => n + e.encode(h).length, 0);
    })} B`,
);
console.log(`ratios (target >= 2): decode ${Math.min(r1, r2).toFixed(2)}x, encode ${r3.toFixed(2)}x`);
