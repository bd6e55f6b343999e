/**
 * Dynamic table size updates (RFC 7541 §4.2, §6.3) and their link to
 * SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2), on both sides.
 */
import { HpackDecoder, HpackEncoder, HpackWriter } from '../../../src/protocol/hpack';
import { compressionError, toHex } from './helpers';

/** A block made of §6.3 updates to `sizes` followed by raw `rest` octets. */
function block(sizes: number[], rest: number[] = []): Uint8Array {
  const w = new HpackWriter();
  w.ensure(16 * sizes.length + rest.length);
  for (const s of sizes) w.integer(0x20, 5, s);
  for (const b of rest) w.buf[w.pos++] = b;
  return w.take();
}

/** Literal with incremental indexing of custom-key: custom-header (55 octets in the table). */
const INSERT = Array.from(Buffer.from('400a637573746f6d2d6b65790d637573746f6d2d686561646572', 'hex'));
/** Indexed field 62: the newest dynamic entry. */
const REF = [0xbe];

describe('decoder', () => {
  it('applies an update at the start of a block and evicts (§4.3)', () => {
    const d = new HpackDecoder();
    d.decode(block([], INSERT));
    expect(d.tableSize).toBe(55);
    expect(d.decode(block([0], []))).toEqual([]);
    expect(d.tableSize).toBe(0);
    expect(d.maxTableSize).toBe(0);
    expect(d.decode(block([4096], INSERT))).toEqual([['custom-key', 'custom-header']]);
    expect(d.tableSize).toBe(55);
  });

  it('requires an update in the next block after the acknowledged maximum is lowered', () => {
    const d = new HpackDecoder();
    d.decode(block([], INSERT));
    d.setMaxTableSize(1024);
    compressionError(() => d.decode(block([], REF)));
  });

  it('accepts the required update, then no longer requires one', () => {
    const d = new HpackDecoder();
    d.decode(block([], INSERT));
    d.setMaxTableSize(1024);
    expect(d.decode(block([1024], REF))).toEqual([['custom-key', 'custom-header']]);
    expect(d.decode(block([], REF))).toEqual([['custom-key', 'custom-header']]);
  });

  it('requires the update even for an empty block', () => {
    const d = new HpackDecoder();
    d.setMaxTableSize(100);
    compressionError(() => d.decode(new Uint8Array(0)));
  });

  it('requires the smallest maximum of the interval to be signalled (min then final)', () => {
    const d = new HpackDecoder();
    d.setMaxTableSize(1024);
    d.setMaxTableSize(2048);
    compressionError(() => d.decode(block([2048], REF)));

    const d2 = new HpackDecoder();
    d2.decode(block([], INSERT));
    d2.setMaxTableSize(0);
    d2.setMaxTableSize(2048);
    // The minimum evicts everything: index 62 no longer exists.
    compressionError(() => d2.decode(block([0, 2048], REF)));
    const d3 = new HpackDecoder();
    d3.setMaxTableSize(0);
    d3.setMaxTableSize(2048);
    expect(d3.decode(block([0, 2048], INSERT))).toEqual([['custom-key', 'custom-header']]);
    expect(d3.maxTableSize).toBe(2048);
  });

  it('does not require an update when the lowered maximum is still above the size in use', () => {
    const d = new HpackDecoder();
    d.setMaxTableSize(8192);
    d.decode(block([], INSERT)); // peer keeps 4096
    d.setMaxTableSize(4096);
    expect(d.decode(block([], REF))).toEqual([['custom-key', 'custom-header']]);
  });

  it('rejects an update larger than the acknowledged maximum (§6.3)', () => {
    compressionError(() => new HpackDecoder().decode(block([4097])));
    const d = new HpackDecoder();
    d.setMaxTableSize(1000);
    compressionError(() => d.decode(block([1001])));
    const d2 = new HpackDecoder();
    d2.setMaxTableSize(8192);
    expect(d2.decode(block([8192]))).toEqual([]);
    expect(d2.maxTableSize).toBe(8192);
  });

  it('accepts several updates at the start of a block', () => {
    const d = new HpackDecoder();
    expect(d.decode(block([0, 100, 4096, 2000], INSERT))).toEqual([['custom-key', 'custom-header']]);
    expect(d.maxTableSize).toBe(2000);
  });

  it('rejects an update after the first field (§4.2)', () => {
    compressionError(() => new HpackDecoder().decode(block([], [0x82, 0x20])));
    compressionError(() => new HpackDecoder().decode(block([100], [0x82, 0x3f, 0x45])));
  });

  it('stays broken after a COMPRESSION_ERROR', () => {
    const d = new HpackDecoder();
    const e = compressionError(() => d.decode(block([5000])));
    expect(() => d.decode(block([], [0x82]))).toThrow(e);
  });
});

describe('encoder', () => {
  const req: Array<[string, string]> = [
    [':method', 'GET'],
    ['x-custom', 'some value that is indexed'],
  ];

  it('emits no update while the size does not change', () => {
    const e = new HpackEncoder();
    expect(e.encode(req)[0]).toBe(0x82);
    e.setMaxTableSize(4096);
    expect(e.encode(req)[0]).toBe(0x82);
  });

  it('emits the update at the start of the next block after setMaxTableSize, once', () => {
    const e = new HpackEncoder();
    e.encode(req);
    e.setMaxTableSize(256);
    const b = e.encode(req);
    expect(toHex(b.subarray(0, 3))).toBe(toHex(block([256])));
    expect(e.maxTableSize).toBe(256);
    expect(e.encode(req)[0]).toBe(0x82);
  });

  it('emits the minimum then the final size when lowered then raised (§4.2)', () => {
    const e = new HpackEncoder();
    e.encode(req);
    expect(e.tableSize).toBeGreaterThan(0);
    e.setMaxTableSize(0);
    e.setMaxTableSize(1000);
    const b = e.encode([]);
    expect(toHex(b)).toBe(toHex(block([0, 1000])));
    expect(e.tableSize).toBe(0);
    expect(e.maxTableSize).toBe(1000);
  });

  it('emits only the final size when the minimum is not below it', () => {
    const e = new HpackEncoder();
    e.setMaxTableSize(3000);
    e.setMaxTableSize(2000);
    expect(toHex(e.encode([]))).toBe(toHex(block([2000])));
  });

  it('uses at most maxDeflateDynamicTableSize whatever the peer allows', () => {
    const e = new HpackEncoder();
    e.setMaxTableSize(65536);
    expect(e.encode(req)[0]).toBe(0x82); // still 4096: nothing to signal
    expect(e.maxTableSize).toBe(4096);

    const small = new HpackEncoder({ maxDeflateDynamicTableSize: 1024 });
    expect(toHex(small.encode([]))).toBe(toHex(block([1024]))); // the peer starts at 4096
    expect(small.maxTableSize).toBe(1024);
    expect(small.encode([])).toHaveLength(0);
  });

  it('keeps a decoder that enforces the rules in step', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder();
    const sizes = [256, 0, 4096, 100, 2048, 512, 8192, 4096, 300];
    let i = 0;
    for (const size of sizes) {
      for (let k = 0; k < 5; k++) {
        const headers: Array<[string, string]> = [
          ['x-a', `value ${i++}`],
          ['x-b', 'constant'],
        ];
        expect(d.decode(e.encode(headers))).toEqual(headers);
        expect(d.tableEntries()).toEqual(e.tableEntries());
      }
      e.setMaxTableSize(size);
      d.setMaxTableSize(size);
    }
  });
});
