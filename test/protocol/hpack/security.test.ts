/**
 * Denial-of-service bounds of the HPACK decoder (SECURITY.md rows 5, 6, 15).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { HpackDecoder, HpackEncoder, HpackWriter, huffmanEncode, huffmanEncodedLength } from '../../../src/protocol/hpack';
import { rejection } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Octets in use in the heap spaces that hold data, not code: V8 installing
 * optimized code for the decoder in the middle of a measurement (up to
 * ~180 KB in code space, seen in about one run in ten) is not the decoder
 * allocating, and it made the bound below fail at random.
 */
function dataHeapUsed(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (!space.space_name.includes('code')) used += space.space_used_size;
  return used + process.memoryUsage().arrayBuffers;
}

/**
 * Heap growth (octets) across `fn`, without collecting in between: roughly
 * what it allocated. The least of a few runs, since the noise (the test
 * runner, lazy compilation) only adds.
 */
function heapGrowth(fn: () => void): number {
  let least = Infinity;
  for (let i = 0; i < 3; i++) {
    gc();
    const before = dataHeapUsed();
    fn();
    least = Math.min(least, dataHeapUsed() - before);
  }
  return least;
}

function repeat(bytes: number[], n: number): Uint8Array {
  const out = new Uint8Array(bytes.length * n);
  for (let i = 0; i < n; i++) out.set(bytes, i * bytes.length);
  return out;
}

describe('SECURITY #5: zero-length header fields', () => {
  // 10^4 fields '' / '' as literals without indexing: 00 00 00.
  const block = repeat([0x00, 0x00, 0x00], 10_000);

  it('charges every field 32 octets (RFC 9113 §6.5.2) and rejects once over maxHeaderListSize', () => {
    const e = rejection(() => new HpackDecoder({ maxHeaderListSize: 65535, maxHeaderListPairs: Infinity }).decode(block));
    expect(e.reason).toBe('maxHeaderListSize');
    // 2047 × 32 = 65504 ≤ 65535 < 2048 × 32
    expect(e.fieldIndex).toBe(2047);
  });

  it('rejects them with the default limits (pairs fire first)', () => {
    const e = rejection(() => new HpackDecoder().decode(block));
    expect(e.reason).toBe('maxHeaderListPairs');
    expect(e.fieldIndex).toBe(128);
  });

  it('reports the empty name as malformed when no limit fires', () => {
    const e = rejection(() => new HpackDecoder({ maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity }).decode(block));
    expect(e.reason).toBe('emptyName');
    expect(e.fieldIndex).toBe(0);
  });

  it('retains nothing after the rejection', () => {
    const d = new HpackDecoder();
    // Warm up until V8 has compiled and optimized these paths: optimized code
    // lives on the heap too, and when it appears depends on timing, not on us.
    for (let i = 0; i < 100; i++) rejection(() => d.decode(block));
    gc();
    const before = process.memoryUsage().heapUsed;
    // A leak would grow with the count: 200 blocks of 10^4 fields retained would be megabytes.
    for (let i = 0; i < 200; i++) rejection(() => d.decode(block));
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024);
    expect(d.tableSize).toBe(0);
  });

  it('keeps no buffer sized for the largest block seen (decoder scratch, encoder output)', () => {
    const value = 'x'.repeat(1 << 20);
    const retained = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    // Everything in a function of its own: a temporary of a live frame could
    // keep a block or a context alive and blur the measure.
    const measure = (): number => {
      const e = new HpackEncoder();
      const d = new HpackDecoder({ maxHeaderListSize: Infinity });
      const work = () => {
        let n = 0;
        for (let i = 0; i < 3; i++) n += d.decode(e.encode([['x-big', value]]))[0][1].length;
        return n;
      };
      const before = retained();
      const n = work();
      const grown = retained() - before;
      expect(n + d.tableSize + e.tableSize).toBe(3 << 20); // e and d stay alive until here
      return grown;
    };
    measure(); // warm up: compiles, and flattens `value` (a rope until first read)
    // Without the release, the decoder would keep a 2 MiB scratch buffer and
    // the encoder a 1 MiB output buffer. Least of a few runs: noise only adds.
    expect(Math.min(measure(), measure(), measure())).toBeLessThan(512 * 1024);
  });

  it('keeps the table bounded and in sync when the empty fields are inserted', () => {
    const d = new HpackDecoder();
    rejection(() => d.decode(repeat([0x40, 0x00, 0x00], 10_000)));
    expect(d.tableSize).toBe(4096);
    expect(d.tableEntries()).toHaveLength(128);
  });
});

describe('SECURITY #6: HPACK bomb (CVE-2016-6581)', () => {
  const LIMIT = 64 * 1024;
  // Block 1 inserts a 4 KiB entry: 'x-bomb' + 4000 octets + 32 = 4038 ≤ 4096.
  const w = new HpackWriter();
  w.ensure(5000);
  w.integer(0x40, 6, 0);
  w.string('x-bomb');
  w.integer(0, 7, 4000);
  w.raw('a'.repeat(4000));
  const insert = w.take();
  // Block 2: 16 K references to it (index 62), then one more insertion.
  const refs = 16 * 1024;
  const bomb = new Uint8Array(refs + 6);
  bomb.fill(0xbe, 0, refs);
  bomb.set([0x40, 0x01, 0x6b, 0x01, 0x76], refs); // k: v, inserted
  const decoder = () => {
    const d = new HpackDecoder({ maxHeaderListSize: LIMIT, maxHeaderListPairs: Infinity });
    d.decode(insert);
    return d;
  };

  it('is rejected as soon as the decoded size passes the limit', () => {
    const d = decoder();
    const e = rejection(() => d.decode(bomb.subarray(0, refs + 5)));
    expect(e.reason).toBe('maxHeaderListSize');
    expect(e.fieldIndex).toBe(Math.floor(LIMIT / 4038)); // the 17th reference
  });

  it('is rejected by the default pair limit too (fields ≤ maxHeaderListPairs)', () => {
    const d = new HpackDecoder({ maxHeaderListSize: Infinity });
    d.decode(insert);
    expect(rejection(() => d.decode(bomb.subarray(0, refs))).reason).toBe('maxHeaderListPairs');
  });

  it('allocates at most 2× the limit while doing so', () => {
    // Warmed up until V8 has compiled what decoding runs (its bytecode, feedback and code, ~250 KB in
    // old and code space, would otherwise land inside the measurement now and then).
    for (let i = 0; i < 50; i++) rejection(() => decoder().decode(bomb.subarray(0, refs + 5)));
    const grown = heapGrowth(() => {
      const d2 = decoder();
      rejection(() => d2.decode(bomb.subarray(0, refs + 5)));
    });
    expect(grown).toBeLessThan(2 * LIMIT);
  });

  it('still applies the rest of the block to the table', () => {
    const d = decoder();
    rejection(() => d.decode(bomb.subarray(0, refs + 5)));
    expect(d.tableEntries()[0]).toEqual(['k', 'v']);
    expect(d.decode(Uint8Array.of(0xbe, 0xbf))).toEqual([
      ['k', 'v'],
      ['x-bomb', 'a'.repeat(4000)],
    ]);
  });

  it('never builds a string for a field it will not return or store', () => {
    // One 1 MiB literal (not indexed): a decoder that built it would grow the
    // heap by 1 MiB (large-object space, not collected by a scavenge).
    const big = new HpackWriter();
    big.ensure(1 << 21);
    big.integer(0, 4, 0);
    big.string('x-big');
    big.integer(0, 7, 1 << 20);
    big.raw('b'.repeat(1 << 20));
    const block = big.take();
    const d = new HpackDecoder();
    rejection(() => d.decode(block));
    const grown = heapGrowth(() => rejection(() => d.decode(block)));
    expect(grown).toBeLessThan(256 * 1024);
  });
});

describe('SECURITY #15: Huffman decoding is linear (CVE-2022-41723)', () => {
  /** A block of literal fields whose values are Huffman-coded, ~`size` octets in all. */
  function huffmanBlock(size: number, alphabet: string): Uint8Array {
    const value = Array.from({ length: 4096 }, (_, i) => alphabet[(i * 7) % alphabet.length]).join('');
    const coded = huffmanEncodedLength(value);
    const w = new HpackWriter();
    while (w.pos < size) {
      w.ensure(coded + 32);
      w.integer(0, 4, 0);
      w.string('x-data');
      // Huffman even when longer than raw (30-bit codes), as an attacker may.
      w.integer(0x80, 7, coded);
      w.pos = huffmanEncode(value, w.buf, w.pos);
    }
    return w.take();
  }

  /** Least CPU time (µs) of a few runs: robust against a busy machine. */
  function cpuTime(fn: () => void, runs = 5): number {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const t = process.cpuUsage();
      fn();
      const d = process.cpuUsage(t);
      best = Math.min(best, d.user + d.system);
    }
    return best;
  }

  const unlimited = () => new HpackDecoder({ maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity });

  it.each([
    ['short codes', 'aeiost012'],
    ['30-bit codes', '\n\r\x16'],
    ['mixed', 'Mozilla/5.0 (X11; Linux x86_64) \x01\xff\x80'],
  ])('%s: 2 MB take ≤ ~3× the time of 1 MB', (_, alphabet) => {
    const one = huffmanBlock(1 << 20, alphabet);
    const two = huffmanBlock(2 << 20, alphabet);
    expect(one.length).toBeGreaterThanOrEqual(1 << 20);
    unlimited().decode(one); // warm up
    const t1 = cpuTime(() => unlimited().decode(one));
    const t2 = cpuTime(() => unlimited().decode(two));
    expect(t2).toBeLessThan(3 * Math.max(t1, 1000));
  });

  it('a block assembled from 1-byte pieces decodes the same, in the same time', () => {
    const block = huffmanBlock(1 << 20, 'Mozilla/5.0 (X11; Linux x86_64)');
    // What the frame layer does with a block split over many CONTINUATIONs.
    const pieces = Array.from({ length: block.length }, (_, i) => block.subarray(i, i + 1));
    const joined = Buffer.concat(pieces);
    expect(unlimited().decode(joined)).toEqual(unlimited().decode(block));
    const t1 = cpuTime(() => unlimited().decode(block));
    const t2 = cpuTime(() => unlimited().decode(joined));
    expect(t2).toBeLessThan(3 * Math.max(t1, 1000));
  });
});
