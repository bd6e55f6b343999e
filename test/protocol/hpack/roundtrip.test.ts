/**
 * Property: random header lists encoded by ours and decoded by ours, through
 * one long-lived encoder/decoder pair across many blocks, with random table
 * size changes (SETTINGS_HEADER_TABLE_SIZE, applied to both ends as when
 * acknowledged) and random sensitive sets, come back equal, with both tables
 * identical after every block.
 */
import fc from 'fast-check';
import { H2Error } from '../../../src/protocol/h2-error';
import { HpackDecoder, HpackEncoder, STATIC_TABLE } from '../../../src/protocol/hpack';

type Pairs = Array<[string, string]>;

const latin1 = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b).toString('latin1'));
const token = fc.stringMatching(/^[a-z0-9-]{1,24}$/);
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STATIC_TABLE.map(([n]) => n)) },
  { weight: 3, arbitrary: fc.constantFrom('x-a', 'x-b', 'x-trace-id', 'cookie', 'authorization') },
  { weight: 2, arbitrary: token },
  { weight: 1, arbitrary: latin1(12).filter((s) => s.length > 0) },
);
const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'GET', '200', '/', 'gzip', 'a-fairly-common-value', 'sid=12345678901234567890') },
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')) },
  { weight: 2, arbitrary: latin1(60) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 5000 }).map((n) => 'L'.repeat(n)) },
);
const field = fc.tuple(name, value);

type Command = { kind: 'block'; headers: Pairs; sensitive: string[] } | { kind: 'settings'; sizes: number[] };
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('block' as const), headers: fc.array(field, { maxLength: 30 }), sensitive: fc.array(name, { maxLength: 3 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('settings' as const),
      sizes: fc.array(fc.oneof(fc.constantFrom(0, 64, 256, 4096, 8192), fc.integer({ min: 0, max: 10000 })), { minLength: 1, maxLength: 3 }),
    }),
  },
);

it('decode(encode(list)) = list over a long-lived context pair', () => {
  fc.assert(
    fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), fc.constantFrom(4096, 1024, 65536), (commands, deflateMax) => {
      const e = new HpackEncoder({ maxDeflateDynamicTableSize: deflateMax });
      const d = new HpackDecoder({ maxHeaderListSize: Infinity, maxHeaderListPairs: Infinity });
      for (const c of commands) {
        if (c.kind === 'settings') {
          for (const size of c.sizes) {
            e.setMaxTableSize(size);
            d.setMaxTableSize(size);
          }
          continue;
        }
        const headers = c.headers;
        expect(d.decode(e.encode(headers, new Set(c.sensitive)))).toEqual(headers);
        expect(d.tableEntries()).toEqual(e.tableEntries());
        expect(d.tableSize).toBe(e.tableSize);
        expect(e.tableSize).toBeLessThanOrEqual(Math.min(deflateMax, e.maxTableSize));
      }
    }),
    { numRuns: 150 },
  );
});

it('any bytes either decode or throw an H2Error (no other exception escapes)', () => {
  const e = new HpackEncoder();
  const valid = e.encode([
    [':method', 'GET'],
    [':path', '/'],
    ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64)'],
    ['x-custom', 'value'],
  ]);
  const mutated = fc
    .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
    .map(([edits, cut]) => {
      const b = Uint8Array.from(valid);
      for (const [at, v] of edits) b[at % b.length] = v;
      return b.subarray(0, (cut % b.length) + 1);
    });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
      const d = new HpackDecoder();
      for (let i = 0; i < 2; i++) {
        try {
          d.decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(H2Error);
        }
      }
    }),
    { numRuns: 3000 },
  );
});
