/**
 * Interop: `connect()` against nghttpd (nghttp2's server, Debian
 * nghttp2-server) serving a temp dir of files of various sizes, over h2c and
 * TLS: bytes compared by sha256, trailers, server push received, 100
 * concurrent streams, and 64 MiB each way (download, and an upload that
 * nghttpd's --echo-upload sends back).
 */
import { writeFileSync } from 'node:fs';
import { connect } from '../../src/rx/connect';
import type { RxSession } from '../../src/rx/rx-session';
import type { IncomingStream } from '../../src/rx/rx-stream';
import {
  certificateFiles,
  collect,
  describeIf,
  itWithTls,
  freePort,
  hashBody,
  MIB64,
  Payload,
  peer,
  readBody,
  sha256,
  startChild,
  stopAll,
  tempDir,
  waitForPort,
  which,
  type CertificateFiles,
  type TempDir,
} from './helpers';

const haveNghttpd = peer('nghttpd', () => which('nghttpd'), 'Debian package nghttp2-server; .ci/run does');
const itTls = itWithTls('nghttpd');

jest.setTimeout(40_000);

/** Sizes around the frame size (16384) and the initial window (65535), and past 1 MiB. */
const SIZES = [0, 1, 16_383, 16_384, 16_385, 65_535, 65_536, 65_537, 1024 * 1024 + 1];
const INDEX = '<!doctype html><link rel=stylesheet href=/style.css><script src=/app.js></script>';
const STYLE = 'body { margin: 0 }';
const SCRIPT = 'console.log("pushed")';
const TRAILER = 'x-served-by: nghttpd';

async function startNghttpd(dir: TempDir, cert?: CertificateFiles): Promise<number> {
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-d', dir.path, '--echo-upload', '--trailer', TRAILER, '-p', '/index.html=/style.css,/app.js'];
  const child = startChild('nghttpd', cert === undefined ? ['--no-tls', ...args, String(port)] : [...args, String(port), cert.keyPath, cert.certPath]);
  await waitForPort(port, child);
  return port;
}

describeIf(haveNghttpd)('connect() → nghttpd', () => {
  let docs: TempDir;
  let certDir: TempDir;
  let cert: CertificateFiles | undefined;
  /** sha256 of each served file, by size. */
  const digests = new Map<number, string>();
  let h2cPort: number;
  let tlsPort: number | undefined;
  const sessions: RxSession[] = [];

  beforeAll(async () => {
    docs = tempDir('nghttpd-docs');
    certDir = tempDir('nghttpd-cert');
    cert = certificateFiles(certDir);
    for (const size of [...SIZES, MIB64]) digests.set(size, await new Payload(size).writeTo(docs.file(`f${size}`)));
    writeFileSync(docs.file('index.html'), INDEX);
    writeFileSync(docs.file('style.css'), STYLE);
    writeFileSync(docs.file('app.js'), SCRIPT);
    h2cPort = await startNghttpd(docs);
    if (cert !== undefined) tlsPort = await startNghttpd(docs, cert);
  });

  afterAll(async () => {
    for (const s of sessions) s.close();
    await stopAll();
    docs?.remove();
    certDir?.remove();
  });

  async function session(tls = false): Promise<RxSession> {
    const s = tls ? await connect(`https://127.0.0.1:${tlsPort}`, { ca: cert!.cert }) : await connect(`http://127.0.0.1:${h2cPort}`);
    sessions.push(s);
    return s;
  }

  it('h2c: files of 0 B to 1 MiB + 1, fetched concurrently on one connection, byte-identical', async () => {
    const s = await session();
    const results = await Promise.all(SIZES.map((size) => collect(s, { ':path': `/f${size}` }, undefined, { keep: false })));
    results.forEach((r, i) => {
      const size = SIZES[i];
      expect({ size, status: r.status, length: r.headers['content-length'], bytes: r.bytes, sha256: r.sha256 }).toEqual({
        size,
        status: 200,
        length: String(size),
        bytes: size,
        sha256: digests.get(size),
      });
      // A file response has a body part, even an empty one: the --trailer comes with every file.
      expect(r.trailers).toEqual({ 'x-served-by': 'nghttpd' });
    });
    s.close();
  });

  it('h2c: 64 MiB download, checksummed', async () => {
    const s = await session();
    const r = await collect(s, { ':path': `/f${MIB64}` }, undefined, { keep: false });
    expect(r.status).toBe(200);
    expect(r.bytes).toBe(MIB64);
    expect(r.sha256).toBe(digests.get(MIB64));
    s.close();
  });

  it('h2c: 64 MiB upload streamed from an async iterable, echoed back by nghttpd (--echo-upload), checksummed', async () => {
    const s = await session();
    const body = new Payload(MIB64);
    const r = await collect(s, { ':method': 'POST', ':path': '/echo', 'content-length': MIB64 }, body.chunks(), { keep: false });
    expect(r.status).toBe(200);
    expect(r.bytes).toBe(MIB64);
    expect(r.sha256).toBe(body.sha256);
    s.close();
  });

  it('h2c: a POST with trailers is accepted (nghttpd echoes the body)', async () => {
    const s = await session();
    const r = await collect(s, { ':method': 'POST', ':path': '/echo' }, 'sent with trailers', { trailers: { 'x-request-trailer': 'yes' } });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('sent with trailers');
    s.close();
  });

  it('h2c: server push received (PUSH_PROMISE → streams$ with the promised request, its response and body)', async () => {
    const s = await session();
    const pushed: IncomingStream[] = [];
    s.streams$.subscribe((p) => pushed.push(p));
    const main = await collect(s, { ':path': '/index.html' });
    expect(main.status).toBe(200);
    expect(main.body.toString()).toBe(INDEX);
    expect(pushed.map((p) => p.headers[':path']).sort()).toEqual(['/app.js', '/style.css']);
    const bodies = await Promise.all(
      pushed.map(async (p) => {
        expect(p.id % 2).toBe(0);
        expect(p.headers[':method']).toBe('GET');
        const response = await p.response;
        expect(response[':status']).toBe('200');
        return [p.headers[':path'], (await readBody(p.body)).toString()];
      }),
    );
    expect(Object.fromEntries(bodies)).toEqual({ '/style.css': STYLE, '/app.js': SCRIPT });
    s.close();
  });

  it('h2c: 100 concurrent streams on one connection', async () => {
    const s = await session();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => collect(s, { ':path': `/f${SIZES[i % SIZES.length]}` }, undefined, { keep: false })));
    results.forEach((r, i) => expect(r.sha256).toBe(digests.get(SIZES[i % SIZES.length])));
    s.close();
  });

  it('h2c: 404 for a missing file', async () => {
    const s = await session();
    expect((await collect(s, { ':path': '/missing' })).status).toBe(404);
    s.close();
  });

  describe('TLS (ALPN h2, certificate verified with `ca`)', () => {
    itTls('files of every size, and 8 MiB', async () => {
      const s = await session(true);
      const results = await Promise.all(SIZES.map((size) => collect(s, { ':path': `/f${size}` }, undefined, { keep: false })));
      results.forEach((r, i) => expect({ status: r.status, sha256: r.sha256 }).toEqual({ status: 200, sha256: digests.get(SIZES[i]) }));
      const big = new Payload(8 * 1024 * 1024);
      const echoed = await collect(s, { ':method': 'PUT', ':path': '/echo' }, big.chunks(), { keep: false });
      expect({ bytes: echoed.bytes, sha256: echoed.sha256 }).toEqual({ bytes: big.size, sha256: big.sha256 });
      s.close();
    });

    itTls('server push over TLS', async () => {
      const s = await session(true);
      const pushed: IncomingStream[] = [];
      s.streams$.subscribe((p) => pushed.push(p));
      await collect(s, { ':path': '/index.html' });
      expect(pushed).toHaveLength(2);
      const style = pushed.find((p) => p.headers[':path'] === '/style.css')!;
      expect(style.headers[':scheme']).toBe('https');
      expect((await hashBody(style.body)).sha256).toBe(sha256(STYLE));
      s.close();
    });
  });
});
