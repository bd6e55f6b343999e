import * as fs from 'node:fs';
import * as path from 'node:path';
import { toArray } from 'ix/asynciterable';
import { main } from '../../src/cli/main';
import type { CliRun } from '../../src/cli/io';
import { selfSignedCertificate } from '../../src/cli/self-signed';
import { ErrorCode } from '../../src/protocol/error-code';
import { serve, type RxServer } from '../../src/rx/serve';
import { capture, delay, makeFixture, until, type Fixture } from './helpers';

describe('rx-http2 get', () => {
  let fixture: Fixture;
  let server: CliRun;
  let url: string;
  const get = async (argv: string[], opts: { stdoutTTY?: boolean; stderrTTY?: boolean; stdin?: NodeJS.ReadableStream } = {}) => {
    const stdout = capture(opts.stdoutTTY);
    const stderr = capture(opts.stderrTTY);
    const run = await main(['get', ...argv], { stdout, stderr, cwd: fixture.outside, stdin: opts.stdin });
    const code = await run.exit;
    return { code, out: stdout.text(), err: stderr.text() };
  };

  beforeAll(async () => {
    fixture = makeFixture();
    server = await main(['serve', fixture.root, '-p', '0', '-q'], { stdout: capture(), stderr: capture() });
    url = server.url!;
  });
  afterAll(async () => {
    await server.close();
    fixture.remove();
  });

  it('-o file: the file written equals the one served; status, headers and timing on stderr; exit 0', async () => {
    const r = await get([`${url}big.bin`, '-o', 'copy.bin']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(fs.readFileSync(path.join(fixture.outside, 'copy.bin')).equals(fixture.big)).toBe(true);
    expect(r.err).toMatch(/^\* connected to 127\.0\.0\.1:\d+ \(h2c, prior knowledge\) in [\d.]+ ms$/m);
    expect(r.err).toMatch(/^> GET \/big\.bin$/m);
    expect(r.err).toMatch(/^< :status: 200$/m);
    expect(r.err).toMatch(/^< content-type: application\/octet-stream$/m);
    expect(r.err).toMatch(new RegExp(`^< content-length: ${fixture.big.length}$`, 'm'));
    expect(r.err).toMatch(new RegExp(`^\\* ${fixture.big.length} bytes; connect [\\d.]+ ms, ttfb [\\d.]+ ms, total [\\d.]+ ms$`, 'm'));
  });

  it('without -o the body goes to stdout; -s prints nothing else', async () => {
    const r = await get(['-s', `${url}hello.txt`]);
    expect(r).toEqual({ code: 0, out: 'hello world\n', err: '' });
  });

  it('request headers (-H) go out: a range request', async () => {
    const r = await get([`${url}hello.txt`, '-H', 'Range: bytes=0-4']);
    expect([r.code, r.out]).toEqual([0, 'hello']);
    expect(r.err).toMatch(/^< content-range: bytes 0-4\/12$/m);
  });

  it('a 4xx is exit 0 (the transfer worked), but 22 with --fail, and no body is written', async () => {
    const plain = await get([`${url}missing`]);
    expect([plain.code, plain.out]).toEqual([0, '404 Not Found\n']);
    expect(plain.err).toMatch(/^< :status: 404$/m);
    const failing = await get(['--fail', `${url}missing`, '-o', 'never.txt']);
    expect(failing.code).toBe(22);
    expect(failing.err).toContain('rx-http2: get: the server answered 404');
    expect(fs.existsSync(path.join(fixture.outside, 'never.txt'))).toBe(false);
    const method = await get(['-f', '-X', 'DELETE', `${url}hello.txt`]);
    expect(method.code).toBe(22);
  });

  it('HEAD via -X: headers only', async () => {
    const r = await get(['-X', 'HEAD', `${url}big.bin`]);
    expect([r.code, r.out]).toEqual([0, '']);
    expect(r.err).toMatch(/^\* 0 bytes; /m);
  });

  it('connection refused → exit 1 with the reason', async () => {
    const r = await get(['http://127.0.0.1:1/']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^rx-http2: get: .*ECONNREFUSED/m);
  });

  it('bad arguments → exit 2 with a message and the usage', async () => {
    const unknown = await get(['--foo', url]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^rx-http2: unknown option --foo\n\nUsage: rx-http2 get/);
    expect((await get([])).code).toBe(2);
    expect((await get(['ftp://x/'])).code).toBe(2);
    expect((await get([url, '-H', 'oops'])).err).toContain("bad header 'oops'");
    const connection = await get([`${url}hello.txt`, '-H', 'connection: close']);
    expect(connection.code).toBe(2);
    expect(connection.err).toMatch(/^rx-http2: get: -H 'connection': a connection-specific header field, not allowed in HTTP\/2 \(RFC 9113 §8\.2\.2\)\n\nUsage: rx-http2 get/);
  });

  it('a write error (-o into a missing directory) → exit 23', async () => {
    const r = await get([`${url}hello.txt`, '-o', 'no/such/dir/file']);
    expect(r.code).toBe(23);
    expect(r.err).toMatch(/cannot write the body to no\/such\/dir\/file: ENOENT/);
  });

  it('a progress line on a TTY stderr for a large body, erased at the end', async () => {
    const r = await get([`${url}big.bin`, '-o', 'progress.bin'], { stderrTTY: true });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\r\[[#.]+\]\s+\d+%/);
    expect(r.err).toContain('\r\x1b[K');
    // Not when the body itself goes to the terminal.
    const toTerminal = await get([`${url}big.bin`], { stderrTTY: true, stdoutTTY: true });
    expect(toTerminal.err).not.toContain('%');
  });
});

describe('rx-http2 get against custom servers', () => {
  let server: RxServer;
  const cwd = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'rx-http2-get-'));
  afterEach(async () => server?.close());
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));
  const get = async (argv: string[], stdin?: NodeJS.ReadableStream) => {
    const stdout = capture();
    const stderr = capture();
    const run = await main(['get', ...argv], { stdout, stderr, cwd, stdin });
    return { run, stdout, stderr };
  };

  it('--data text / @file / @- is sent as the request body, POST by default, with content-length when known', async () => {
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe(async (stream) => {
      const body = Buffer.concat(await toArray(stream.body)).toString();
      await stream.respond({ ':status': 200 }, `${stream.method} ${stream.headers['content-length'] ?? '-'} ${stream.headers['x-k'] ?? ''} ${body}`);
    });
    const text = await get(['-s', '-d', 'a=1&b=2', '-H', 'x-k: v', `${server.url}/`]);
    expect(await text.run.exit).toBe(0);
    expect(text.stdout.text()).toBe('POST 7 v a=1&b=2');
    fs.writeFileSync(path.join(cwd, 'body.txt'), 'from a file');
    const file = await get(['-s', '-X', 'PUT', '--data', '@body.txt', `${server.url}/`]);
    expect(await file.run.exit).toBe(0);
    expect(file.stdout.text()).toBe('PUT 11  from a file');
    const { Readable } = await import('node:stream');
    const stdin = await get(['-s', '-d', '@-', `${server.url}/`], Readable.from([Buffer.from('from '), Buffer.from('stdin')]));
    expect(await stdin.run.exit).toBe(0);
    expect(stdin.stdout.text()).toBe('POST -  from stdin');
  });

  it('--data @<directory>, @<device>, @<missing file> or @ (no name): exit 2 with a message, nothing sent', async () => {
    let requests = 0;
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe((stream) => {
      requests++;
      void stream.respond({ ':status': 200 }, 'ok');
    });
    fs.mkdirSync(path.join(cwd, 'a-dir'), { recursive: true });
    const dir = await get(['-s', '--data', '@a-dir', `${server.url}/`]);
    expect(await dir.run.exit).toBe(2);
    expect(dir.stderr.text()).toBe('rx-http2: get: --data @a-dir: not a regular file (a directory)\n');
    if (process.platform !== 'win32') {
      const device = await get(['-s', '--data', '@/dev/null', `${server.url}/`]);
      expect(await device.run.exit).toBe(2);
      expect(device.stderr.text()).toBe('rx-http2: get: --data @/dev/null: not a regular file; use @- to read a pipe or device from stdin\n');
    }
    const missing = await get(['-s', '--data', '@missing.txt', `${server.url}/`]);
    expect(await missing.run.exit).toBe(2);
    expect(missing.stderr.text()).toBe('rx-http2: get: --data @missing.txt: no such file\n');
    const empty = await get(['-s', '--data', '@', `${server.url}/`]);
    expect(await empty.run.exit).toBe(2);
    expect(empty.stderr.text()).toMatch(/^rx-http2: get: --data @ needs a file name \(@- reads stdin\)\n\nUsage: rx-http2 get/);
    expect(requests).toBe(0);
  });

  it('prints trailers', async () => {
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 200 }, 'body', { trailers: { 'x-checksum': 'abc' } }));
    const r = await get([`${server.url}/`]);
    expect(await r.run.exit).toBe(0);
    expect(r.stderr.text()).toMatch(/^< x-checksum: abc$/m);
  });

  it('a stream reset by the server mid-body → exit 1', async () => {
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe((stream) => {
      async function* partial() {
        yield 'part';
        await delay(20);
        stream.reset(ErrorCode.INTERNAL_ERROR);
      }
      void stream.respond({ ':status': 200 }, partial()).catch(() => undefined);
    });
    const r = await get([`${server.url}/`]);
    expect(await r.run.exit).toBe(1);
    expect(r.stderr.text()).toMatch(/rx-http2: get: .*INTERNAL_ERROR/);
  });

  it('close() (SIGINT) cancels the stream (RST_STREAM CANCEL) and exits 130', async () => {
    server = await serve({ host: '127.0.0.1' });
    let arrived = false;
    const closed = new Promise<number>((resolve) =>
      server.streams$.subscribe((stream) => {
        arrived = true;
        void stream.closed.then((c) => resolve(c.code));
        async function* forever() {
          for (;;) {
            yield new Uint8Array(4096);
            await delay(5);
          }
        }
        void stream.respond({ ':status': 200 }, forever()).catch(() => undefined);
      }),
    );
    const r = await get([`${server.url}/`, '-o', 'forever.bin']);
    await until(() => arrived && fs.existsSync(path.join(cwd, 'forever.bin')), 3000, 'the body to start');
    expect(await r.run.close()).toBe(130);
    expect(await closed).toBe(ErrorCode.CANCEL);
    // Before the response, too: a server that never answers.
    await server.close();
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe(() => undefined);
    const waiting = await get([`${server.url}/`]);
    await delay(50);
    expect(await waiting.run.close()).toBe(130);
  });

  it('https: a self-signed server fails verification (exit 1, hint), passes with --insecure or --ca', async () => {
    const made = selfSignedCertificate();
    fs.writeFileSync(path.join(cwd, 'ca.pem'), made.cert);
    server = await serve({ host: '127.0.0.1', tls: { key: made.key, cert: made.cert } });
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 200 }, 'secure'));
    const origin = server.url.replace('127.0.0.1', 'localhost');
    const strict = await get([`${origin}/`]);
    expect(await strict.run.exit).toBe(1);
    expect(strict.stderr.text()).toMatch(/self[- ]signed.*\(use --insecure, or --ca <file> to trust the certificate\)/);
    const insecure = await get(['-k', `${origin}/`]);
    expect(await insecure.run.exit).toBe(0);
    expect(insecure.stdout.text()).toBe('secure');
    expect(insecure.stderr.text()).toMatch(/\(TLS, ALPN h2\)/);
    const trusted = await get(['--ca', 'ca.pem', `${origin}/`]);
    expect(await trusted.run.exit).toBe(0);
    expect(trusted.stdout.text()).toBe('secure');
  });
});

describe('rx-http2 (no command, help)', () => {
  it('no command: usage on stderr, exit 2; --help: usage on stdout, exit 0; unknown command: exit 2', async () => {
    const err = capture();
    expect(await (await main([], { stderr: err })).exit).toBe(2);
    expect(err.text()).toMatch(/^Usage: rx-http2 <command>/);
    const out = capture();
    expect(await (await main(['--help'], { stdout: out })).exit).toBe(0);
    expect(out.text()).toContain('serve [dir]');
    const helpGet = capture();
    expect(await (await main(['get', '--help'], { stdout: helpGet })).exit).toBe(0);
    expect(helpGet.text()).toMatch(/^Usage: rx-http2 get/);
    const unknown = capture();
    expect(await (await main(['fetch'], { stderr: unknown })).exit).toBe(2);
    expect(unknown.text()).toMatch(/^rx-http2: unknown command 'fetch'/);
  });
});
