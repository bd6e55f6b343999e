/**
 * The encoder never indexes sensitive fields (RFC 7541 §6.2.3, §7.1.3): the
 * caller's set, plus node:http2's automatic marking of `authorization` and of
 * `cookie` values shorter than 20 octets. Checked on the wire.
 */
import { HpackDecoder, HpackEncoder } from '../../../src/protocol/hpack';
import { kinds, representations } from './helpers';

describe('sensitive fields', () => {
  it('authorization is always a never-indexed literal, with its static name index', () => {
    const e = new HpackEncoder();
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer ' + 'x'.repeat(200)]) {
      for (let i = 0; i < 3; i++) {
        expect(representations(e.encode([['authorization', value]]))).toEqual([{ kind: 'never', index: 23 }]);
      }
    }
    expect(e.tableSize).toBe(0);
  });

  it('a cookie shorter than 20 octets is never indexed; a longer one is indexed', () => {
    const e = new HpackEncoder();
    const short = 'sid=0123456789abcde'; // 19
    const long = 'sid=0123456789abcdef'; // 20
    expect(representations(e.encode([['cookie', short]]))).toEqual([{ kind: 'never', index: 32 }]);
    expect(representations(e.encode([['cookie', short]]))).toEqual([{ kind: 'never', index: 32 }]);
    expect(kinds(e, [['cookie', long]])).toEqual(['incremental']);
    expect(kinds(e, [['cookie', long]])).toEqual(['indexed']);
    expect(e.tableEntries()).toEqual([['cookie', long]]);
  });

  it('names in the caller’s set are never indexed, even when already in the table', () => {
    const e = new HpackEncoder();
    const secret = new Set(['x-api-key', 'user-agent']);
    expect(kinds(e, [['x-api-key', 'k1'], ['user-agent', 'curl/8']], secret)).toEqual(['never', 'never']);
    expect(e.tableSize).toBe(0);
    // Sent once without the flag, the field is indexed...
    expect(kinds(e, [['user-agent', 'curl/8']])).toEqual(['incremental']);
    // ...but flagged again it must not be referenced by index.
    expect(representations(e.encode([['user-agent', 'curl/8']], secret))).toEqual([{ kind: 'never', index: 58 }]);
    expect(kinds(e, [['x-api-key', 'k1']], secret)).toEqual(['never']);
  });

  it('the decoder sees them as never indexed', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder();
    const names: string[] = [];
    const headers: Array<[string, string]> = [
      [':method', 'GET'],
      ['authorization', 'Bearer t'],
      ['cookie', 'a=1'],
      ['x-token', 'abc'],
      ['accept', '*/*'],
    ];
    expect(d.decode(e.encode(headers, new Set(['x-token'])), names)).toEqual(headers);
    expect(names).toEqual(['authorization', 'cookie', 'x-token']);
  });

  it('a sensitive value never enters the table, whatever else is sent (fast-check-free sweep)', () => {
    const e = new HpackEncoder();
    const secret = new Set(['x-secret']);
    for (let i = 0; i < 200; i++) {
      const block = e.encode(
        [
          ['x-secret', `s${i % 7}`],
          ['authorization', `a${i % 5}`],
          ['cookie', `c=${i % 3}`],
          ['x-other', `o${i % 11}`],
        ],
        secret,
      );
      const reps = representations(block);
      expect(reps.slice(0, 3).map((r) => r.kind)).toEqual(['never', 'never', 'never']);
      for (const [name, value] of e.tableEntries()) {
        expect(['x-secret', 'authorization']).not.toContain(name);
        if (name === 'cookie') expect(value.length).toBeGreaterThanOrEqual(20);
      }
    }
  });
});

