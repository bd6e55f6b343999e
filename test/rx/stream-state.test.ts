/**
 * Stream state as Observables (RFC 9113 §5.1): `RxSession.streamStates$`,
 * `IncomingStream.state$`, `StreamedResponse.state$`.
 */
import { firstValueFrom, from, lastValueFrom, mergeMap, Subject, toArray as rxToArray } from 'rxjs';
import { toArray } from 'ix/asynciterable';
import { Connection } from '../../src/protocol/connection';
import { RxSession } from '../../src/rx/rx-session';
import type { IncomingStream } from '../../src/rx/rx-stream';
import type { StreamStateEvent, StreamStateName } from '../../src/rx/stream-state';
import { pair } from './helpers';

describe('stream state observables', () => {
  it('IncomingStream.state$: open, half-closed (remote) when the request body ends, closed once the response is sent', async () => {
    const { client, server, close } = pair();
    const seen: StreamStateName[] = [];
    const done = new Subject<void>();
    server.streams$.subscribe((stream) => {
      stream.state$.subscribe({ next: (s) => seen.push(s), complete: () => done.next() });
      void (async () => {
        const body = Buffer.concat(await toArray(stream.body));
        await stream.respond({ ':status': 200 }, `got ${body.length}`);
      })();
    });
    const completed = firstValueFrom(done);
    const upload = new Subject<Uint8Array>();
    const response = lastValueFrom(client.request({ ':method': 'POST', ':path': '/' }, upload).pipe(rxToArray()));
    upload.next(new Uint8Array(10));
    // A PING round trip: the server has taken everything sent before it.
    await firstValueFrom(client.ping());
    expect(seen).toEqual(['open']);
    upload.complete();
    await response;
    await completed;
    expect(seen).toEqual(['open', 'half-closed (remote)', 'closed']);
    close();
  });

  it('RxSession.streamStates$: a client sees its own requests go through §5.1, and a late subscriber to one closed stream gets closed', async () => {
    const { client, server, close } = pair();
    const events: StreamStateEvent[] = [];
    client.streamStates$.subscribe((e) => events.push(e));
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 204 }));
    await lastValueFrom(client.request({ ':path': '/a' }).pipe(rxToArray()));
    expect(events).toEqual([
      { id: 1, local: true, state: 'half-closed (local)' },
      { id: 1, local: true, state: 'closed' },
    ]);
    const streamed = await client.requestStream({ ':path': '/b' });
    expect(streamed.id).toBe(3);
    await toArray(streamed.body);
    expect(await lastValueFrom(streamed.state$.pipe(rxToArray()))).toEqual(['closed']);
    close();
  });

  it('a subscriber may run commands from a change: responding once the request body ended', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe((stream) => {
      void toArray(stream.body);
      stream.state$.subscribe((s) => s === 'half-closed (remote)' && void stream.respond({ ':status': 200 }, 'after the upload'));
    });
    const upload = new Subject<Uint8Array>();
    const response = lastValueFrom(client.request({ ':method': 'POST', ':path': '/' }, upload).pipe(rxToArray()));
    upload.next(new Uint8Array(1000));
    upload.complete();
    const events = await response;
    expect(events.map((e) => e.type)).toEqual(['response', 'data']);
    close();
  });

  it('streams closed by the transport going away report closed', async () => {
    const toServer = new Subject<Uint8Array>();
    const toClient = new Subject<Uint8Array>();
    const client = new RxSession(toClient, { role: 'client', origin: { scheme: 'http', authority: 'test' } });
    const server = new RxSession(toServer, { role: 'server' });
    const a = client.writes$.pipe(mergeMap((b) => from(b))).subscribe({ next: (c) => toServer.next(c), error: () => {} });
    const b = server.writes$.pipe(mergeMap((b) => from(b))).subscribe({ next: (c) => toClient.next(c), error: () => {} });
    const served = new Subject<IncomingStream>();
    server.streams$.subscribe((stream) => served.next(stream));
    const serving = firstValueFrom(served);
    client.request({ ':method': 'POST', ':path': '/' }, new Subject<Uint8Array>()).subscribe({ error: () => {} });
    const stream = await serving;
    const states = lastValueFrom(stream.state$.pipe(rxToArray()));
    // The server's socket fails under the open stream.
    toServer.error(new Error('read ECONNRESET'));
    expect(await states).toEqual(['open', 'closed']);
    a.unsubscribe();
    b.unsubscribe();
  });

  it('a subscriber that joins mid-receive gets the state as it is then, never an older one still waiting to be reported', async () => {
    // One chunk: HEADERS(1), DATA(1, END_STREAM), HEADERS(3). While stream 3 is being announced, stream 1
    // is already half-closed (remote), but its changes (open, half-closed) are reported after the receive.
    const wire = new Connection({ role: 'client' }, { streamHeaders() {}, streamData() {}, streamClosed() {}, pushPromise() {}, remoteSettings() {}, localSettingsAcked() {}, ping() {}, pingAck() {}, goaway() {}, error() {} });
    const post: Array<[string, string]> = [[':method', 'POST'], [':scheme', 'http'], [':authority', 'a'], [':path', '/1']];
    const one = wire.request(post);
    wire.write(one, new Uint8Array(3), true);
    const head = wire.takeOutput()!;
    wire.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'a'], [':path', '/3']], { endStream: true });
    const bytes = Buffer.concat([...head, ...wire.takeOutput()!]);
    const input = new Subject<Uint8Array>();
    const server = new RxSession(input, { role: 'server' });
    const writing = server.writes$.subscribe();
    server.streamStates$.subscribe();
    const first = new Subject<IncomingStream>();
    let seen: Promise<StreamStateName[]> | undefined;
    server.streams$.subscribe((stream) => {
      if (stream.id === 1) first.next(stream);
      else seen = lastValueFrom(streamOne!.state$.pipe(rxToArray()));
    });
    let streamOne: IncomingStream | undefined;
    first.subscribe((s) => (streamOne = s));
    input.next(bytes);
    expect(seen).toBeDefined();
    void toArray(streamOne!.body);
    void streamOne!.respond({ ':status': 204 });
    expect(await seen).toEqual(['half-closed (remote)', 'closed']);
    writing.unsubscribe();
  });
});
