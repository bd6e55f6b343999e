/**
 * Interop: h2load (nghttp2's load generator, Debian nghttp2-client) against
 * `serve()`: short bounded runs over h2c and TLS, many streams in flight per
 * connection, and every request must succeed.
 */
import { useApps, type App } from './app';
import { describeIf, itWithTls, Payload, peer, run, which, type TempDir } from './helpers';

const haveH2load = peer('h2load', () => which('h2load'), 'Debian package nghttp2-client; .ci/run does');
const itTls = itWithTls('h2load');

jest.setTimeout(30_000);

/** The counters of h2load's summary. */
interface H2loadSummary {
  total: number;
  succeeded: number;
  failed: number;
  errored: number;
  timeout: number;
  status2xx: number;
  protocol: string | undefined;
}

function summary(out: string): H2loadSummary {
  const requests = out.match(/requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/);
  const codes = out.match(/status codes: (\d+) 2xx/);
  if (requests === null || codes === null) throw new Error(`no h2load summary in:\n${out}`);
  return {
    total: Number(requests[1]),
    succeeded: Number(requests[2]),
    failed: Number(requests[3]),
    errored: Number(requests[4]),
    timeout: Number(requests[5]),
    status2xx: Number(codes[1]),
    protocol: out.match(/Application protocol: (\S+)/)?.[1],
  };
}

describeIf(haveH2load)('h2load → serve()', () => {
  let dir: TempDir;
  let h2c: App;
  let tls: App | undefined;

  useApps('h2load', (f) => ({ dir, h2c, tls } = f));

  async function h2load(app: App, ...args: string[]): Promise<{ stats: H2loadSummary; sessions: number }> {
    let sessions = 0;
    const counting = app.server.sessions$.subscribe(() => sessions++);
    const r = await run('h2load', args, { timeoutMs: 20_000 });
    counting.unsubscribe();
    expect(r.code).toBe(0);
    return { stats: summary(r.stdout.toString()), sessions };
  }

  it('h2c: 2000 GETs over 4 connections, 20 streams in flight each: all succeed', async () => {
    const { stats, sessions } = await h2load(h2c, '-n', '2000', '-c', '4', '-m', '20', `${h2c.url}/hello`);
    expect(stats).toEqual({ total: 2000, succeeded: 2000, failed: 0, errored: 0, timeout: 0, status2xx: 2000, protocol: 'h2c' });
    expect(sessions).toBe(4);
  });

  it('h2c: 400 POSTs of 64 KiB + 1 (more than the initial window) with 100 streams in flight: all succeed', async () => {
    const file = dir.file('post.bin');
    await new Payload(65_537).writeTo(file);
    const { stats } = await h2load(h2c, '-n', '400', '-c', '2', '-m', '100', '-d', file, `${h2c.url}/sha256`);
    expect(stats).toEqual({ total: 400, succeeded: 400, failed: 0, errored: 0, timeout: 0, status2xx: 400, protocol: 'h2c' });
  });

  itTls('TLS: 2000 GETs of 16 KiB, ALPN h2: all succeed', async () => {
    const { stats, sessions } = await h2load(tls!, '-n', '2000', '-c', '4', '-m', '20', `https://127.0.0.1:${tls!.port}/bytes/16384`);
    expect(stats).toEqual({ total: 2000, succeeded: 2000, failed: 0, errored: 0, timeout: 0, status2xx: 2000, protocol: 'h2' });
    expect(sessions).toBe(4);
  });
});
