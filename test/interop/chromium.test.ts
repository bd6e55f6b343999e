/**
 * Interop: headless Chromium (Debian's, driven by playwright-core) as the
 * client, `serve()` as the server, over TLS with ALPN h2 — the browser only
 * speaks HTTP/2 over TLS.
 *
 * What it proves, each from both ends (what the page saw, what the server saw):
 * Chromium verifies our certificate (pinned by key; another key is refused)
 * and negotiates h2; 50 fetches of up to 2.4 MB multiplex on one connection
 * with every body intact (sha256 computed in the page); uploads arrive intact,
 * with a length and streamed without one (Chromium streams request bodies over
 * HTTP/2 only); Chromium acts on our 103 Early Hints (over HTTP/2 only) and
 * ignores trailers; 16 MiB, more than Chromium's stream window, flows; and
 * `close()` sends GOAWAY, after which Chromium closes the connection.
 *
 * Each test uses a fresh browser context, which has its own connection pool:
 * so "the connection of this test" is well defined and counted on the server.
 * Server push is not tested: Chromium disables it (SETTINGS_ENABLE_PUSH 0).
 */
import { filter, firstValueFrom, Subject } from 'rxjs';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import type { RxSession } from '../../src/rx/rx-session';
import type { IncomingStream } from '../../src/rx/rx-stream';
import { makeCertificate } from '../transport/helpers';
import { EARLY_HINTS_LINK, HELLO, startApp, TRAILERS_BODY, type App, type Hook } from './app';
import { haveChromium, launchChromium, spkiPin } from './chromium';
import { certificateFiles, describeIf, Payload, peer, sha256, tempDir, which, type CertificateFiles, type TempDir } from './helpers';

const ready =
  peer('headless Chromium (/usr/bin/chromium + playwright-core)', haveChromium, 'Debian package chromium and npm playwright-core; .ci/run and package.json do') &&
  peer('openssl (for the chromium tests, all over TLS)', () => which('openssl'), 'Debian package openssl; .ci/run does');

jest.setTimeout(30_000);

/** A page with an empty inline icon, so that Chromium asks for no /favicon.ico behind the test's back. */
const PAGE = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>rx-http2</title>';
const STYLE = 'p { color: green }';

/** Chromium's requests for /style.css (the resource our 103 hints at), as the server gets them. */
const styleRequests = new Subject<IncomingStream>();

/**
 * The routes the browser needs beyond the shared app: the page the fetches
 * run from, a 103 that Chromium is sure to act on, and two requests Chromium
 * makes on its own. Those two may be cancelled by Chromium (an unused
 * preload, a favicon in flight when the context closes), so a failed respond
 * there is expected, not an error.
 */
const browserRoutes: Hook = async (stream) => {
  const tolerate = async (send: () => Promise<void>) => {
    try {
      await send();
    } catch {
      // Cancelled by Chromium: respond throws, or rejects, once the stream or connection is gone.
    }
  };
  if (stream.method === 'GET' && stream.path === '/') await stream.respond({ ':status': 200, 'content-type': 'text/html' }, PAGE);
  else if (stream.method === 'GET' && stream.path === '/early-hints/held') {
    // Chromium drops a 103 that arrives before its transaction is reading the
    // response (its net-log shows HTTP2_SESSION_RECV_HEADERS :status 103 and
    // no READ_EARLY_HINTS_RESPONSE_HEADERS), which on loopback was about half
    // the time. A PING round trip first: Chromium answers it from a later
    // task than the one that sets the transaction reading, so the 103 finds
    // it ready (150 navigations out of 150, against ~50% without). The 200 is
    // then held until the preload arrives, so that the outcome depends on
    // the 103 alone and not on how soon the navigation commits.
    const preloaded = firstValueFrom(styleRequests.pipe(filter((s) => s.session === stream.session)));
    await firstValueFrom(stream.session.ping());
    stream.informational({ ':status': 103, link: EARLY_HINTS_LINK });
    await preloaded;
    await stream.respond({ ':status': 200, 'content-type': 'text/plain' }, 'after hints');
  } else if (stream.method === 'GET' && stream.path === '/style.css') {
    styleRequests.next(stream);
    await tolerate(() => stream.respond({ ':status': 200, 'content-type': 'text/css' }, STYLE));
  } else if (stream.method === 'GET' && stream.path === '/favicon.ico') await tolerate(() => stream.respond({ ':status': 204 }));
  else return false;
  return true;
};

/** What one server saw while a test ran: the sessions it accepted and the requests it got, in order. */
interface Watch {
  sessions: RxSession[];
  streams: IncomingStream[];
  stop(): void;
}

function watch(app: App): Watch {
  const w: Watch = { sessions: [], streams: [], stop: () => undefined };
  const sessions = app.server.sessions$.subscribe((s) => w.sessions.push(s));
  const streams = app.server.streams$.subscribe((s) => w.streams.push(s));
  w.stop = () => {
    sessions.unsubscribe();
    streams.unsubscribe();
  };
  return w;
}

/** The deterministic upload body: the page builds the same bytes with the same formula (page code cannot import). */
function uploadBytes(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >>> 10)) & 255;
  return b;
}

/** The page's `performance`, as far as used: the Node typings this page code is checked with lack the DOM's timing entries. */
type PagePerformance = { getEntriesByType(type: 'navigation' | 'resource'): Array<{ name: string; nextHopProtocol: string }> };

describeIf(ready)('headless Chromium → serve() over TLS', () => {
  let dir: TempDir;
  let cert: CertificateFiles;
  let app: App;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Servers a single test starts; closed after the browser, in case the test failed before closing its own. */
  const extra: App[] = [];

  beforeAll(async () => {
    dir = tempDir('chromium');
    cert = certificateFiles(dir)!;
    app = await startApp({ tls: cert, hook: browserRoutes });
    browser = await launchChromium([spkiPin(cert.cert)]);
  });

  afterAll(async () => {
    // The browser first: its connections close, so the servers drain at once.
    await browser?.close();
    await Promise.all([app, ...extra].map((a) => a?.close()));
    dir?.remove();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(app.errors).toEqual([]);
  });

  /** A new context (own connections) with a page loaded from `target` at `path`. */
  async function open(target: App, path = '/'): Promise<{ page: Page; response: Response }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const response = await page.goto(`${target.url}${path}`);
    if (response === null) throw new Error(`no response for ${path}`);
    return { page, response };
  }

  it('page load of /hello: TLS with our certificate, HTTP/2 negotiated, one connection', async () => {
    const w = watch(app);
    const { page, response } = await open(app, '/hello');
    w.stop();
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('text/plain');
    expect(await response.text()).toBe(HELLO);
    expect(await page.evaluate(() => (performance as unknown as PagePerformance).getEntriesByType('navigation')[0].nextHopProtocol)).toBe('h2');
    const tls = await response.securityDetails();
    expect(tls?.subjectName).toBe('localhost');
    expect(tls?.protocol).toMatch(/^TLS 1\.[23]$/);
    // The server's view: one session, the request as Chromium framed it.
    expect(w.sessions).toHaveLength(1);
    const hello = w.streams.find((s) => s.path === '/hello')!;
    expect(hello.session).toBe(w.sessions[0]);
    expect(hello.headers).toMatchObject({ ':method': 'GET', ':scheme': 'https', ':authority': `127.0.0.1:${app.port}` });
    expect(hello.headers['user-agent']).toMatch(/Chrome\/\d+/);
    // Chromium's SETTINGS reached us (it has disabled server push since 106).
    expect((await firstValueFrom(w.sessions[0].settings$)).remote.enablePush).toBe(0);
  });

  it('a certificate with another key is refused: the SPKI pin, not a blanket bypass, makes ours trusted', async () => {
    const other = await startApp({ tls: makeCertificate()! });
    extra.push(other);
    const w = watch(other);
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await expect(page.goto(`${other.url}/hello`)).rejects.toThrow(/net::ERR_CERT_AUTHORITY_INVALID/);
    w.stop();
    expect(w.sessions).toHaveLength(0);
  });

  it('50 concurrent fetches (0 B to 2.4 MB) multiplexed on one connection, every body intact', async () => {
    // i² · 1021 octets: empty, tiny, and sizes well past a 16 KiB frame and a 64 KiB window; 41 MB in all.
    const sizes = Array.from({ length: 50 }, (_, i) => i * i * 1021);
    const w = watch(app);
    let inFlight = 0;
    let maxInFlight = 0;
    const overlap = app.server.streams$.subscribe((s) => {
      if (!s.path?.startsWith('/bytes/')) return;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      void s.closed.then(() => inFlight--);
    });
    const { page } = await open(app);
    const results = await page.evaluate(async (sizes) => {
      const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
      // map calls fetch synchronously for every size: all 50 requests are in flight at once.
      return Promise.all(
        sizes.map(async (n) => {
          const r = await fetch(`/bytes/${n}`);
          const body = await r.arrayBuffer();
          return { size: n, status: r.status, contentLength: r.headers.get('content-length'), bytes: body.byteLength, sha256: hex(await crypto.subtle.digest('SHA-256', body)) };
        }),
      );
    }, sizes);
    const protocols = await page.evaluate(() =>
      (performance as unknown as PagePerformance).getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/bytes/')).map((e) => e.nextHopProtocol),
    );
    overlap.unsubscribe();
    w.stop();
    expect(results).toEqual(sizes.map((n) => ({ size: n, status: 200, contentLength: String(n), bytes: n, sha256: Payload.digestOf(n) })));
    expect(protocols).toEqual(sizes.map(() => 'h2'));
    // One connection (the page's) carried all 50 streams, several at a time.
    expect(w.sessions).toHaveLength(1);
    const bytesStreams = w.streams.filter((s) => s.path!.startsWith('/bytes/'));
    expect(bytesStreams).toHaveLength(50);
    expect(bytesStreams.every((s) => s.session === w.sessions[0])).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('1 MiB uploads: with a length, and streamed from a ReadableStream (which Chromium does over HTTP/2 only)', async () => {
    const size = 1 << 20;
    const expected = { bytes: size, sha256: sha256(uploadBytes(size)) };
    const w = watch(app);
    const { page } = await open(app);
    const results = await page.evaluate(async (size) => {
      const make = (n: number) => {
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 10)) & 255;
        return b;
      };
      const whole = await (await fetch('/sha256', { method: 'POST', body: make(size) })).json();
      const bytes = make(size);
      let offset = 0;
      // Pulled 64 KiB at a time, as the upload drains: Chromium sends it without content-length.
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= size) return controller.close();
          controller.enqueue(bytes.subarray(offset, offset + 65536));
          offset += 65536;
        },
      });
      const streamed = await (await fetch('/sha256', { method: 'POST', body: source, duplex: 'half' })).json();
      return { whole, streamed };
    }, size);
    w.stop();
    expect(results).toEqual({ whole: expected, streamed: expected });
    const uploads = w.streams.filter((s) => s.path === '/sha256');
    expect(uploads.map((s) => s.headers['content-length'])).toEqual([String(size), undefined]);
  });

  it('103 Early Hints: a navigation preloads the hinted /style.css; fetch() ignores the 103', async () => {
    const preloads: IncomingStream[] = [];
    const seen = styleRequests.subscribe((s) => preloads.push(s));
    const { page, response } = await open(app, '/early-hints/held');
    seen.unsubscribe();
    expect(response.status()).toBe(200);
    expect(await response.text()).toBe('after hints');
    // Only the 103 names /style.css, and the 200 was held until it was asked for.
    expect(preloads).toHaveLength(1);
    expect(preloads[0].headers).toMatchObject({ ':method': 'GET', ':scheme': 'https', ':authority': `127.0.0.1:${app.port}` });
    expect(preloads[0].headers.accept).toMatch(/^text\/css/);
    // The shared route: 103 then 200 at once; fetch() skips the 103 and sees the 200.
    const fetched = await page.evaluate(async () => {
      const r = await fetch('/early-hints');
      return { status: r.status, text: await r.text() };
    });
    expect(fetched).toEqual({ status: 200, text: 'after hints' });
  });

  it('trailers are accepted silently: the body is whole, the trailer fields do not show as headers', async () => {
    const { page } = await open(app);
    const got = await page.evaluate(async () => {
      const r = await fetch('/trailers');
      return { status: r.status, text: await r.text(), contentType: r.headers.get('content-type'), trailer: r.headers.get('x-trailer-one') };
    });
    expect(got).toEqual({ status: 200, text: TRAILERS_BODY, contentType: 'text/plain', trailer: null });
  });

  it('16 MiB download, more than Chromium will take without WINDOW_UPDATE: complete and checksummed', async () => {
    const size = 16 * 1024 * 1024;
    const w = watch(app);
    const { page } = await open(app);
    const got = await page.evaluate(async (size) => {
      const body = await (await fetch(`/bytes/${size}`)).arrayBuffer();
      const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', body)), (x) => x.toString(16).padStart(2, '0')).join('');
      return { bytes: body.byteLength, sha256: hex };
    }, size);
    w.stop();
    expect(got).toEqual({ bytes: size, sha256: Payload.digestOf(size) });
    // The stream window Chromium advertised (6 MiB in Chromium 156) is smaller
    // than the body, so the body flowed only because Chromium sent WINDOW_UPDATE.
    expect(w.sessions).toHaveLength(1);
    const { remote } = await firstValueFrom(w.sessions[0].settings$);
    expect(remote.initialWindowSize).toBeLessThan(size);
  });

  it('close(): GOAWAY(NO_ERROR) naming the last stream, then Chromium closes its connection', async () => {
    const closing = await startApp({ tls: cert, hook: browserRoutes });
    extra.push(closing);
    const w = watch(closing);
    await open(closing);
    w.stop();
    expect(w.sessions).toHaveLength(1);
    expect(w.streams.map((s) => s.path)).toEqual(['/']);
    const goaways: Array<{ initiator: string; code: number; lastStreamId: number }> = [];
    w.sessions[0].goaway$.subscribe(({ initiator, code, lastStreamId }) => goaways.push({ initiator, code, lastStreamId }));
    // Resolves only when every connection has closed: Chromium's, after our GOAWAY.
    await closing.close();
    expect(goaways).toEqual([{ initiator: 'local', code: 0, lastStreamId: w.streams[0].id }]);
    expect(closing.errors).toEqual([]);
  });
});
