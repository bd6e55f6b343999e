/**
 * Interop: python3-h2 (hyper-h2, Debian python3-h2) as client of `serve()`
 * and as server for `connect()`, through the scripts in ./python (h2c with
 * prior knowledge, plain sockets, /usr/bin/python3).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { connect } from '../../src/rx/connect';
import type { GoawayInfo, RxSession } from '../../src/rx/rx-session';
import { EARLY_HINTS_LINK, HELLO, PUSHED_BODY, startApp, TRAILERS_BODY, type App } from './app';
import { collect, describeIf, Payload, peer, PYTHON, run, sha256, startChild, stopAll, type Child } from './helpers';

const havePythonH2 = peer('python3-h2', () => spawnSync(PYTHON, ['-c', 'import h2, hyperframe']).status === 0, 'Debian package python3-h2; .ci/run does');

const CLIENT = join(__dirname, 'python', 'h2_client.py');
const SERVER = join(__dirname, 'python', 'h2_server.py');

jest.setTimeout(30_000);

/** One response as the Python client reports it. */
interface PyResult {
  path: string;
  informational: Array<Record<string, string>>;
  headers: Record<string, string> | null;
  trailers: Record<string, string> | null;
  bytes: number;
  sha256: string;
  body: string;
  ended: boolean;
  reset: number | null;
  pushed: boolean;
}

async function pythonClient(port: number, scenario: string): Promise<Record<string, unknown>> {
  const r = await run(PYTHON, [CLIENT, String(port), scenario], { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`h2_client.py ${scenario} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

describeIf(havePythonH2)('python3-h2 client → serve()', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('GET, POST larger than the window, empty POST, trailers, 103, push and 100 concurrent streams on one connection', async () => {
    const out = await pythonClient(app.port, 'basic');
    const hello = out.hello as PyResult;
    expect(hello).toMatchObject({ headers: { ':status': '200', 'content-type': 'text/plain' }, body: HELLO, ended: true, trailers: null });

    const echo = out.echo as PyResult;
    expect(echo).toMatchObject({ bytes: 256 * 1024, sha256: out.echoSentSha256, ended: true });

    expect(JSON.parse((out.emptyPost as PyResult).body)).toEqual({ bytes: 0, sha256: sha256('') });

    const trailers = out.trailers as PyResult;
    expect(trailers.body).toBe(TRAILERS_BODY);
    expect(trailers.trailers).toEqual({ 'x-trailer-one': 'one', 'x-checksum': sha256(TRAILERS_BODY) });

    const hints = out.earlyHints as PyResult;
    expect(hints.informational).toEqual([{ ':status': '103', link: EARLY_HINTS_LINK }]);
    expect(hints.headers![':status']).toBe('200');

    const pushed = out.pushed as PyResult[];
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ path: '/pushed.css', headers: { ':status': '200', 'content-type': 'text/css' }, body: PUSHED_BODY, ended: true });
    expect((out.push as PyResult).body).toBe('main document');

    const concurrent = out.concurrent as PyResult[];
    expect(concurrent).toHaveLength(100);
    concurrent.forEach((r, i) => {
      expect({ status: r.headers?.[':status'], bytes: r.bytes, reset: r.reset }).toEqual({ status: '200', bytes: 1000 * i, reset: null });
      expect(r.sha256).toBe(Payload.digestOf(1000 * i));
      expect(r.trailers).toEqual({ 'x-sha256': Payload.digestOf(1000 * i) });
    });

    // Our SETTINGS reached h2, and h2 acknowledged ours; we never sent GOAWAY.
    const log = out.log as unknown[][];
    expect(log.some((e) => e[0] === 'settings')).toBe(true);
    expect(log.some((e) => e[0] === 'settings-ack')).toBe(true);
    expect(log.some((e) => e[0] === 'goaway')).toBe(false);
    expect(app.errors).toEqual([]);
  });

  it('graceful close mid-flight: GOAWAY(NO_ERROR, last = the stream in flight), that stream completes, then the connection closes', async () => {
    let closing: Promise<void> | undefined;
    const own = await startApp({
      hook: async (stream) => {
        if (stream.path !== '/hold') return false;
        closing = own.server.close(); // GOAWAY now, while this stream is open
        await stream.respond({ ':status': 200 }, 'finished after GOAWAY');
        return true;
      },
    });
    const out = await pythonClient(own.port, 'goaway');
    await closing;
    const hold = out.hold as PyResult;
    expect(hold).toMatchObject({ headers: { ':status': '200' }, body: 'finished after GOAWAY', ended: true, reset: null });
    // h2 needed a patch to accept frames after GOAWAY (see tolerate_goaway in h2_client.py).
    expect(out.log).toEqual([['goaway', 0, out.holdId], ['response', out.holdId, '200'], ['ended', out.holdId], ['eof']]);
  });
});

describeIf(havePythonH2)('connect() → python3-h2 server', () => {
  let server: Child;
  let url: string;
  const sessions: RxSession[] = [];

  beforeAll(async () => {
    server = startChild(PYTHON, [SERVER]);
    const [, port] = await server.line(/^LISTENING (\d+)$/);
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const s of sessions) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    await stopAll();
  });

  afterEach(() => {
    expect(server.stderr()).toBe('');
  });

  async function session(): Promise<RxSession> {
    const s = await connect(url);
    sessions.push(s);
    return s;
  }

  it('GET, trailers, two 103s before the final response', async () => {
    const s = await session();
    const hello = await collect(s, { ':path': '/hello' });
    expect({ status: hello.status, body: hello.body.toString() }).toEqual({ status: 200, body: 'hello from python-h2' });

    const trailers = await collect(s, { ':path': '/trailers' });
    expect(trailers.body.toString()).toBe('python body');
    expect(trailers.trailers).toEqual({ 'x-trailer-one': 'one', 'x-checksum': sha256('python body') });

    const hints = await collect(s, { ':path': '/early-hints' });
    expect(hints.informational).toEqual([
      { status: 103, headers: { ':status': '103', link: '</a.css>; rel=preload; as=style' } },
      { status: 103, headers: { ':status': '103', link: '</b.js>; rel=preload; as=script' } },
    ]);
    expect({ status: hints.status, body: hints.body.toString() }).toEqual({ status: 200, body: 'after hints' });
  });

  it('bodies of 0 B to 8 MiB, checksummed against the trailer the server computed', async () => {
    const s = await session();
    for (const size of [0, 1, 65_535, 65_537, 8 * 1024 * 1024]) {
      const r = await collect(s, { ':path': `/bytes/${size}` }, undefined, { keep: false });
      expect({ size, status: r.status, bytes: r.bytes, sha256: r.sha256 }).toEqual({ size, status: 200, bytes: size, sha256: r.trailers?.['x-sha256'] });
    }
  });

  it('uploads of 0 B and 8 MiB (async iterable, paced by h2 windows), checksummed by the server', async () => {
    const s = await session();
    const empty = await collect(s, { ':method': 'POST', ':path': '/sha256' }, '');
    expect(JSON.parse(empty.body.toString())).toEqual({ bytes: 0, sha256: sha256('') });
    const body = new Payload(8 * 1024 * 1024);
    const r = await collect(s, { ':method': 'POST', ':path': '/sha256' }, body.chunks());
    expect(JSON.parse(r.body.toString())).toEqual({ bytes: body.size, sha256: body.sha256 });
  });

  it('150 concurrent requests: h2 allows 100 streams, we queue the rest; all complete on one connection', async () => {
    const s = await session();
    const results = await Promise.all(Array.from({ length: 150 }, () => collect(s, { ':path': '/bytes/1000' }, undefined, { keep: false })));
    expect(results.every((r) => r.status === 200 && r.bytes === 1000 && r.sha256 === r.trailers?.['x-sha256'])).toBe(true);
    expect(s.type).toBe('client');
  });

  it('GOAWAY mid-flight with a lower last-stream-id: streams above it fail as retryable, those below complete', async () => {
    const s = await session();
    const goaways: GoawayInfo[] = [];
    s.goaway$.subscribe((g) => goaways.push(g));
    const K = 10;
    const outcomes = await Promise.all(
      Array.from({ length: K }, (_, i) =>
        lastValueFrom(s.request({ ':path': `/hold/${i}?of=${K}` }).pipe(toArray())).then(
          (events) => ({ ok: true as const, body: Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.chunk] : []))).toString() }),
          (error: Error & { retryable?: boolean; streamId?: number }) => ({ ok: false as const, error }),
        ),
      ),
    );
    // Ours, once the last stream is done, answers with its own GOAWAY(NO_ERROR) before closing (§6.8).
    expect(goaways.filter((g) => g.initiator === 'local').every((g) => g.code === 0)).toBe(true);
    const remote = goaways.filter((g) => g.initiator === 'remote');
    expect(remote).toHaveLength(1);
    const [goaway] = remote;
    expect({ initiator: goaway.initiator, code: goaway.code, debug: Buffer.from(goaway.debugData).toString() }).toEqual({ initiator: 'remote', code: 0, debug: 'interop' });
    // Requests were sent in order on streams 1, 3, …, 19; the server let the first half complete.
    expect(goaway.lastStreamId).toBe(2 * (K / 2) - 1);
    outcomes.forEach((o, i) => {
      if (i < K / 2) {
        expect(o).toEqual({ ok: true, body: `held ${i}` });
      } else {
        expect(o.ok).toBe(false);
        const error = (o as { error: Error & { retryable?: boolean; streamId?: number } }).error;
        expect(error.message).toMatch(/REFUSED_STREAM.*\(safe to retry\)/);
        if ('retryable' in error) expect(error.retryable).toBe(true);
        expect(error.streamId).toBeGreaterThan(goaway.lastStreamId);
      }
    });
    // No new stream after a GOAWAY (§6.8).
    await expect(lastValueFrom(s.request({ ':path': '/hello' }))).rejects.toThrow(/GOAWAY/);
  });
});
