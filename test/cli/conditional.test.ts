import { ifRangeHolds, notModified, parseHttpDate, preconditionFailed } from '../../src/cli/conditional';

// RFC 9110 §5.6.7 (HTTP-date), §13.1 (the conditional fields), §13.2.2 (their order).
describe('parseHttpDate', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37);
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', t], // IMF-fixdate
    ['Sunday, 06-Nov-94 08:49:37 GMT', t], // obsolete RFC 850 form
    ['Sun Nov  6 08:49:37 1994', t], // obsolete asctime() form
    ['Sun Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
  ])('%s', (text, ms) => {
    expect(parseHttpDate(text)).toBe(ms);
  });

  it('reads a two-digit year more than 50 years ahead as the most recent past one', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseHttpDate('Wednesday, 01-Jan-76 00:00:00 GMT', now)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate('Saturday, 01-Jan-77 00:00:00 GMT', now)).toBe(Date.UTC(1977, 0, 1));
  });

  it.each([
    '2099',
    '3000-01-01',
    'December 17, 2099',
    '2099-01-01T00:00:00Z',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'sun, 06 nov 1994 08:49:37 GMT',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 0094 08:49:37 GMT',
    '',
  ])('refuses %j', (text) => {
    expect(parseHttpDate(text)).toBeUndefined();
  });
});

describe('preconditionFailed and notModified', () => {
  const etag = '"c-18f"';
  const mtime = new Date(Date.UTC(2020, 0, 1, 12, 0, 0, 500));
  const before = 'Wed, 01 Jan 2020 11:59:59 GMT';
  const same = 'Wed, 01 Jan 2020 12:00:00 GMT';

  it('If-Match: strong comparison, * matches, field lines combined', () => {
    expect(preconditionFailed({ 'if-match': etag }, etag, mtime)).toBe(false);
    expect(preconditionFailed({ 'if-match': `"x", ${etag}` }, etag, mtime)).toBe(false);
    expect(preconditionFailed({ 'if-match': ['"x"', etag] }, etag, mtime)).toBe(false);
    expect(preconditionFailed({ 'if-match': '*' }, etag, mtime)).toBe(false);
    expect(preconditionFailed({ 'if-match': '"does-not-match"' }, etag, mtime)).toBe(true);
    expect(preconditionFailed({ 'if-match': `W/${etag}` }, etag, mtime)).toBe(true);
    expect(preconditionFailed({ 'if-match': etag }, `W/${etag}`, mtime)).toBe(true);
  });

  it('If-Unmodified-Since: only without If-Match, only a valid HTTP-date', () => {
    expect(preconditionFailed({ 'if-unmodified-since': before }, etag, mtime)).toBe(true);
    expect(preconditionFailed({ 'if-unmodified-since': same }, etag, mtime)).toBe(false);
    expect(preconditionFailed({ 'if-unmodified-since': '1970' }, etag, mtime)).toBe(false);
    expect(preconditionFailed({ 'if-match': etag, 'if-unmodified-since': before }, etag, mtime)).toBe(false);
    expect(preconditionFailed({}, etag, mtime)).toBe(false);
  });

  it('If-Modified-Since: ignored unless a valid HTTP-date, and when If-None-Match is present', () => {
    expect(notModified({ 'if-modified-since': same }, etag, mtime)).toBe(true);
    expect(notModified({ 'if-modified-since': before }, etag, mtime)).toBe(false);
    for (const bogus of ['2099', '3000-01-01', 'December 17, 2099']) expect([bogus, notModified({ 'if-modified-since': bogus }, etag, mtime)]).toEqual([bogus, false]);
    expect(notModified({ 'if-modified-since': [same, same] }, etag, mtime)).toBe(false);
    expect(notModified({ 'if-none-match': '"x"', 'if-modified-since': same }, etag, mtime)).toBe(false);
  });

  it('If-None-Match: weak comparison, * matches, field lines combined', () => {
    expect(notModified({ 'if-none-match': `W/${etag}` }, etag, mtime)).toBe(true);
    expect(notModified({ 'if-none-match': '*' }, etag, mtime)).toBe(true);
    expect(notModified({ 'if-none-match': ['"x"', etag] }, etag, mtime)).toBe(true);
    expect(notModified({ 'if-none-match': '"x", "y"' }, etag, mtime)).toBe(false);
  });
});

describe('ifRangeHolds (RFC 9110 §13.1.5)', () => {
  const etag = '"c-18f"';
  const lastModified = Date.UTC(2020, 0, 1, 12, 0, 0, 500);
  const later = Date.UTC(2020, 0, 2);
  const date = 'Wed, 01 Jan 2020 12:00:00 GMT';

  it('holds without If-Range', () => {
    expect(ifRangeHolds(undefined, etag, lastModified, later)).toBe(true);
  });

  it('an entity tag (a DQUOTE in the first three characters): strong comparison', () => {
    expect(ifRangeHolds(etag, etag, lastModified, later)).toBe(true);
    expect(ifRangeHolds(` ${etag} `, etag, lastModified, later)).toBe(true);
    expect(ifRangeHolds(`W/${etag}`, etag, lastModified, later)).toBe(false);
    expect(ifRangeHolds(`W/${etag}`, `W/${etag}`, lastModified, later)).toBe(false);
    expect(ifRangeHolds('"other"', etag, lastModified, later)).toBe(false);
  });

  it('a date: exactly the Last-Modified second, in any HTTP-date form', () => {
    expect(ifRangeHolds(date, etag, lastModified, later)).toBe(true);
    expect(ifRangeHolds('Wednesday, 01-Jan-20 12:00:00 GMT', etag, lastModified, later)).toBe(true);
    expect(ifRangeHolds('Wed Jan  1 12:00:00 2020', etag, lastModified, later)).toBe(true);
    expect(ifRangeHolds('Wed, 01 Jan 2020 12:00:01 GMT', etag, lastModified, later)).toBe(false);
    expect(ifRangeHolds('Wed, 01 Jan 2020 11:59:59 GMT', etag, lastModified, later)).toBe(false);
  });

  it('a date is a strong validator only once Last-Modified is at least a second older than the Date', () => {
    expect(ifRangeHolds(date, etag, lastModified, Date.UTC(2020, 0, 1, 12, 0, 0, 999))).toBe(false);
    expect(ifRangeHolds(date, etag, lastModified, Date.UTC(2020, 0, 1, 12, 0, 1, 0))).toBe(true);
  });

  it.each([['2020-01-01T12:00:00Z'], ['garbage'], [''], [[date, date]], [[]]])('%j: the range is unusable', (value) => {
    expect(ifRangeHolds(value, etag, lastModified, later)).toBe(false);
  });

  it('one field line in an array is read as such', () => {
    expect(ifRangeHolds([date], etag, lastModified, later)).toBe(true);
  });
});
