/** The static table (RFC 7541 Appendix A) and the dynamic table ring (§2.3.2, §4). */
import { DynamicTable, ENTRY_OVERHEAD, STATIC_TABLE, STATIC_TABLE_LENGTH } from '../../../src/protocol/hpack';

it('static table matches the copy in hpack.js (independent transcription of Appendix A)', () => {
  const theirs = (require('hpack.js/lib/hpack/static-table').table as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]);
  expect(STATIC_TABLE).toHaveLength(STATIC_TABLE_LENGTH);
  expect(STATIC_TABLE).toEqual(theirs);
});

describe('DynamicTable', () => {
  it('numbers entries newest first and counts 32 octets of overhead (§4.1)', () => {
    const t = new DynamicTable();
    t.add('a', 'b');
    t.add('cc', 'dd');
    expect(t.entries()).toEqual([
      ['cc', 'dd'],
      ['a', 'b'],
    ]);
    expect(t.size).toBe(2 + 4 + 2 * ENTRY_OVERHEAD);
    expect([t.name(1), t.value(2)]).toEqual(['cc', 'b']);
  });

  it('evicts the oldest entries to make room (§4.4), across ring growth', () => {
    const t = new DynamicTable(100 * 40);
    for (let i = 0; i < 1000; i++) t.add(`n${String(i).padStart(3, '0')}`, `v${String(i).padStart(3, '0')}`); // 40 octets each
    expect(t.count).toBe(100);
    expect(t.size).toBe(4000);
    expect(t.name(1)).toBe('n999');
    expect(t.name(100)).toBe('n900');
  });

  it('an entry larger than the maximum empties the table and is not inserted (§4.4)', () => {
    const t = new DynamicTable(100);
    t.add('a', 'b');
    t.add('x', 'y'.repeat(100));
    expect(t.count).toBe(0);
    expect(t.size).toBe(0);
    t.add('n', 'v'.repeat(66)); // exactly 100
    expect(t.count).toBe(1);
  });

  it('evicts down to a lowered maximum (§4.3)', () => {
    const t = new DynamicTable();
    for (let i = 0; i < 10; i++) t.add('name', `value-${i}`); // 43 octets each
    t.setMaxSize(100);
    expect(t.entries()).toEqual([
      ['name', 'value-9'],
      ['name', 'value-8'],
    ]);
    t.setMaxSize(0);
    expect(t.count).toBe(0);
  });
});
