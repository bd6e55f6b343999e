/**
 * `RxSessionOptions.idleTimeout`: a session with no stream open and no byte
 * in or out for that long closes gracefully (GOAWAY NO_ERROR); activity
 * postpones it and an open stream, however quiet, prevents it. On virtual
 * time: two sessions back to back, every scheduler of the run on
 * `TestScheduler`'s clock.
 */
import { from, mergeMap, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ErrorCode } from '../../src/protocol/error-code';
import { RxSession, type RxSessionOptions } from '../../src/rx/rx-session';
import type { IncomingStream } from '../../src/rx/rx-stream';

const IDLE = 1000;

/** Runs `script` on virtual time with a client and a server (idle timeout on the server) wired back to back; returns when the server's GOAWAY was sent (virtual ms), if ever. */
function run(script: (s: { client: RxSession; server: RxSession; at(ms: number, work: () => void): void }) => void, serverOptions: Partial<RxSessionOptions> = {}): { goawayAt: number | undefined; code: number | undefined; closedAt: number | undefined } {
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  const out: { goawayAt: number | undefined; code: number | undefined; closedAt: number | undefined } = { goawayAt: undefined, code: undefined, closedAt: undefined };
  ts.run(() => {
    const toServer = new Subject<Uint8Array>();
    const toClient = new Subject<Uint8Array>();
    const client = new RxSession(toClient, { role: 'client', origin: { scheme: 'http', authority: 'test' }, scheduler: ts });
    const server = new RxSession(toServer, { role: 'server', scheduler: ts, idleTimeout: IDLE, ...serverOptions });
    const a = client.writes$.pipe(mergeMap((b) => from(b))).subscribe({ next: (c) => toServer.next(c), complete: () => toServer.complete() });
    const b = server.writes$.pipe(mergeMap((b) => from(b))).subscribe({ next: (c) => toClient.next(c), complete: () => toClient.complete() });
    client.goaway$.subscribe((g) => {
      out.goawayAt ??= ts.now();
      out.code = g.code;
    });
    server.state$.subscribe((s) => {
      if (s === 'closed') out.closedAt ??= ts.now();
    });
    script({ client, server, at: (ms, work) => ts.schedule(work, ms) });
    // Far past every timer of the script, then tear the wiring down.
    ts.schedule(() => (a.unsubscribe(), b.unsubscribe()), 60_000);
  });
  return out;
}

describe('RxSession idleTimeout', () => {
  it('closes an idle session gracefully once the timeout passes with no stream open', () => {
    const r = run(() => undefined);
    expect(r.code).toBe(ErrorCode.NO_ERROR);
    expect(r.goawayAt).toBe(IDLE);
    expect(r.closedAt).toBe(IDLE);
  });

  it('activity postpones it: counted from the last byte in or out', () => {
    const r = run(({ client, at }) => at(600, () => void client.ping().subscribe()));
    expect(r.goawayAt).toBe(600 + IDLE);
  });

  it('a quiet open stream prevents it; the timeout counts again from the end of the stream', () => {
    const r = run(({ client, server, at }) => {
      const requests: IncomingStream[] = [];
      server.streams$.subscribe((s) => requests.push(s));
      client.request({ ':path': '/slow' }).subscribe({ error: () => undefined });
      // Silence far longer than the timeout, with the stream open: nothing closes.
      at(5000, () => void requests[0]!.respond({ ':status': 204 }));
    });
    expect(r.goawayAt).toBe(5000 + IDLE);
  });

  it('0 (the default) never closes', () => {
    const r = run(() => undefined, { idleTimeout: 0 });
    expect(r.goawayAt).toBeUndefined();
    // Closed only when the test tears the wiring down.
    expect(r.closedAt).toBe(60_000);
  });
});
