import { parseRange } from '../../src/cli/range';

describe('parseRange (RFC 9110 §14)', () => {
  const size = 1000;
  it.each([
    ['bytes=0-499', { type: 'partial', start: 0, end: 499 }],
    ['bytes=500-', { type: 'partial', start: 500, end: 999 }],
    ['bytes=-200', { type: 'partial', start: 800, end: 999 }],
    ['bytes=-5000', { type: 'partial', start: 0, end: 999 }], // suffix longer than the file: all of it
    ['bytes=900-5000', { type: 'partial', start: 900, end: 999 }], // last-pos clamped
    ['bytes=999-999', { type: 'partial', start: 999, end: 999 }],
    ['Bytes = 1 - 2 ', { type: 'partial', start: 1, end: 2 }], // unit case-insensitive, whitespace tolerated
    ['bytes=0-1, 2000-3000', { type: 'partial', start: 0, end: 1 }], // one satisfiable range of two
    [', bytes=0-1', { type: 'full' }], // not the bytes unit
    ['bytes=,0-1,', { type: 'partial', start: 0, end: 1 }], // empty list elements
  ])('%s', (header, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it.each(['bytes=1000-', 'bytes=1000-2000', 'bytes=-0', 'bytes=5000-, -0'])('%s is unsatisfiable', (header) => {
    expect(parseRange(header, size)).toEqual({ type: 'unsatisfiable' });
  });

  it.each([undefined, 'items=0-1', 'bytes', 'bytes=', 'bytes=a-b', 'bytes=5-1', 'bytes=-', 'bytes=1-2-3', 'bytes=0-1,5-4'])('%s is ignored (full)', (header) => {
    expect(parseRange(header, size)).toEqual({ type: 'full' });
  });

  it('several satisfiable ranges get the whole representation (no multipart/byteranges)', () => {
    expect(parseRange('bytes=0-1,5-6', size)).toEqual({ type: 'full' });
  });

  it('an empty representation: int ranges are unsatisfiable, a suffix range gets the (empty) whole', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=-10', 0)).toEqual({ type: 'full' });
  });
});
