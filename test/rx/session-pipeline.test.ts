import { delay, mergeMap, from, queueScheduler, Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ErrorCode } from '../../src/protocol/error-code';
import { CLIENT_PREFACE, encodeFrame, FrameDecoder, FrameType, type Frame } from '../../src/protocol/frames';
import { HpackEncoder } from '../../src/protocol/hpack';
import { SessionPipeline } from '../../src/rx/session-pipeline';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** The frames of a write batch, as short names: `SETTINGS`, `SETTINGS+ACK`, `GOAWAY:4`, `HEADERS:1`, … */
function names(batch: Uint8Array[], decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 })): string[] {
  const out: string[] = [];
  for (const chunk of batch) {
    decoder.write(chunk, {
      frame: (f: Frame) => out.push(name(f)),
      error: (e) => out.push(`error:${e.message}`),
    });
  }
  return out;
}

function name(f: Frame): string {
  if (f.unknown) return `UNKNOWN:${f.type}`;
  switch (f.type) {
    case FrameType.SETTINGS:
      return f.ack ? 'SETTINGS+ACK' : 'SETTINGS';
    case FrameType.PING:
      return f.ack ? 'PING+ACK' : 'PING';
    case FrameType.GOAWAY:
      return `GOAWAY:${f.errorCode}`;
    case FrameType.RST_STREAM:
      return `RST:${f.streamId}:${f.errorCode}`;
    case FrameType.HEADERS:
      return `HEADERS:${f.streamId}${f.endStream ? ':end' : ''}`;
    case FrameType.DATA:
      return `DATA:${f.streamId}${f.endStream ? ':end' : ''}`;
    case FrameType.WINDOW_UPDATE:
      return `WINDOW_UPDATE:${f.streamId}`;
    default:
      return `type${f.type}`;
  }
}

const bytes = (...frames: Frame[]): Uint8Array => Buffer.concat(frames.map((f) => encodeFrame(f)));
const clientStart = () => Buffer.concat([CLIENT_PREFACE, bytes({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] })]);
const settingsAck = () => bytes({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });

/** Wires two pipelines back to back with `latency` virtual ms each way. */
function wire(
  a: SessionPipeline,
  aIn: Subject<Uint8Array>,
  b: SessionPipeline,
  bIn: Subject<Uint8Array>,
  latency: number,
  scheduler: TestScheduler,
  onDone: (side: 'a' | 'b') => void = () => undefined,
): void {
  const pipe = (from$: Observable<Uint8Array[]>, to: Subject<Uint8Array>, side: 'a' | 'b') =>
    from$.pipe(delay(latency, scheduler), mergeMap((batch) => from(batch))).subscribe({
      next: (c) => to.next(c),
      complete: () => {
        onDone(side);
        to.complete();
      },
    });
  pipe(a.writes$, bIn, 'a');
  pipe(b.writes$, aIn, 'b');
}

describe('SessionPipeline on virtual time', () => {
  it('sends the server preface at once, acknowledges the client, and times out an unacknowledged SETTINGS (SETTINGS_TIMEOUT at 10 s)', () => {
    const ts = testScheduler();
    ts.run(({ hot, expectObservable }) => {
      const input$ = hot<Uint8Array>('a', { a: clientStart() });
      const server = new SessionPipeline(input$, { role: 'server', scheduler: ts });
      const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
      expectObservable(server.writes$.pipe(mergeMap((b) => [names(b, decoder).join(' ')]))).toBe('a 9999ms (b|)', {
        a: 'SETTINGS WINDOW_UPDATE:0 SETTINGS+ACK',
        b: `GOAWAY:${ErrorCode.SETTINGS_TIMEOUT}`,
      });
    });
  });

  it('does not time out once the SETTINGS are acknowledged, and coalesces one turn of frames into one write', () => {
    const ts = testScheduler();
    ts.run(({ hot, expectObservable }) => {
      const input$ = hot<Uint8Array>('a 5ms b', { a: clientStart(), b: settingsAck() });
      const server = new SessionPipeline(input$, { role: 'server', scheduler: ts });
      const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
      expectObservable(server.writes$.pipe(mergeMap((b) => [`${b.length > 0}:${names(b, decoder).join(' ')}`])), '^ 20s !').toBe('a', {
        a: 'true:SETTINGS WINDOW_UPDATE:0 SETTINGS+ACK',
      });
    });
  });

  it('keeps what commands produce before the transport subscribes, and sends it first', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const client = new SessionPipeline(new Subject<Uint8Array>(), { role: 'client', scheduler: ts });
      client.command((c) => c.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/']], { endStream: true }));
      client.command((c) => c.ping(new Uint8Array(8)));
      const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1, expectPreface: true });
      expectObservable(client.writes$.pipe(mergeMap((b) => [names(b, decoder).join(' ')])), '^ 1s !').toBe('a', {
        a: 'SETTINGS WINDOW_UPDATE:0 HEADERS:1:end PING',
      });
    });
  });

  it('measures a PING round trip on virtual time', () => {
    const ts = testScheduler();
    ts.run(({ expectObservable }) => {
      const cIn = new Subject<Uint8Array>();
      const sIn = new Subject<Uint8Array>();
      const client = new SessionPipeline(cIn, { role: 'client', scheduler: ts });
      const server = new SessionPipeline(sIn, { role: 'server', scheduler: ts });
      wire(client, cIn, server, sIn, 5, ts);
      const rtts: number[] = [];
      client.events$.subscribe((e) => e.type === 'pingAck' && rtts.push(e.rtt));
      ts.schedule(() => client.command((c) => c.ping(new Uint8Array(8).fill(7))), 100);
      ts.schedule(() => expect(rtts).toEqual([10]), 200);
      expectObservable(from([])).toBe('|');
    });
  });

  it('drains on GOAWAY: the stream in flight completes, then the session ends', () => {
    const ts = testScheduler();
    ts.run(() => {
      const cIn = new Subject<Uint8Array>();
      const sIn = new Subject<Uint8Array>();
      const client = new SessionPipeline(cIn, { role: 'client', scheduler: ts });
      const server = new SessionPipeline(sIn, { role: 'server', scheduler: ts });
      const log: string[] = [];
      server.events$.subscribe((e) => {
        if (e.type === 'headers' && e.kind === 'request') {
          const stream = e.stream;
          server.command((c) => c.goaway(ErrorCode.NO_ERROR));
          ts.schedule(() => server.command((c) => {
            c.respond(stream, [[':status', '200']]);
            c.write(stream, new Uint8Array(1000), true);
          }), 50);
        }
      });
      client.events$.subscribe((e) => {
        if (e.type === 'goaway') log.push(`goaway:${e.initiator}:${e.lastStreamId}@${ts.now()}`);
        if (e.type === 'data' && e.endStream) log.push(`body-end@${ts.now()}`);
        if (e.type === 'data') client.command((c) => c.consumed(e.stream, e.data.length));
      });
      wire(client, cIn, server, sIn, 1, ts, (side) => log.push(`${side === 'a' ? 'client' : 'server'}-done@${ts.now()}`));
      ts.schedule(() => client.command((c) => c.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/']], { endStream: true })), 10);
      ts.flush();
      // The server's last frame leaves at 61 and its completion crosses the 1 ms link behind it;
      // the client, told by GOAWAY, ends as soon as its only stream is done — with a GOAWAY of its
      // own first (RFC 9113 §6.8: SHOULD before closing), which crosses the link before its end.
      expect(log).toEqual(['goaway:remote:1@12', 'body-end@62', 'goaway:local:0@62', 'server-done@62', 'client-done@63']);
    });
  });

  it('closes with ENHANCE_YOUR_CALM when resets outrun streamResetBurst + streamResetRate (Rapid Reset), on virtual time', () => {
    const ts = testScheduler();
    ts.run(({ hot, expectObservable }) => {
      const encoder = new HpackEncoder();
      const request = (id: number) =>
        bytes(
          { type: FrameType.HEADERS, streamId: id, endStream: false, endHeaders: true, headerBlock: encoder.encode([[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/']]) },
          { type: FrameType.RST_STREAM, streamId: id, errorCode: ErrorCode.CANCEL },
        );
      // burst 2, refill 1/s: two at once are fine, one a second later is fine, then two at once trip the limit.
      const input$ = hot<Uint8Array>('a 999ms b 999ms c', {
        a: Buffer.concat([clientStart(), settingsAck(), request(1), request(3)]),
        b: request(5),
        c: Buffer.concat([request(7), request(9), request(11)]),
      });
      const server = new SessionPipeline(input$, { role: 'server', scheduler: ts, limits: { streamResetBurst: 2, streamResetRate: 1 } });
      const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
      expectObservable(server.writes$.pipe(mergeMap((b) => [names(b, decoder).join(' ')]))).toBe('a 1999ms (b|)', {
        a: 'SETTINGS WINDOW_UPDATE:0 SETTINGS+ACK',
        b: `GOAWAY:${ErrorCode.ENHANCE_YOUR_CALM}`,
      });
    });
  });
});

describe('SessionPipeline and a backed-up transport', () => {
  it('still emits the final GOAWAY when the connection fails while the socket is not writable', () => {
    const ts = testScheduler();
    ts.run(({ hot, expectObservable }) => {
      // 1 ms: the socket backs up; 2 ms: the peer sends DATA on stream 0 (connection PROTOCOL_ERROR).
      const input$ = hot<Uint8Array>('a 1ms b', {
        a: Buffer.concat([clientStart(), settingsAck()]),
        b: bytes({ type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(8) }, { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[2, 7]] }),
      });
      const server = new SessionPipeline(input$, { role: 'server', scheduler: ts });
      ts.schedule(() => server.setWritable(false), 1);
      const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
      expectObservable(server.writes$.pipe(mergeMap((b) => [names(b, decoder).join(' ')]))).toBe('a 1ms (b|)', {
        a: 'SETTINGS WINDOW_UPDATE:0 SETTINGS+ACK',
        b: `PING+ACK GOAWAY:${ErrorCode.PROTOCOL_ERROR}`,
      });
    });
  });

  it.each([
    [5, [1, 2, 4, 4, 8, 8, 8, 5]],
    [20, [1, 2, 4, 1, 2, 4, 8, 8, 8, 2]],
  ])('takes twice as much DATA each turn the transport keeps up (up to MAX_TAKE_BYTES); one that takes %i ms to drain: %j MiB', (drainMs, expected) => {
    const ts = testScheduler();
    const MiB = 1 << 20;
    const sizes: number[] = [];
    ts.run(({ flush }) => {
      const request = new HpackEncoder().encode([
        [':method', 'GET'],
        [':scheme', 'http'],
        [':authority', 'x'],
        [':path', '/'],
      ]);
      const input$ = new Subject<Uint8Array>();
      const server = new SessionPipeline(input$, { role: 'server', scheduler: ts });
      let stream: Parameters<typeof server.connection.respond>[0] | undefined;
      server.events$.subscribe((e) => {
        if (e.type === 'headers') stream = e.stream;
      });
      const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
      server.writes$.subscribe((batch) => {
        let data = 0;
        for (const chunk of batch) decoder.write(chunk, { frame: (f) => (data += f.unknown !== true && f.type === FrameType.DATA ? f.data.length : 0), error: (e) => { throw e; } });
        if (data === 0) return;
        sizes.push(Math.round(data / MiB));
        // The third batch backs the socket up (as bindSocket reports it) until it drains.
        if (sizes.length === 3) {
          server.setWritable(false);
          ts.schedule(() => server.setWritable(true), drainMs);
        }
      });
      input$.next(
        Buffer.concat([
          CLIENT_PREFACE,
          bytes(
            { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 2 ** 31 - 1]] },
            { type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] },
            { type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 2 ** 31 - 1 - 65535 },
            { type: FrameType.HEADERS, streamId: 1, headerBlock: request, endStream: true, endHeaders: true },
          ),
        ]),
      );
      server.command((c) => {
        c.respond(stream!, [[':status', '200']]);
        c.write(stream!, new Uint8Array(40 * MiB), true);
      });
      flush();
      // 1, 2, 4 MiB while every batch is taken at once. Drained within SLOW_DRAIN_MS, the takes go on
      // growing; drained slower (a slow link), they start again from 1 MiB. Until the 40 MiB are out.
      expect(sizes).toEqual(expected);
    });
  });

  it('works on a scheduler that runs delay-0 work at once (queueScheduler): every answer and every take of a large body leaves', () => {
    const MiB = 1 << 20;
    const input$ = new Subject<Uint8Array>();
    const server = new SessionPipeline(input$, { role: 'server', scheduler: queueScheduler });
    const seen: string[] = [];
    let data = 0;
    const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
    server.writes$.subscribe((batch) => {
      for (const chunk of batch) {
        decoder.write(chunk, {
          frame: (f) => {
            if (f.unknown !== true && f.type === FrameType.DATA) data += f.data.length;
            else seen.push(name(f));
          },
          error: (e) => {
            throw e;
          },
        });
      }
    });
    let stream: Parameters<typeof server.connection.respond>[0] | undefined;
    server.events$.subscribe((e) => {
      if (e.type === 'headers') stream = e.stream;
    });
    const hpack = new HpackEncoder();
    const request = (streamId: number) =>
      bytes({
        type: FrameType.HEADERS,
        streamId,
        headerBlock: hpack.encode([
          [':method', 'GET'],
          [':scheme', 'http'],
          [':authority', 'x'],
          [':path', `/${streamId}`],
        ]),
        endStream: true,
        endHeaders: true,
      });
    input$.next(
      Buffer.concat([
        CLIENT_PREFACE,
        bytes(
          { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[4, 2 ** 31 - 1]] },
          { type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 2 ** 31 - 1 - 65535 },
        ),
        request(1),
      ]),
    );
    input$.next(bytes({ type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(8) }));
    server.command((c) => {
      c.respond(stream!, [[':status', '200']]);
      c.write(stream!, new Uint8Array(5 * MiB), true);
    });
    // All of it before the input ends: nothing waits for a flush that was never scheduled again.
    expect(seen).toEqual(['SETTINGS', 'WINDOW_UPDATE:0', 'SETTINGS+ACK', 'PING+ACK', 'HEADERS:1']);
    expect(data).toBe(5 * MiB);
    // And the next large body too: the take after the first one is scheduled again.
    input$.next(request(3));
    server.command((c) => {
      c.respond(stream!, [[':status', '200']]);
      c.write(stream!, new Uint8Array(5 * MiB), true);
    });
    expect(seen.at(-1)).toBe('HEADERS:3');
    expect(data).toBe(10 * MiB);
    input$.complete();
  });

  it('a socket error still errors writes$ when a stream-closed handler runs a command while the streams close', async () => {
    const input$ = new Subject<Uint8Array>();
    const server = new SessionPipeline(input$, { role: 'server' });
    let outcome = 'open';
    server.writes$.subscribe({ error: (e: Error) => (outcome = `error:${e.message}`), complete: () => (outcome = 'complete') });
    server.events$.subscribe((e) => {
      // A handler reacting to a stream closing, as a retry or a log would: a command on the (now dead) session.
      if (e.type === 'streamClosed') server.command(() => undefined);
    });
    const request = new HpackEncoder().encode([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':authority', 'x'],
      [':path', '/'],
    ]);
    input$.next(Buffer.concat([clientStart(), bytes({ type: FrameType.HEADERS, streamId: 1, headerBlock: request, endStream: true, endHeaders: true })]));
    input$.error(new Error('ECONNRESET'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBe('error:ECONNRESET');
  });
});
