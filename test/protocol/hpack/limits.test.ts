/**
 * Header list limits enforced while decoding (RFC 9113 §6.5.2 accounting:
 * name + value + 32 per field), the empty-name rule, and the dynamic table
 * staying in sync with the peer after a rejected block.
 */
import { ErrorCode } from '../../../src/protocol/error-code';
import { H2Error } from '../../../src/protocol/h2-error';
import {
  DEFAULT_MAX_HEADER_LIST_PAIRS,
  DEFAULT_MAX_HEADER_LIST_SIZE,
  HeaderBlockError,
  HpackDecoder,
  HpackEncoder,
  HpackWriter,
} from '../../../src/protocol/hpack';
import { compressionError, rejection as blockRejection } from './helpers';

type Pairs = Array<[string, string]>;

/** Builds blocks field by field with explicit representations. */
class Block {
  private w = new HpackWriter();
  private huffman: boolean;
  constructor(huffman = false) {
    this.huffman = huffman;
  }
  private str(s: string): this {
    this.w.ensure(s.length + 8);
    if (this.huffman) this.w.string(s);
    else {
      this.w.integer(0, 7, s.length);
      this.w.raw(s);
    }
    return this;
  }
  indexed(i: number): this {
    this.w.ensure(8);
    this.w.integer(0x80, 7, i);
    return this;
  }
  /** Literal with incremental indexing (§6.2.1), new name. */
  insert(name: string, value: string): this {
    this.w.ensure(8);
    this.w.integer(0x40, 6, 0);
    return this.str(name).str(value);
  }
  /** Literal without indexing (§6.2.2), new name. */
  literal(name: string, value: string): this {
    this.w.ensure(8);
    this.w.integer(0x00, 4, 0);
    return this.str(name).str(value);
  }
  /** Literal never indexed (§6.2.3), indexed name. */
  never(nameIndex: number, value: string): this {
    this.w.ensure(8);
    this.w.integer(0x10, 4, nameIndex);
    return this.str(value);
  }
  bytes(): Uint8Array {
    return this.w.take();
  }
}

/** {@link blockRejection}, which is also an H2Error (stream scope, for the core to answer). */
function rejection(fn: () => unknown): HeaderBlockError {
  const err = blockRejection(fn);
  expect(err).toBeInstanceOf(H2Error);
  return err;
}

/** n fields `x-<i>: <value>` as literals without indexing. */
function fields(n: number, value = 'v'): Block {
  const b = new Block();
  for (let i = 0; i < n; i++) b.literal(`x-${i}`, value);
  return b;
}

it('defaults to node:http2 limits (65535 octets, 128 pairs)', () => {
  expect(DEFAULT_MAX_HEADER_LIST_SIZE).toBe(65535);
  expect(DEFAULT_MAX_HEADER_LIST_PAIRS).toBe(128);
  const d = new HpackDecoder();
  expect(d.maxHeaderListSize).toBe(65535);
  expect(d.maxHeaderListPairs).toBe(128);
});

describe('maxHeaderListSize', () => {
  // 'x-0' + 'v' + 32 = 36 octets per field (names x-0..x-9).
  it('accepts a list of exactly the limit and rejects one octet more', () => {
    const d = new HpackDecoder({ maxHeaderListSize: 360 });
    expect(d.decode(fields(10).bytes())).toHaveLength(10);
    d.setMaxHeaderListSize(359);
    const e = rejection(() => d.decode(fields(10).bytes()));
    expect(e.reason).toBe('maxHeaderListSize');
    expect(e.limit).toBe('maxHeaderListSize');
    expect(e.code).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    expect(e.scope).toBe('stream');
    expect(e.fieldIndex).toBe(9);
    expect(e.message).toMatch(/maxHeaderListSize/);
  });

  it('counts indexed fields too', () => {
    const d = new HpackDecoder({ maxHeaderListSize: 42 * 3 });
    // ':method: GET' = 7 + 3 + 32 = 42
    expect(d.decode(new Block().indexed(2).indexed(2).indexed(2).bytes())).toHaveLength(3);
    expect(rejection(() => d.decode(new Block().indexed(2).indexed(2).indexed(2).indexed(2).bytes())).fieldIndex).toBe(3);
  });

  it('counts decoded (not Huffman-coded) lengths', () => {
    const value = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; // 40 octets, 25 coded
    const b = () => new Block(true).literal('x', value).bytes();
    expect(new HpackDecoder({ maxHeaderListSize: 73 }).decode(b())).toEqual([['x', value]]);
    expect(rejection(() => new HpackDecoder({ maxHeaderListSize: 72 }).decode(b())).reason).toBe('maxHeaderListSize');
  });
});

describe('maxHeaderListPairs', () => {
  it('accepts exactly the limit and rejects one more field', () => {
    const d = new HpackDecoder({ maxHeaderListPairs: 5 });
    expect(d.decode(fields(5).bytes())).toHaveLength(5);
    const e = rejection(() => d.decode(fields(6).bytes()));
    expect(e.reason).toBe('maxHeaderListPairs');
    expect(e.limit).toBe('maxHeaderListPairs');
    expect(e.code).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    expect(e.fieldIndex).toBe(5);
    d.setMaxHeaderListPairs(6);
    expect(d.decode(fields(6).bytes())).toHaveLength(6);
  });

  it('reports the first limit that fired', () => {
    // Field 3 passes the size limit (4 × 36 > 130) before the pairs limit (5).
    const e = rejection(() => new HpackDecoder({ maxHeaderListPairs: 5, maxHeaderListSize: 130 }).decode(fields(10).bytes()));
    expect(e.reason).toBe('maxHeaderListSize');
    expect(e.fieldIndex).toBe(3);
  });
});

describe('the dynamic table stays in sync after a rejected block', () => {
  function check(limits: { maxHeaderListSize?: number; maxHeaderListPairs?: number }, huffman: boolean): void {
    const d = new HpackDecoder(limits);
    const b = new Block(huffman);
    for (let i = 0; i < 20; i++) b.literal(`x-filler-${i}`, 'filler value '.repeat(8));
    // After the limit fired: inserted fields (their strings must be built),
    // a too-large entry that empties the table, then more insertions.
    b.insert('x-lost', 'y'.repeat(5000)) // > 4096: empties the table (§4.4)
      .insert('x-kept-1', 'one')
      .insert('x-kept-2', 'two is Huffman-friendly')
      .literal('x-after', 'z'.repeat(3000))
      .never(32, 'secret=1');
    const e = rejection(() => d.decode(b.bytes()));
    expect(e.limit).toBeDefined();
    expect(d.tableEntries()).toEqual([
      ['x-kept-2', 'two is Huffman-friendly'],
      ['x-kept-1', 'one'],
    ]);
    // The next block references what the rejected one inserted.
    expect(d.decode(new Block().indexed(62).indexed(63).bytes())).toEqual([
      ['x-kept-2', 'two is Huffman-friendly'],
      ['x-kept-1', 'one'],
    ]);
  }
  it.each([
    ['maxHeaderListSize', { maxHeaderListSize: 500 }, false],
    ['maxHeaderListSize, Huffman strings', { maxHeaderListSize: 500 }, true],
    ['maxHeaderListPairs', { maxHeaderListPairs: 4, maxHeaderListSize: Infinity }, false],
    ['maxHeaderListPairs, Huffman strings', { maxHeaderListPairs: 4, maxHeaderListSize: Infinity }, true],
  ])('%s', (_, limits, huffman) => check(limits, huffman));

  it('with our encoder on the other side', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder({ maxHeaderListPairs: 10 });
    const big: Pairs = Array.from({ length: 30 }, (_, i) => [`x-h${i}`, `value-${i}`]);
    rejection(() => d.decode(e.encode(big)));
    expect(d.tableEntries()).toEqual(e.tableEntries());
    expect(d.decode(e.encode(big.slice(0, 10)))).toEqual(big.slice(0, 10));
  });

  it('still rejects malformed HPACK after a limit fired (COMPRESSION_ERROR wins)', () => {
    const b = fields(10);
    const bytes = Buffer.concat([b.bytes(), Buffer.from([0x00, 0x01, 0x78, 0x81, 0xff])]); // bad Huffman padding
    const err = compressionError(() => new HpackDecoder({ maxHeaderListPairs: 2 }).decode(bytes));
    expect(err).not.toBeInstanceOf(HeaderBlockError);
  });
});

describe('empty names', () => {
  it('are reported distinctly as a stream PROTOCOL_ERROR, table kept in sync', () => {
    const d = new HpackDecoder();
    const e = rejection(() => d.decode(new Block().indexed(2).insert('', 'v').insert('x-ok', 'fine').bytes()));
    expect(e.reason).toBe('emptyName');
    expect(e.limit).toBeUndefined();
    expect(e.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(e.scope).toBe('stream');
    expect(e.fieldIndex).toBe(1);
    expect(d.tableEntries()).toEqual([
      ['x-ok', 'fine'],
      ['', 'v'],
    ]);
    expect(d.decode(new Block().indexed(62).bytes())).toEqual([['x-ok', 'fine']]);
    // A reference to the inserted empty name is malformed too.
    expect(rejection(() => d.decode(new Block().indexed(63).bytes())).reason).toBe('emptyName');
  });

  it('yield to a limit that fires later in the block', () => {
    const b = new Block().literal('', '');
    for (let i = 0; i < 5; i++) b.literal('x', 'y');
    const e = rejection(() => new HpackDecoder({ maxHeaderListPairs: 4 }).decode(b.bytes()));
    expect(e.reason).toBe('maxHeaderListPairs');
  });
});

describe('never-indexed fields', () => {
  it('are reported by name when asked', () => {
    const d = new HpackDecoder();
    const names: string[] = [];
    const got = d.decode(new Block().indexed(2).never(23, 'Bearer x').never(32, 'a=b').literal('x', 'y').bytes(), names);
    expect(got).toEqual([
      [':method', 'GET'],
      ['authorization', 'Bearer x'],
      ['cookie', 'a=b'],
      ['x', 'y'],
    ]);
    expect(names).toEqual(['authorization', 'cookie']);
  });
});
