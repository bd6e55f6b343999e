import fc from 'fast-check';
import { from, toArray } from 'rxjs';
import { ErrorCode } from '../../src/protocol/error-code';
import { H2Error } from '../../src/protocol/h2-error';
import { HeaderBlockError, HpackDecoder, HpackEncoder } from '../../src/protocol/hpack';
import { hpackDecode } from '../../src/rx/hpack-decode';
import { hpackEncode, type HeaderList } from '../../src/rx/hpack-encode';
import { collect } from './helpers';

const nameArb = fc.constantFrom(':method', ':path', ':status', 'content-type', 'x-trace', 'accept', 'cookie', 'x-a', 'x-b');
const valueArb = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const listArb = fc.array(fc.tuple(nameArb, valueArb), { maxLength: 10 });

describe('hpackEncode / hpackDecode', () => {
  it('round-trip many blocks in order through one shared context', () => {
    fc.assert(
      fc.property(fc.array(listArb, { maxLength: 30 }), (lists) => {
        const out = collect(from(lists).pipe(hpackEncode(), hpackDecode(), toArray()));
        expect(out.error).toBeUndefined();
        expect(out.values[0]).toEqual(lists);
      }),
    );
  });

  it('keeps the context across emissions (a repeated list gets smaller) and uses given instances', () => {
    const encoder = new HpackEncoder();
    const decoder = new HpackDecoder();
    const list: HeaderList = [
      [':path', '/api'],
      ['x-custom', 'a fairly long value that will be indexed'],
    ];
    const blocks = collect(from([list, list, list]).pipe(hpackEncode(encoder), toArray())).values[0];
    expect(blocks[1].length).toBeLessThan(blocks[0].length);
    const lists = collect(from(blocks).pipe(hpackDecode(decoder), toArray())).values[0];
    expect(lists).toEqual([list, list, list]);
    expect(decoder.tableEntries()).toEqual(encoder.tableEntries());
    expect(encoder.tableSize).toBeGreaterThan(0);
  });

  it('encodes sensitive fields as never-indexed literals', () => {
    const encoder = new HpackEncoder();
    collect(from([{ headers: [['x-secret', 'abc']] as HeaderList, sensitive: new Set(['x-secret']) }]).pipe(hpackEncode(encoder)));
    expect(encoder.tableEntries()).toEqual([]);
    collect(from([[['x-secret', 'abc']] as HeaderList]).pipe(hpackEncode(encoder)));
    expect(encoder.tableEntries()).toEqual([['x-secret', 'abc']]);
  });

  it('errors with a connection COMPRESSION_ERROR on invalid HPACK', () => {
    // Indexed field 70: beyond the static table with an empty dynamic table.
    const out = collect(from([new Uint8Array([0xc6])]).pipe(hpackDecode()));
    expect(out.error).toBeInstanceOf(H2Error);
    expect(out.error).toMatchObject({ scope: 'connection', code: ErrorCode.COMPRESSION_ERROR });
  });

  it('errors with the stream-scope HeaderBlockError on a list over a limit', () => {
    const block = new HpackEncoder().encode([
      ['a', '1'],
      ['b', '2'],
    ]);
    const out = collect(from([block]).pipe(hpackDecode({ maxHeaderListPairs: 1 })));
    expect(out.error).toBeInstanceOf(HeaderBlockError);
    expect(out.error).toMatchObject({ scope: 'stream', limit: 'maxHeaderListPairs' });
  });

  it('gives each subscription its own context when built from options', () => {
    const lists: HeaderList[] = [[['x-k', 'v']], [['x-k', 'v']]];
    const op = hpackEncode();
    const first = collect(from(lists).pipe(op, toArray())).values[0];
    const second = collect(from(lists).pipe(op, toArray())).values[0];
    expect(second.map((b) => Buffer.from(b).toString('hex'))).toEqual(first.map((b) => Buffer.from(b).toString('hex')));
  });
});
