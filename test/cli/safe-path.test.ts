import { isWithin, resolveRequestPath } from '../../src/cli/safe-path';

describe('resolveRequestPath', () => {
  const root = '/srv/site';
  it.each([
    ['/', '/srv/site', '/'],
    ['/a/b.txt', '/srv/site/a/b.txt', '/a/b.txt'],
    ['/a/./b//c/', '/srv/site/a/b/c', '/a/b/c/'],
    ['/with%20space.txt?x=1#frag', '/srv/site/with space.txt', '/with space.txt'],
    ['/%E2%9C%93.txt', '/srv/site/✓.txt', '/✓.txt'],
    ['/..foo/...', '/srv/site/..foo/...', '/..foo/...'], // names that merely start with dots
    ['/a/b.txt/.', '/srv/site/a/b.txt', '/a/b.txt/'], // a final `.` names a directory, as a final `/` does
    ['/a/%2e?q', '/srv/site/a', '/a/'],
    ['/.', '/srv/site', '/'],
  ])('%s → %s', (request, fsPath, urlPath) => {
    expect(resolveRequestPath(root, request, '/')).toMatchObject({ ok: true, fsPath: Buffer.from(fsPath), urlPath });
  });

  it('decodes to octets, not text: a name that is not UTF-8 is a path (shown with U+FFFD, linked octet by octet)', () => {
    const r = resolveRequestPath(root, '/d%20ir/f%FF.txt', '/');
    expect(r).toMatchObject({ ok: true, urlPath: '/d ir/f\ufffd.txt', href: '/d%20ir/f%FF.txt' });
    expect(r.ok && r.fsPath).toEqual(Buffer.concat([Buffer.from('/srv/site/d ir/f'), Buffer.from([0xff]), Buffer.from('.txt')]));
  });

  it('an octet sent unescaped is that octet: UTF-8 sent raw names the UTF-8 file', () => {
    expect(resolveRequestPath(root, '/\xc3\xa9.txt/', '/')).toMatchObject({ ok: true, fsPath: Buffer.from('/srv/site/é.txt'), urlPath: '/é.txt/', href: '/%C3%A9.txt/' });
  });

  it('an overlong UTF-8 dot (%C0%AE) is two octets of a name, never a dot', () => {
    const r = resolveRequestPath(root, '/%C0%AE%C0%AE/etc', '/');
    expect(r.ok && r.fsPath).toEqual(Buffer.concat([Buffer.from('/srv/site/'), Buffer.from([0xc0, 0xae, 0xc0, 0xae]), Buffer.from('/etc')]));
  });

  it('a root that is not ASCII is taken as UTF-8, as fs takes a string path', () => {
    expect(resolveRequestPath('/srv/ñ', '/a', '/')).toMatchObject({ ok: true, fsPath: Buffer.from('/srv/ñ/a') });
  });

  it('keeps the query', () => {
    expect(resolveRequestPath(root, '/d?sort=1', '/')).toMatchObject({ ok: true, query: '?sort=1' });
  });

  it.each([
    '/../package.json',
    '/a/../../etc/passwd',
    '/a/..',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/a%2f..%2f..%2fetc', // an encoded slash never makes a segment
    '/a%00b',
    '/%zz',
    '/%f',
    '/\u2713', // not a string of octets: HPACK never gives one
    '/\u012f..\u012f', // nor may a character be cut to its low octet (U+012F would be /)
    'relative/path',
    '*',
    '',
  ])('%s → 400', (request) => {
    expect(resolveRequestPath(root, request, '/')).toMatchObject({ ok: false, status: 400 });
  });

  it('on Windows a backslash is a separator, so it is refused inside a segment', () => {
    expect(resolveRequestPath('C:\\site', '/a%5c..%5c..%5cwin.ini', '\\')).toMatchObject({ ok: false, status: 400 });
    expect(resolveRequestPath('/srv', '/a%5cb', '/')).toMatchObject({ ok: true, fsPath: Buffer.from('/srv/a\\b') });
  });

  it('isWithin compares resolved paths', () => {
    expect(isWithin('/srv/site', '/srv/site')).toBe(true);
    expect(isWithin('/srv/site', '/srv/site/a/b')).toBe(true);
    expect(isWithin('/srv/site', '/srv/site-other/a')).toBe(false);
    expect(isWithin('/srv/site', '/srv')).toBe(false);
    expect(isWithin('/srv/site', '/srv/site/..foo')).toBe(true);
  });
});
