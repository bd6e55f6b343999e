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
    expect(resolveRequestPath(root, request, '/')).toMatchObject({ ok: true, fsPath, urlPath });
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
    'relative/path',
    '*',
    '',
  ])('%s → 400', (request) => {
    expect(resolveRequestPath(root, request, '/')).toMatchObject({ ok: false, status: 400 });
  });

  it('on Windows a backslash is a separator, so it is refused inside a segment', () => {
    expect(resolveRequestPath('C:\\site', '/a%5c..%5c..%5cwin.ini', '\\')).toMatchObject({ ok: false, status: 400 });
    expect(resolveRequestPath('/srv', '/a%5cb', '/')).toMatchObject({ ok: true, fsPath: '/srv/a\\b' });
  });

  it('isWithin compares resolved paths', () => {
    expect(isWithin('/srv/site', '/srv/site')).toBe(true);
    expect(isWithin('/srv/site', '/srv/site/a/b')).toBe(true);
    expect(isWithin('/srv/site', '/srv/site-other/a')).toBe(false);
    expect(isWithin('/srv/site', '/srv')).toBe(false);
    expect(isWithin('/srv/site', '/srv/site/..foo')).toBe(true);
  });
});
