/**
 * Interop: nghttp (nghttp2's client, Debian nghttp2-client) against
 * `serve()`, read from its frame log (`nghttp -nv`): the SETTINGS exchange,
 * responses, trailers, 103, server push, uploads and 100 streams on one
 * connection, over h2c and TLS.
 */
import { EARLY_HINTS_LINK, HELLO, PUSHED_BODY, useApps, TRAILERS_BODY, type App } from './app';
import { describeIf, itWithTls, Payload, peer, run, sha256, which, type CertificateFiles, type TempDir } from './helpers';

const haveNghttp = peer('nghttp', () => which('nghttp'), 'Debian package nghttp2-client; .ci/run does');
const itTls = itWithTls('nghttp');

jest.setTimeout(30_000);

/** One frame of nghttp's verbose log, with the header fields printed with it. */
interface LoggedFrame {
  dir: 'send' | 'recv';
  type: string;
  length: number;
  flags: number;
  streamId: number;
  /** The indented lines under the frame line (flag names, settings, promised id, sent headers). */
  details: string[];
  /** Received header fields (nghttp prints them just before the HEADERS / PUSH_PROMISE line). */
  headers: Array<[string, string]>;
}

/** Parses `nghttp -v` output into frames. */
function frames(log: string): LoggedFrame[] {
  const out: LoggedFrame[] = [];
  let pending: Array<[string, string]> = [];
  for (const line of log.split('\n')) {
    const header = line.match(/^\[\s*[\d.]+\] recv \(stream_id=\d+\) (:?[^:]+): (.*)$/);
    if (header !== null) {
      pending.push([header[1], header[2]]);
      continue;
    }
    const frame = line.match(/^\[\s*[\d.]+\] (send|recv) (\w+) frame <length=(\d+), flags=0x([0-9a-f]+), stream_id=(\d+)>/);
    if (frame !== null) {
      out.push({
        dir: frame[1] as 'send' | 'recv',
        type: frame[2],
        length: Number(frame[3]),
        flags: parseInt(frame[4], 16),
        streamId: Number(frame[5]),
        details: [],
        headers: frame[1] === 'recv' ? pending : [],
      });
      pending = [];
      continue;
    }
    if (/^\s{10}/.test(line) && out.length > 0) out[out.length - 1].details.push(line.trim());
  }
  return out;
}

const END_STREAM = 0x1;
const ACK = 0x1;

describeIf(haveNghttp)('nghttp → serve()', () => {
  let dir: TempDir;
  let h2c: App;
  let tls: App | undefined;

  useApps('nghttp', (f) => ({ dir, cert, h2c, tls } = f));

  let cert: CertificateFiles | undefined;

  /** Runs nghttp; over TLS it verifies our certificate (OpenSSL's SSL_CERT_FILE: nghttp has no --cacert). */
  async function nghttp(...args: string[]): Promise<{ log: string; frames: LoggedFrame[] }> {
    const r = await run('nghttp', args, cert === undefined ? {} : { env: { SSL_CERT_FILE: cert.certPath } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const log = r.stdout.toString();
    return { log, frames: frames(log) };
  }

  it('SETTINGS exchange: our SETTINGS is the first frame we send (§3.4), and each side ACKs the other', async () => {
    const { frames: f } = await nghttp('-nv', `${h2c.url}/hello`);
    const received = f.filter((x) => x.dir === 'recv');
    expect(received[0]).toMatchObject({ type: 'SETTINGS', flags: 0, streamId: 0 });
    expect(f.some((x) => x.dir === 'recv' && x.type === 'SETTINGS' && x.flags === ACK)).toBe(true);
    expect(f.some((x) => x.dir === 'send' && x.type === 'SETTINGS' && x.flags === ACK)).toBe(true);
    // Nothing we sent made nghttp reset or abandon the connection.
    expect(f.filter((x) => x.type === 'RST_STREAM' || (x.type === 'GOAWAY' && !x.details.some((d) => d.includes('NO_ERROR'))))).toEqual([]);
  });

  it('GET: response headers and body', async () => {
    const { frames: f } = await nghttp('-nv', `${h2c.url}/hello`);
    const response = f.find((x) => x.dir === 'recv' && x.type === 'HEADERS')!;
    expect(response.headers).toEqual([
      [':status', '200'],
      ['content-type', 'text/plain'],
    ]);
    const data = f.filter((x) => x.dir === 'recv' && x.type === 'DATA');
    expect(data.reduce((n, x) => n + x.length, 0)).toBe(HELLO.length);
    expect(data[data.length - 1].flags & END_STREAM).toBe(END_STREAM);
    // Without -n, nghttp writes the body to stdout.
    expect((await run('nghttp', [`${h2c.url}/hello`])).stdout.toString()).toBe(HELLO);
  });

  it('server push: PUSH_PROMISE on the request stream, then the pushed response on the promised stream', async () => {
    const { frames: f } = await nghttp('-nv', `${h2c.url}/push`);
    const promise = f.find((x) => x.dir === 'recv' && x.type === 'PUSH_PROMISE');
    expect(promise).toBeDefined();
    const request = f.find((x) => x.dir === 'send' && x.type === 'HEADERS')!;
    expect(promise!.streamId).toBe(request.streamId);
    expect(promise!.headers).toEqual(expect.arrayContaining([[':method', 'GET'], [':path', '/pushed.css'], [':scheme', 'http']]));
    const promised = Number(promise!.details.join(' ').match(/promised_stream_id=(\d+)/)![1]);
    expect(promised % 2).toBe(0);
    const pushedHeaders = f.find((x) => x.dir === 'recv' && x.type === 'HEADERS' && x.streamId === promised)!;
    expect(pushedHeaders.details).toContain('; First push response header');
    expect(pushedHeaders.headers).toEqual([
      [':status', '200'],
      ['content-type', 'text/css'],
    ]);
    const pushedData = f.filter((x) => x.dir === 'recv' && x.type === 'DATA' && x.streamId === promised);
    expect(pushedData.reduce((n, x) => n + x.length, 0)).toBe(PUSHED_BODY.length);
    expect(pushedData[pushedData.length - 1].flags & END_STREAM).toBe(END_STREAM);
    // The promise precedes the main response's HEADERS (§8.4: before any frame referring to the pushed content).
    const main = f.findIndex((x) => x.dir === 'recv' && x.type === 'HEADERS' && x.streamId === request.streamId);
    expect(f.indexOf(promise!)).toBeLessThan(main);
  });

  it('trailers: a HEADERS frame with END_STREAM after the DATA', async () => {
    const { frames: f } = await nghttp('-nv', `${h2c.url}/trailers`);
    const received = f.filter((x) => x.dir === 'recv' && x.streamId !== 0);
    expect(received.map((x) => x.type)).toEqual(['HEADERS', 'DATA', 'HEADERS']);
    expect(received[1]).toMatchObject({ length: TRAILERS_BODY.length, flags: 0 });
    expect(received[2].flags & END_STREAM).toBe(END_STREAM);
    expect(received[2].headers).toEqual([
      ['x-trailer-one', 'one'],
      ['x-checksum', sha256(TRAILERS_BODY)],
    ]);
  });

  it('103 Early Hints, then the final response', async () => {
    const { frames: f } = await nghttp('-nv', `${h2c.url}/early-hints`);
    const headers = f.filter((x) => x.dir === 'recv' && x.type === 'HEADERS');
    expect(headers.map((h) => h.headers)).toEqual([
      [
        [':status', '103'],
        ['link', EARLY_HINTS_LINK],
      ],
      [
        [':status', '200'],
        ['content-type', 'text/plain'],
      ],
    ]);
  });

  it('upload (-d): 1 MiB echoed back', async () => {
    const body = new Payload(1024 * 1024);
    const file = dir.file('upload.bin');
    await body.writeTo(file);
    const r = await run('nghttp', ['-d', file, `${h2c.url}/echo`]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(body.size);
    expect(sha256(r.stdout)).toBe(body.sha256);
  });

  it('100 concurrent streams on one connection (-m 100)', async () => {
    const r = await run('nghttp', ['-n', '-s', '-m', '100', `${h2c.url}/bytes/1000`]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .toString()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((cols) => cols.length === 7 && /^\d+$/.test(cols[0]));
    expect(rows).toHaveLength(100);
    expect(rows.every((cols) => cols[4] === '200' && cols[5] === '1000' && cols[6] === '/bytes/1000')).toBe(true);
    expect(new Set(rows.map((cols) => cols[0])).size).toBe(100);
  });

  // https://localhost: nghttp checks the host name against DNS names only, not IP SANs.
  itTls('TLS: h2 negotiated by ALPN, certificate verified; SETTINGS, response and push', async () => {
    const { log, frames: f } = await nghttp('-nv', `https://localhost:${tls!.port}/push`);
    expect(log).toMatch(/The negotiated protocol: h2\n/);
    expect(f.find((x) => x.dir === 'recv')).toMatchObject({ type: 'SETTINGS', flags: 0 });
    const promise = f.find((x) => x.dir === 'recv' && x.type === 'PUSH_PROMISE')!;
    expect(promise.headers).toEqual(expect.arrayContaining([[':path', '/pushed.css'], [':scheme', 'https']]));
    const promised = Number(promise.details.join(' ').match(/promised_stream_id=(\d+)/)![1]);
    const pushedData = f.filter((x) => x.dir === 'recv' && x.type === 'DATA' && x.streamId === promised);
    expect(pushedData.reduce((n, x) => n + x.length, 0)).toBe(PUSHED_BODY.length);
  });
});
