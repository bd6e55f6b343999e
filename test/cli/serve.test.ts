import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { formatLogLine } from '../../src/cli/serve-command';
import type { CliRun } from '../../src/cli/io';
import { capture, h2request, makeFixture, rawGet, until, type Capture, type Fixture } from './helpers';

describe('rx-http2 serve (in-process, fetched with node:http2)', () => {
  let fixture: Fixture;
  let run: CliRun;
  let url: string;
  let stdout: Capture;
  let stderr: Capture;
  const get = (p: string, headers: http2.OutgoingHttpHeaders = {}, body?: string) => h2request(url, { ':path': p, ...headers }, { body });

  beforeAll(async () => {
    fixture = makeFixture();
    stdout = capture();
    stderr = capture();
    run = await main(['serve', fixture.root, '--port', '0'], { stdout, stderr });
    url = run.url!;
  });
  afterAll(async () => {
    await run?.close();
    fixture?.remove();
  });

  it('prints one line, the URL, on stdout', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(stdout.text()).toBe(`${url}\n`);
  });

  it('announces SETTINGS_MAX_CONCURRENT_STREAMS 100 (RFC 9113 §5.1.2)', async () => {
    const session = http2.connect(url);
    try {
      const settings = await new Promise<http2.Settings>((resolve, reject) => {
        session.once('remoteSettings', resolve);
        session.once('error', reject);
      });
      expect(settings.maxConcurrentStreams).toBe(100);
    } finally {
      session.close();
    }
  });

  it('lists a directory without index.html: links percent-encoded, names escaped, directories first', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = r.body.toString();
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(html).toContain('<title>Index of /</title>');
    expect(html).toContain('<a href="sub%20dir/">sub dir/</a>');
    expect(html).toContain('<a href="hello.txt">hello.txt</a>');
    expect(html).toContain('<a href="%3Cweird%3E%26.txt">&lt;weird&gt;&amp;.txt</a>');
    expect(html.indexOf('sub dir/')).toBeLessThan(html.indexOf('hello.txt'));
    expect(html).not.toContain('href="../"');
    const empty = await get('/empty/');
    expect(empty.body.toString()).toContain('<a href="../">../</a>');
  });

  it('serves index.html for a directory, and redirects /dir to /dir/', async () => {
    const r = await get('/sub%20dir/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('<h1>sub</h1>\n');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const redirect = await get('/sub%20dir?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/sub%20dir/?x=1');
    const noOpenRedirect = await get('//empty');
    expect(noOpenRedirect.headers.location).toBe('/empty/');
  });

  it('serves a file with its content type, length and validators', async () => {
    const r = await get('/hello.txt');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello world\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['content-length']).toBe('12');
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers.etag).toMatch(/^"c-[0-9a-f]+"$/);
    expect(new Date(r.headers['last-modified'] as string).getTime()).toBeGreaterThan(0);
    expect((await get('/data.json')).headers['content-type']).toBe('application/json; charset=utf-8');
    const zero = await get('/zero.txt');
    expect([zero.status, zero.headers['content-length'], zero.body.length]).toEqual([200, '0', 0]);
  });

  it('streams a large file whole and intact', async () => {
    const r = await get('/big.bin');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.body.equals(fixture.big)).toBe(true);
  });

  it('HEAD: the headers of GET, no body', async () => {
    const r = await get('/big.bin', { ':method': 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(fixture.big.length));
    expect(r.body.length).toBe(0);
    const listing = await get('/', { ':method': 'HEAD' });
    expect(Number(listing.headers['content-length'])).toBeGreaterThan(0);
    expect(listing.body.length).toBe(0);
  });

  it('ranges: 206 with content-range, suffix and open ranges, 416 when unsatisfiable, 200 for several', async () => {
    const r = await get('/big.bin', { range: 'bytes=100-199' });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 100-199/${fixture.big.length}`);
    expect(r.headers['content-length']).toBe('100');
    expect(r.body.equals(fixture.big.subarray(100, 200))).toBe(true);
    const suffix = await get('/hello.txt', { range: 'bytes=-6' });
    expect([suffix.status, suffix.body.toString(), suffix.headers['content-range']]).toEqual([206, 'world\n', 'bytes 6-11/12']);
    const open = await get('/hello.txt', { range: 'bytes=6-' });
    expect(open.body.toString()).toBe('world\n');
    const tooFar = await get('/hello.txt', { range: 'bytes=12-' });
    expect(tooFar.status).toBe(416);
    expect(tooFar.headers['content-range']).toBe('bytes */12');
    const several = await get('/hello.txt', { range: 'bytes=0-1,4-5' });
    expect([several.status, several.body.toString()]).toEqual([200, 'hello world\n']);
    const headRange = await get('/hello.txt', { ':method': 'HEAD', range: 'bytes=0-4' });
    // Range is defined for GET only: on HEAD it is ignored (RFC 9110 §14.2), so the whole length is announced.
    expect([headRange.status, headRange.headers['content-length'], headRange.headers['content-range'], headRange.body.length]).toEqual([200, '12', undefined, 0]);
    expect((await get('/hello.txt', { ':method': 'HEAD', range: 'bytes=50-' })).status).toBe(200);
  });

  it('conditional requests: 304 for a matching If-None-Match or a recent If-Modified-Since; If-Range', async () => {
    const first = await get('/hello.txt');
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    const cached = await get('/hello.txt', { 'if-none-match': `"other", ${etag}` });
    expect([cached.status, cached.body.length, cached.headers.etag]).toEqual([304, 0, etag]);
    expect((await get('/hello.txt', { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get('/hello.txt', { 'if-none-match': '"nope"', 'if-modified-since': lastModified })).status).toBe(200);
    expect((await get('/hello.txt', { range: 'bytes=0-4', 'if-range': etag })).status).toBe(206);
    expect((await get('/hello.txt', { range: 'bytes=0-4', 'if-range': '"stale"' })).status).toBe(200);
  });

  it('preconditions (RFC 9110 §13.2.2): 412 for a failed If-Match or If-Unmodified-Since, before If-None-Match; a bogus If-Modified-Since is ignored', async () => {
    const first = await get('/hello.txt');
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    const failed = await get('/hello.txt', { 'if-match': '"does-not-match"' });
    expect([failed.status, failed.body.toString()]).toEqual([412, '412 Precondition Failed\n']);
    expect((await get('/hello.txt', { 'if-match': '"does-not-match"', 'if-none-match': etag })).status).toBe(412);
    expect((await get('/hello.txt', { 'if-match': etag })).status).toBe(200);
    expect((await get('/hello.txt', { 'if-match': '*', 'if-none-match': etag })).status).toBe(304);
    expect((await get('/hello.txt', { 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status).toBe(412);
    expect((await get('/hello.txt', { 'if-unmodified-since': lastModified })).status).toBe(200);
    expect((await get('/hello.txt', { ':method': 'HEAD', 'if-match': '"x"' })).status).toBe(412);
    for (const bogus of ['2099', '3000-01-01', 'December 17, 2099']) {
      const r = await get('/hello.txt', { 'if-modified-since': bogus });
      expect([bogus, r.status]).toEqual([bogus, 200]);
    }
  });

  it('any other method: 405 with allow: GET, HEAD (a request body is drained)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await get('/hello.txt', { ':method': method }, method === 'POST' || method === 'PUT' ? 'x'.repeat(100_000) : undefined);
      expect([method, r.status, r.headers.allow]).toEqual([method, 405, 'GET, HEAD']);
    }
  });

  it('404 for what is missing or a file asked for as a directory; 400 for traversal attempts; 404 for links leading outside', async () => {
    expect((await get('/nope.txt')).status).toBe(404);
    expect((await get('/hello.txt/more')).status).toBe(404);
    for (const p of ['/hello.txt/', '/hello.txt/.', '/hello.txt/%2e', '/hello.txt//']) {
      const r = await get(p);
      expect([p, r.status]).toEqual([p, 404]); // a path ending in / names a directory
    }
    expect((await get('/empty/.')).status).toBe(200);
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/sub%20dir/../../x', '/a%2f..%2f..%2fpackage.json', '/%00']) {
      const r = await get(p);
      expect([p, r.status]).toEqual([p, 400]);
    }
    expect((await get('/escape.txt')).status).toBe(404);
    expect((await get('/escape-dir/secret.txt')).status).toBe(404);
    const inside = await get('/inside-link.txt');
    expect([inside.status, inside.body.toString()]).toEqual([200, 'hello world\n']);
  });

  it("404 for a directory whose index.html is a link leading outside (not the outside file, not a listing)", async () => {
    const dir = path.join(fixture.root, 'linked-index');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'listed.txt'), 'x');
    fs.symlinkSync(path.join(fixture.outside, 'secret.txt'), path.join(dir, 'index.html'));
    try {
      const r = await get('/linked-index/');
      expect([r.status, r.body.toString()]).toEqual([404, '404 Not Found\n']);
      fs.rmSync(path.join(dir, 'index.html'));
      fs.symlinkSync('listed.txt', path.join(dir, 'index.html'));
      const inside = await get('/linked-index/');
      expect([inside.status, inside.body.toString()]).toEqual([200, 'x']);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  // Linux file systems take any octets but / and NUL in a name; APFS and NTFS refuse names that are not UTF-8.
  (process.platform === 'linux' ? it : it.skip)('names that are not UTF-8: listed, linked octet by octet, served; confinement unchanged', async () => {
    const octets = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const root = Buffer.from(fixture.root);
    const join = (...names: Buffer[]) => Buffer.concat([root, ...names.flatMap((n) => [Buffer.from('/'), n])]);
    const file = octets('f', [0xff], '.txt');
    const dir = octets('d', [0xfe]);
    const link = octets('l', [0xfd], '.txt');
    fs.writeFileSync(join(file), 'not utf-8\n');
    fs.mkdirSync(join(dir));
    fs.writeFileSync(join(dir, Buffer.from('x.txt')), 'x');
    fs.symlinkSync(path.join(fixture.outside, 'secret.txt'), join(link));
    fs.writeFileSync(path.join(fixture.root, 'é.txt'), 'e');
    try {
      const listing = (await get('/')).body.toString();
      expect(listing).toContain('<a href="f%FF.txt">f\ufffd.txt</a>');
      expect(listing).toContain('<a href="d%FE/">d\ufffd/</a>');
      expect(listing).toContain('<a href="%C3%A9.txt">é.txt</a>');
      const href = /href="(f[^"]*)"/.exec(listing)![1];
      const r = await get(`/${href}`);
      expect([r.status, r.body.toString(), r.headers['content-type']]).toEqual([200, 'not utf-8\n', 'text/plain; charset=utf-8']);
      const moved = await get('/d%FE?q');
      expect([moved.status, moved.headers.location]).toEqual([301, '/d%FE/?q']);
      expect((await get('/d%FE/')).body.toString()).toContain('<a href="x.txt">x.txt</a>');
      expect((await get('/d%FE/x.txt')).body.toString()).toBe('x');
      expect((await get('/f%FF.txt/')).status).toBe(404);
      expect((await get('/l%FD.txt')).status).toBe(404);
      expect((await get('/f%FE.txt')).status).toBe(404);
      // UTF-8 sent unescaped (node's client sends each character as one octet): the octets of é.
      expect((await get('/\xc3\xa9.txt')).body.toString()).toBe('e');
    } finally {
      for (const name of [join(file), join(dir), join(link), Buffer.from(path.join(fixture.root, 'é.txt'))]) fs.rmSync(name, { recursive: true });
    }
  });

  it('logs one line per request on stderr: method, path, status, bytes, ms', async () => {
    await get('/hello.txt?log=1');
    await until(() => stderr.text().includes('/hello.txt?log=1'), 3000, 'the log line');
    expect(stderr.text()).toMatch(/^GET \/hello\.txt\?log=1 200 12 B \d+ ms$/m);
    expect(stderr.text()).toMatch(/^HEAD \/big\.bin 200 0 B \d+ ms$/m);
    expect(stderr.text()).toMatch(/^POST \/hello\.txt 405 /m);
  });

  it('the content type goes by the name requested, not a link target: style.css -> style-4f2a is text/css; an index linked to a .txt is HTML', async () => {
    fs.writeFileSync(path.join(fixture.root, 'style-4f2a'), 'p{}');
    fs.symlinkSync('style-4f2a', path.join(fixture.root, 'style.css'));
    fs.mkdirSync(path.join(fixture.root, 'typed-index'));
    fs.symlinkSync('../hello.txt', path.join(fixture.root, 'typed-index', 'index.html'));
    try {
      const css = await get('/style.css');
      expect([css.status, css.headers['content-type'], css.body.toString()]).toEqual([200, 'text/css; charset=utf-8', 'p{}']);
      expect((await get('/style-4f2a')).headers['content-type']).toBe('application/octet-stream');
      const index = await get('/typed-index/');
      expect([index.status, index.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    } finally {
      for (const name of ['style.css', 'style-4f2a', 'typed-index']) fs.rmSync(path.join(fixture.root, name), { recursive: true });
    }
  });

  it('the log escapes control characters of the path as \\xNN: a client cannot write ESC, BEL or backspace to the terminal', async () => {
    // C0 controls and DEL make a :path invalid (RFC 9113 §8.3.1): refused before any handler or log line.
    await rawGet(url, '/log-c0\x1b[2J\x1b]0;pwned\x07\x08\t\x7f');
    // C1 controls are octets above 0x7F, which a :path may carry (raw UTF-8 paths): served, and logged escaped.
    await rawGet(url, '/log-c1\x9b31m\x85');
    await until(() => stderr.text().includes('/log-c1'), 3000, 'the log line');
    expect(stderr.text()).toMatch(/^GET \/log-c1\\x9b31m\\x85 404 /m);
    expect(stderr.text()).not.toContain('/log-c0');
    expect(stderr.text()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });

  it('the log escapes a format control that arrives as one octet (U+00AD, soft hyphen: invisible) as \\u{ad}', async () => {
    await rawGet(url, '/log-shy\xad.txt');
    // The octets of U+202E in UTF-8: the path is a string of octets, so they stay three characters and the C1 one is escaped.
    await rawGet(url, '/log-rlo\xe2\x80\xae.txt');
    await until(() => stderr.text().includes('/log-shy') && stderr.text().includes('/log-rlo'), 3000, 'the log lines');
    expect(stderr.text()).toMatch(/^GET \/log-shy\\u\{ad\}\.txt 404 /m);
    expect(stderr.text()).toMatch(/^GET \/log-rlo\xe2\\x80\xae\.txt 404 /m);
    expect(stderr.text()).not.toContain('\xad');
    expect(stderr.text()).not.toMatch(/[\p{Cf}\p{Zl}\p{Zp}]/u);
  });

  it('a client that cancels mid-file is logged as reset; the server keeps serving', async () => {
    await new Promise<void>((resolve, reject) => {
      const client = http2.connect(url);
      const req = client.request({ ':path': '/big.bin?cancel' });
      req.once('data', () => {
        req.close(http2.constants.NGHTTP2_CANCEL);
        client.close();
        resolve();
      });
      req.on('error', reject);
    });
    await until(() => stderr.text().includes('/big.bin?cancel'), 3000, 'the log line');
    expect(stderr.text()).toMatch(/^GET \/big\.bin\?cancel 200 .* \(reset CANCEL by client\)$/m);
    expect((await get('/hello.txt')).status).toBe(200);
  });
});

describe('rx-http2 serve: options and failures', () => {
  let fixture: Fixture;
  beforeAll(() => (fixture = makeFixture()));
  afterAll(() => fixture.remove());

  it('--tls with no cert: a self-signed certificate made at start; ALPN h2', async () => {
    const stderr = capture();
    const run = await main(['serve', fixture.root, '--port', '0', '--tls'], { stdout: capture(), stderr });
    expect(run.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(stderr.text()).toMatch(/self-signed certificate for localhost, 127\.0\.0\.1, ::1 \(SHA-256 [0-9A-F:]+\)/);
    const r = await h2request(run.url!, { ':path': '/hello.txt' }, { connect: { rejectUnauthorized: false } });
    expect([r.status, r.body.toString()]).toEqual([200, 'hello world\n']);
    await expect(h2request(run.url!, { ':path': '/' })).rejects.toThrow(/self[- ]signed/i);
    expect(await run.close()).toBe(0);
  });

  it('--cert/--key: serves that certificate (trusted as ca)', async () => {
    const { selfSignedCertificate } = await import('../../src/cli/self-signed');
    const made = selfSignedCertificate();
    fs.writeFileSync(path.join(fixture.outside, 'cert.pem'), made.cert);
    fs.writeFileSync(path.join(fixture.outside, 'key.pem'), made.key);
    const run = await main(['serve', 'site', '-p', '0', '--cert', 'outside/cert.pem', '--key', 'outside/key.pem', '-q'], {
      stdout: capture(),
      stderr: capture(),
      cwd: path.dirname(fixture.root),
    });
    const r = await h2request(run.url!.replace('127.0.0.1', 'localhost'), { ':path': '/data.json' }, { connect: { ca: made.cert } });
    expect(r.body.toString()).toBe('{"a":1}\n');
    await run.close();
  });

  it('--idle-timeout: an idle connection is closed with GOAWAY(NO_ERROR)', async () => {
    const run = await main(['serve', fixture.root, '--port', '0', '--quiet', '--idle-timeout', '0.05'], { stdout: capture(), stderr: capture() });
    const session = http2.connect(run.url!);
    try {
      // No request: one made here could race the 50 ms timer on a loaded machine
      // (activity and open streams are covered on virtual time, test/rx/rx-session-idle).
      const code = await new Promise<number>((resolve) => session.once('goaway', resolve));
      expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    } finally {
      session.destroy();
      await run.close();
    }
  });

  it('--quiet: no request log', async () => {
    const stderr = capture();
    const run = await main(['serve', fixture.root, '-p', '0', '--quiet'], { stdout: capture(), stderr });
    await h2request(run.url!, { ':path': '/hello.txt' });
    await run.close();
    expect(stderr.text()).toBe('');
  });

  it('close() is graceful: GOAWAY, the request in flight completes, exit 0; then nothing listens', async () => {
    const run = await main(['serve', fixture.root, '-p', '0', '-q'], { stdout: capture(), stderr: capture() });
    const client = http2.connect(run.url!);
    const goaway = new Promise((r) => client.once('goaway', r));
    const req = client.request({ ':path': '/big.bin' });
    req.pause();
    await new Promise((r) => req.once('response', r));
    const closing = run.close();
    await goaway;
    req.resume();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => req.once('end', r));
    expect(Buffer.concat(chunks).equals(fixture.big)).toBe(true);
    expect(await closing).toBe(0);
    expect(await run.exit).toBe(0);
    client.close();
    const port = Number(new URL(run.url!).port);
    await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('not a directory → exit 2; port in use → exit 1; bad option → exit 2 with usage', async () => {
    const stderr = capture();
    const missing = await main(['serve', path.join(fixture.root, 'nope')], { stdout: capture(), stderr });
    expect(await missing.exit).toBe(2);
    expect(stderr.text()).toContain('rx-http2: serve: not a directory');
    const first = await main(['serve', fixture.root, '-p', '0', '-q'], { stdout: capture(), stderr: capture() });
    const port = new URL(first.url!).port;
    const busyErr = capture();
    const busy = await main(['serve', fixture.root, '-p', port], { stdout: capture(), stderr: busyErr });
    expect(await busy.exit).toBe(1);
    expect(busyErr.text()).toMatch(/rx-http2: serve: .*EADDRINUSE/);
    await first.close();
    const badErr = capture();
    const bad = await main(['serve', '--foo'], { stdout: capture(), stderr: badErr });
    expect(await bad.exit).toBe(2);
    expect(badErr.text()).toMatch(/^rx-http2: unknown option --foo\n\nUsage: rx-http2 serve/);
  });
});

describe('formatLogLine', () => {
  it('writes C0 controls, DEL and C1 controls of the method and path as \\xNN; printable text, UTF-16 above U+009F, untouched', () => {
    const close = { code: 0, initiator: 'none' as const };
    const line = formatLogLine({ method: 'G\x00T', path: '/\x01\x1f ~\x7f\x80\x9f\xa0é€', status: 200, bytes: 1, ms: 2, close });
    expect(line).toBe('G\\x00T /\\x01\\x1f ~\\x7f\\x80\\x9f\xa0é€ 200 1 B 2 ms');
  });

  it('writes bidirectional and other format controls (Trojan Source) and U+2028/U+2029 as \\u{XXXX}', () => {
    const close = { code: 0, initiator: 'none' as const };
    const bidi = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    const line = formatLogLine({ method: 'GET\u202e', path: `/a${bidi}\u00ad\u200b\u200d\ufeff\u{e0041}\u2028\u2029b`, status: 200, bytes: 1, ms: 2, close });
    expect(line).toBe(
      'GET\\u{202e} /a\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}\\u{2066}\\u{2067}\\u{2068}\\u{2069}' +
        '\\u{ad}\\u{200b}\\u{200d}\\u{feff}\\u{e0041}\\u{2028}\\u{2029}b 200 1 B 2 ms',
    );
    expect(line).not.toMatch(/[\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});
