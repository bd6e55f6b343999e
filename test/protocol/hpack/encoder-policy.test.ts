/** Encoder representation choices (RFC 7541 §6), read back from the wire. */
import { HpackEncoder } from '../../../src/protocol/hpack';
import { kinds, representations } from './helpers';

describe('indexing policy', () => {
  it('uses the static table for full matches and names', () => {
    const e = new HpackEncoder();
    expect(representations(e.encode([[':method', 'GET'], [':status', '404'], ['accept-encoding', 'gzip, deflate'], [':authority', '']]))).toEqual([
      { kind: 'indexed', index: 2 },
      { kind: 'indexed', index: 13 },
      { kind: 'indexed', index: 16 },
      { kind: 'indexed', index: 1 },
    ]);
    expect(representations(e.encode([['user-agent', 'x']]))).toEqual([{ kind: 'incremental', index: 58 }]);
  });

  it('indexes ordinary fields and refers to them afterwards', () => {
    const e = new HpackEncoder();
    const h: Array<[string, string]> = [
      [':authority', 'example.com'],
      ['user-agent', 'Mozilla/5.0'],
      ['x-custom', 'yes'],
    ];
    expect(kinds(e, h)).toEqual(['incremental', 'incremental', 'incremental']);
    expect(representations(e.encode(h))).toEqual([
      { kind: 'indexed', index: 64 },
      { kind: 'indexed', index: 63 },
      { kind: 'indexed', index: 62 },
    ]);
    // A new value for a known custom name refers to the name in the dynamic table.
    expect(representations(e.encode([['x-custom', 'no']]))).toEqual([{ kind: 'incremental', index: 62 }]);
  });

  it('does not index volatile fields', () => {
    const e = new HpackEncoder();
    const volatile: Array<[string, string]> = [
      ['content-length', '1234'],
      ['etag', '"abc"'],
      ['age', '10'],
      ['location', '/next'],
      ['set-cookie', 'id=1; Path=/'],
      ['if-none-match', '"abc"'],
      ['if-modified-since', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ];
    expect(kinds(e, volatile)).toEqual(volatile.map(() => 'without'));
    expect(e.tableSize).toBe(0);
  });

  it('indexes short query-less paths only', () => {
    const e = new HpackEncoder();
    expect(kinds(e, [[':path', '/helloworld.Greeter/SayHello']])).toEqual(['incremental']);
    expect(kinds(e, [[':path', '/helloworld.Greeter/SayHello']])).toEqual(['indexed']);
    expect(kinds(e, [[':path', '/search?q=1']])).toEqual(['without']);
    expect(kinds(e, [[':path', '/a/very/long/path/' + 'x'.repeat(40)]])).toEqual(['without']);
  });

  it('does not index an entry larger than 3/4 of the table', () => {
    const e = new HpackEncoder();
    expect(kinds(e, [['x-big', 'v'.repeat(3072 - 32 - 5)]])).toEqual(['incremental']);
    expect(kinds(e, [['x-big', 'v'.repeat(3072 - 32 - 4)]])).toEqual(['without']);
    const tiny = new HpackEncoder({ maxDeflateDynamicTableSize: 0 });
    expect(kinds(tiny, [['x-a', 'b']])).toEqual(['update', 'without']);
  });

  it('uses Huffman coding only when shorter', () => {
    const e = new HpackEncoder();
    const block = e.encode([['x-bin', '\x00\x01\x02']]);
    // 40 | name literal (Huffman: 'x-bin' codes shorter) | value raw
    expect(block[block.length - 4]).toBe(0x03);
    expect(Array.from(block.subarray(block.length - 3))).toEqual([0, 1, 2]);
  });

  it('returns a fresh copy each time', () => {
    const e = new HpackEncoder();
    const a = e.encode([['x-a', 'one']]);
    const copy = Uint8Array.from(a);
    e.encode([['x-b', 'two'.repeat(100)]]);
    expect(a).toEqual(copy);
  });
});
