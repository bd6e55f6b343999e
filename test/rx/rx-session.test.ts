import { concat, firstValueFrom, lastValueFrom, merge, from, Observable, of, Subject, throwError, toArray as rxToArray, filter, take } from 'rxjs';
import { toArray } from 'ix/asynciterable';
import { ErrorCode } from '../../src/protocol/error-code';
import { RxSession } from '../../src/rx/rx-session';
import type { IncomingStream, ResponseEvent } from '../../src/rx/rx-stream';
import { pair } from './helpers';

/**
 * Serves one request with `send`, which must fail with `failure`: the send
 * rejects with it, and the client sees the stream reset with INTERNAL_ERROR.
 */
async function expectSendFailure(send: (stream: IncomingStream) => Promise<void>, failure: Error): Promise<void> {
  const { client, server, close } = pair();
  let rejected!: (e: unknown) => void;
  const sendError = new Promise<unknown>((resolve) => (rejected = resolve));
  server.streams$.subscribe((stream) => void send(stream).catch(rejected));
  const outcome = lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray())).catch((e) => e);
  expect(await sendError).toBe(failure);
  expect(await outcome).toMatchObject({ code: ErrorCode.INTERNAL_ERROR, initiator: 'remote' });
  close();
}

const text = (events: ResponseEvent[]) =>
  Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.chunk] : []))).toString();

describe('RxSession (reactive API over the session pipeline)', () => {
  it('serves a request: headers, body pulled from the request, response with trailers', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe(async (stream: IncomingStream) => {
      const body = Buffer.concat(await toArray(stream.body)).toString();
      await stream.respond({ ':status': 200, 'content-type': 'text/plain' }, `echo:${stream.method}:${stream.path}:${body}`, {
        trailers: { 'x-checksum': 'abc' },
      });
    });
    const events = await lastValueFrom(client.request({ ':method': 'POST', ':path': '/x' }, 'hello').pipe(rxToArray()));
    expect(events.map((e) => e.type)).toEqual(['response', 'data', 'trailers']);
    expect(events[0]).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain' } });
    expect(text(events)).toBe('echo:POST:/x:hello');
    expect(events[2]).toMatchObject({ headers: { 'x-checksum': 'abc' } });
    close();
  });

  it('sends informational responses before the final one, and an async-iterable body larger than the window', async () => {
    const { client, server, close } = pair();
    const big = Buffer.alloc(300_000, 7);
    server.streams$.subscribe((stream) => {
      stream.informational({ ':status': 103, link: '</a.css>; rel=preload' });
      async function* chunks() {
        for (let i = 0; i < big.length; i += 10_000) yield big.subarray(i, i + 10_000);
      }
      void stream.respond({ ':status': 200 }, chunks());
    });
    const events = await lastValueFrom(client.request({ ':path': '/big' }).pipe(rxToArray()));
    expect(events[0]).toMatchObject({ type: 'informational', status: 103 });
    expect(events[1]).toMatchObject({ type: 'response', status: 200 });
    expect(Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.chunk] : []))).equals(big)).toBe(true);
    close();
  });

  it('credits the request body window only as the server reads it (backpressure)', async () => {
    const { client, server, close } = pair();
    const got = new Subject<IncomingStream>();
    server.streams$.subscribe(got);
    const upload = Buffer.alloc(200_000, 1);
    const response = lastValueFrom(client.request({ ':method': 'PUT' }, upload).pipe(rxToArray()));
    const stream = await firstValueFrom(got);
    const core = (stream as unknown as { core: { bufferedBytes: number } }).core;
    // Nothing read: the client fills the initial window (65535) and then must wait.
    await firstValueFrom(server.pipeline.events$.pipe(filter(() => core.bufferedBytes >= 65535)));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(core.bufferedBytes).toBe(65535);
    const body = Buffer.concat(await toArray(stream.body));
    expect(body.equals(upload)).toBe(true);
    await stream.respond({ ':status': 204 });
    expect((await response)[0]).toMatchObject({ status: 204 });
    close();
  });

  it('cancels the stream with RST_STREAM CANCEL when the subscriber unsubscribes', async () => {
    const { client, server, close } = pair();
    const closed = new Subject<number>();
    server.streams$.subscribe((stream) => {
      void stream.closed.then((c) => closed.next(c.code));
      void stream.respond({ ':status': 200 }, (async function* () {
        for (;;) {
          yield new Uint8Array(1000);
          await new Promise((r) => setTimeout(r, 1));
        }
      })()).catch(() => undefined);
    });
    const sub = client.request({}).pipe(filter((e) => e.type === 'data'), take(1)).subscribe();
    expect(await firstValueFrom(closed)).toBe(ErrorCode.CANCEL);
    sub.unsubscribe();
    close();
  });

  it('delivers server push to the client with its promised request and response', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe(async (stream) => {
      const pushed = stream.push({ ':path': '/style.css' }); // the rest comes from the request
      await pushed.respond({ ':status': 200, 'content-type': 'text/css' }, 'body{}');
      await stream.respond({ ':status': 200 }, 'page');
    });
    const pushes: Array<Promise<[string | string[] | undefined, string, string]>> = [];
    client.streams$.subscribe((p) =>
      pushes.push((async () => [p.headers[':path'], String((await p.response)['content-type']), Buffer.concat(await toArray(p.body)).toString()] as [string, string, string])()),
    );
    const events = await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    expect(text(events)).toBe('page');
    expect(await Promise.all(pushes)).toEqual([['/style.css', 'text/css', 'body{}']]);
    close();
  });

  it('a client nobody reads pushes from cancels them (RFC 9113 §8.4.2): their DATA cannot hold the connection window', async () => {
    const { client, server, close } = pair();
    const pushesSent: Array<Promise<void>> = [];
    server.streams$.subscribe(async (stream) => {
      const pushed = stream.push({ ':path': `${stream.path}.css` });
      // Each push fills its stream window (64 KiB): sixteen of them, the client's 1 MiB connection window.
      pushesSent.push(pushed.respond({ ':status': 200 }, new Uint8Array(200_000)));
      await stream.respond({ ':status': 200 }, 'page');
    });
    // Nobody subscribes to client.streams$: before, the seventeenth request waited for ever.
    for (let i = 0; i < 24; i++) expect(text(await lastValueFrom(client.request({ ':path': `/${i}` }).pipe(rxToArray())))).toBe('page');
    // Each push's send stops (its stream was reset), none waits for window.
    await Promise.all(pushesSent.map((p) => p.catch(() => undefined)));
    close();
  });

  it('a server session nobody reads streams from refuses requests (REFUSED_STREAM, retryable: §8.7)', async () => {
    const { client, close } = pair();
    expect(await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray())).catch((e) => e)).toMatchObject({ code: ErrorCode.REFUSED_STREAM, retryable: true });
    close();
  });

  it('reports settings, ping round trips and a graceful close', async () => {
    const { client, server, close } = pair({}, { settings: [[3, 50]] });
    const remote = await firstValueFrom(client.settings$.pipe(filter((s) => s.remote.maxConcurrentStreams === 50)));
    expect(remote.remote.maxConcurrentStreams).toBe(50);
    const rtt = await firstValueFrom(client.ping());
    expect(rtt).toBeGreaterThanOrEqual(0);
    const goaway = firstValueFrom(client.goaway$);
    const states = lastValueFrom(server.state$.pipe(rxToArray()));
    server.close();
    expect(await goaway).toMatchObject({ initiator: 'remote', code: ErrorCode.NO_ERROR });
    // No stream was open: the server is done at once.
    expect(await states).toEqual(['open', 'closed']);
    close();
  });
});

describe('RxSession.close() on a client', () => {
  it('refuses requests made after it, and those still waiting for a stream slot, as retryable (they never left)', async () => {
    const { client, server, close } = pair({}, { settings: [[3, 1]] });
    const answer = new Subject<void>();
    server.streams$.subscribe((stream) => void firstValueFrom(answer).then(() => stream.respond({ ':status': 200 }, 'ok')));
    await firstValueFrom(client.settings$.pipe(filter((s) => s.remote.maxConcurrentStreams === 1)));
    const first = lastValueFrom(client.request({ ':path': '/1' }).pipe(rxToArray()));
    const waiting = lastValueFrom(client.request({ ':path': '/2' }).pipe(rxToArray())).catch((e) => e);
    client.close();
    expect(await waiting).toMatchObject({ code: ErrorCode.REFUSED_STREAM, retryable: true });
    expect(await lastValueFrom(client.request({ ':path': '/3' }).pipe(rxToArray())).catch((e) => e)).toMatchObject({ code: ErrorCode.REFUSED_STREAM, retryable: true });
    expect(await client.requestStream({ ':path': '/4' }).catch((e) => e)).toMatchObject({ code: ErrorCode.REFUSED_STREAM, retryable: true });
    // The request in flight is answered.
    answer.next();
    expect(text(await first)).toBe('ok');
    close();
  });
});

describe('RxSession.close() after a failure', () => {
  it('is a no-op on a session whose connection already failed', async () => {
    const input = new Subject<Uint8Array>();
    const server = new RxSession(input, { role: 'server' });
    const sub = server.writes$.subscribe();
    const errors: unknown[] = [];
    server.errors$.subscribe((e) => errors.push(e));
    input.next(Buffer.from('GET / HTTP/1.1\r\n\r\n')); // not the HTTP/2 preface: connection error
    expect(errors).toHaveLength(1);
    expect(() => server.close()).not.toThrow();
    sub.unsubscribe();
  });
});

describe('RFC 9113 §8.1: a complete response, then RST_STREAM(NO_ERROR) while the request is still being sent', () => {
  // "A server can send a complete response prior to the client sending an entire
  // request … the server MAY request that the client abort transmission of a request
  // without error by sending a RST_STREAM with an error code of NO_ERROR after sending
  // a complete response." The response is the outcome; the rest of the upload is dropped.
  async function earlyAnswer(pull: boolean) {
    const { client, server, close } = pair();
    server.streams$.subscribe(async (stream) => {
      await stream.respond({ ':status': 413 }, 'too large', { trailers: { 'x-why': 'limit' } });
      stream.reset(ErrorCode.NO_ERROR);
    });
    // Far more than the server's stream window: the upload is still in flight when the reset arrives.
    const upload = Buffer.alloc(1 << 20, 1);
    try {
      if (!pull) return { events: await lastValueFrom(client.request({ ':method': 'POST', ':path': '/up' }, upload).pipe(rxToArray())) };
      const response = await client.requestStream({ ':method': 'POST', ':path': '/up' }, upload);
      return { status: response.status, body: Buffer.concat(await toArray(response.body)).toString(), trailers: await response.trailers };
    } finally {
      close();
    }
  }

  it('request(): completes with the response, its body and trailers', async () => {
    const { events } = await earlyAnswer(false);
    expect(events!.map((e) => e.type)).toEqual(['response', 'data', 'trailers']);
    expect(events![0]).toMatchObject({ status: 413 });
    expect(text(events!)).toBe('too large');
  });

  it('requestStream(): the body ends normally and the trailers resolve', async () => {
    expect(await earlyAnswer(true)).toEqual({ status: 413, body: 'too large', trailers: { 'x-why': 'limit' } });
  });
});

describe('trailers known only at the end of the body (SendOptions.trailers as a function)', () => {
  it('are computed after the last chunk is queued, from what was streamed', async () => {
    const { client, server, close } = pair();
    const called: number[] = [];
    server.streams$.subscribe((stream) => {
      let bytes = 0;
      async function* counted() {
        for (let i = 0; i < 5; i++) {
          bytes += 40_000;
          yield new Uint8Array(40_000);
        }
      }
      void stream.respond({ ':status': 200 }, counted(), {
        trailers: () => {
          called.push(bytes);
          return { 'x-bytes': bytes };
        },
      });
    });
    const events = await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    expect(called).toEqual([200_000]);
    expect(events.at(-1)).toMatchObject({ type: 'trailers', headers: { 'x-bytes': '200000' } });
    close();
  });

  it('a function resolving to undefined ends the stream without trailers', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 200 }, 'body', { trailers: async () => undefined }));
    const events = await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    expect(events.map((e) => e.type)).toEqual(['response', 'data']);
    expect(text(events)).toBe('body');
    close();
  });

  it('a function that rejects resets the stream (INTERNAL_ERROR) and fails the respond() with its error', async () => {
    const failure = new Error('checksum unavailable');
    await expectSendFailure((stream) => stream.respond({ ':status': 200 }, 'partial', { trailers: () => Promise.reject(failure) }), failure);
  });

  it('a request\'s trailers: the server sees them; and stream.trailers resolves as soon as a body ends without any', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe(async (stream) => {
      const body = Buffer.concat(await toArray(stream.body)).toString();
      // Awaited before responding: it must not wait for the stream to close.
      const trailers = await stream.trailers;
      await stream.respond({ ':status': 200 }, `${body}:${trailers?.['x-sum'] ?? 'none'}`);
    });
    const withTrailers = await lastValueFrom(client.request({ ':method': 'POST', ':path': '/' }, 'abc', { trailers: () => ({ 'x-sum': '3' }) }).pipe(rxToArray()));
    expect(text(withTrailers)).toBe('abc:3');
    const without = await lastValueFrom(client.request({ ':method': 'POST', ':path': '/' }, 'xyz').pipe(rxToArray()));
    expect(text(without)).toBe('xyz:none');
    const noBody = await lastValueFrom(client.request({ ':method': 'GET', ':path': '/' }).pipe(rxToArray()));
    expect(text(noBody)).toBe(':none');
    close();
  });
});

describe('Observable bodies', () => {
  it('a response body from an Observable: strings and bytes, synchronous and later chunks, in order', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe((stream) => {
      const later = new Subject<string>();
      void stream.respond({ ':status': 200 }, merge(from(['a', Buffer.from('b')]), later));
      setImmediate(() => {
        later.next('c');
        later.complete();
      });
    });
    const events = await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    expect(text(events)).toBe('abc');
    close();
  });

  it('a request body from an Observable reaches the server whole', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe(async (stream) => {
      const body = Buffer.concat(await toArray(stream.body));
      await stream.respond({ ':status': 200 }, `${body.length}:${body.subarray(0, 3).toString()}`);
    });
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000, 0x61 + (i % 26)));
    const events = await lastValueFrom(client.request({ ':method': 'POST', ':path': '/' }, from(chunks)).pipe(rxToArray()));
    expect(text(events)).toBe('200000:aaa');
    close();
  });

  it('an Observable that errors resets the stream (INTERNAL_ERROR) and fails the respond() with its error', async () => {
    const failure = new Error('source broke');
    await expectSendFailure((stream) => stream.respond({ ':status': 200 }, concat(of('partial'), throwError(() => failure))), failure);
  });

  it('a stream the client resets stops the producer: the Observable is unsubscribed, even a quiet one', async () => {
    const { client, server, close } = pair();
    const producer = new Subject<Uint8Array>();
    let unsubscribed = false;
    const source = new Observable<Uint8Array>((subscriber) => {
      const s = producer.subscribe(subscriber);
      return () => {
        unsubscribed = true;
        s.unsubscribe();
      };
    });
    const served = new Subject<{ stream: IncomingStream; responded: Promise<void> }>();
    server.streams$.subscribe((stream) => {
      served.next({ stream, responded: stream.respond({ ':status': 200 }, source) });
      producer.next(new Uint8Array(100));
    });
    const serving = firstValueFrom(served);
    const request = client.request({ ':path': '/' }).subscribe({ next: (e) => e.type === 'data' && request.unsubscribe() });
    const { stream, responded } = await serving;
    expect(await stream.closed).toEqual({ code: ErrorCode.CANCEL, initiator: 'remote' });
    // No further chunk comes: the close alone lets the producer go, and respond() resolves.
    await responded;
    expect(unsubscribed).toBe(true);
    close();
  });
});

describe('a body producer is let go when its stream no longer needs it, and paced as long as it does', () => {
  /** A quiet async iterator: one chunk, then nothing until return() (a live feed between events). */
  function quietIterator(chunk: Uint8Array) {
    const state = { returned: false, release: () => {} };
    let first = true;
    const iterator: AsyncIterableIterator<Uint8Array> = {
      [Symbol.asyncIterator]: () => iterator,
      next: () => {
        if (first) {
          first = false;
          return Promise.resolve({ value: chunk, done: false });
        }
        return new Promise((resolve) => (state.release = () => resolve({ value: undefined, done: true })));
      },
      return: () => {
        state.returned = true;
        state.release();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    return { iterator, state };
  }

  it('a quiet async-iterable response body is return()ed when the client resets, and respond() resolves', async () => {
    const { client, server, close } = pair();
    const { iterator, state } = quietIterator(new Uint8Array(100));
    const served = new Subject<{ stream: IncomingStream; responded: Promise<void> }>();
    server.streams$.subscribe((stream) => served.next({ stream, responded: stream.respond({ ':status': 200 }, iterator) }));
    const serving = firstValueFrom(served);
    const request = client.request({ ':path': '/' }).subscribe({ next: (e) => e.type === 'data' && request.unsubscribe() });
    const { stream, responded } = await serving;
    expect(await stream.closed).toEqual({ code: ErrorCode.CANCEL, initiator: 'remote' });
    await responded;
    expect(state.returned).toBe(true);
    close();
  });

  it('an unsubscribed request lets its body go: a quiet Observable is unsubscribed, an iterable blocked on the window return()ed', async () => {
    const { client, server, close } = pair();
    // The server answers at once with a body still to come, and never reads: the client's upload
    // fills the window and waits.
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 200 }, new Observable<Uint8Array>(() => {})));
    let observableReleased = false;
    const quiet = new Observable<Uint8Array>((subscriber) => {
      subscriber.next(new Uint8Array(100));
      return () => (observableReleased = true);
    });
    let iterableReleased = false;
    async function* endless() {
      try {
        for (;;) yield new Uint8Array(16384);
      } finally {
        iterableReleased = true;
      }
    }
    for (const body of [quiet, endless()]) {
      await new Promise<void>((resolve) => {
        const request = client.request({ ':method': 'POST', ':path': '/' }, body).subscribe({
          next: (e) => {
            if (e.type !== 'response') return;
            // Let the upload reach the end of its window first.
            setTimeout(() => {
              request.unsubscribe();
              resolve();
            }, 20);
          },
        });
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([observableReleased, iterableReleased]).toEqual([true, true]);
    close();
  });

  it('a response that ends before the request body does (RFC 9113 §8.1) leaves the upload going to its end', async () => {
    const { client, server, close } = pair();
    const read = new Promise<number>((resolve) => {
      server.streams$.subscribe(async (stream) => {
        // The whole response first, then the whole upload: it is larger than the windows, and the
        // client fills them before the server starts reading.
        await stream.respond({ ':status': 200 }, 'early');
        await new Promise((resolve) => setTimeout(resolve, 50));
        let n = 0;
        for await (const chunk of stream.body) n += chunk.length;
        resolve(n);
      });
    });
    let finished = false;
    let responseDone!: () => void;
    const responded = new Promise<void>((resolve) => (responseDone = resolve));
    async function* upload() {
      yield new Uint8Array(16384);
      // The rest only once the response is complete and the request's Observable has completed.
      await responded;
      for (let i = 1; i < 64; i++) yield new Uint8Array(16384);
      finished = true;
    }
    const events: ResponseEvent[] = [];
    client.request({ ':method': 'POST', ':path': '/' }, upload()).subscribe({ next: (e) => events.push(e), complete: () => responseDone() });
    expect(await read).toBe(64 * 16384);
    expect(text(events)).toBe('early');
    expect(finished).toBe(true);
    close();
  });
});

describe('ALTSVC (RFC 7838) and ORIGIN (RFC 8336)', () => {
  it('the server advertises; the client sees them on altsvc$ and origin$', async () => {
    const { client, server, close } = pair();
    const altsvc = lastValueFrom(client.altsvc$.pipe(take(2), rxToArray()));
    const origins = firstValueFrom(client.origin$);
    server.streams$.subscribe((stream) => {
      server.sendAltsvc('h2=":8443"; ma=60', 'https://example.com/some/path');
      server.sendAltsvc('clear', stream);
      server.sendOrigin('https://a.example', new URL('https://b.example:8443/x'));
      void stream.respond({ ':status': 204 });
    });
    const response = await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    expect(response[0]).toMatchObject({ status: 204 });
    expect(await altsvc).toEqual([
      { streamId: 0, origin: 'https://example.com', value: 'h2=":8443"; ma=60' },
      { streamId: 1, origin: '', value: 'clear' },
    ]);
    expect(await origins).toEqual(['https://a.example', 'https://b.example:8443']);
    close();
  });

  it('an origin that is not one is a TypeError; a client cannot send them', () => {
    const { client, server, close } = pair();
    expect(() => server.sendAltsvc('clear', 'data:text/plain,hi')).toThrow(new TypeError('ALTSVC needs a valid origin, got data:text/plain,hi'));
    expect(() => server.sendOrigin('not a url')).toThrow(new TypeError('ORIGIN needs a valid origin, got not a url'));
    expect(() => client.sendOrigin('https://a.example')).toThrow(/ORIGIN is sent by servers/);
    expect(() => client.sendAltsvc('clear', 'https://a.example')).toThrow(/ALTSVC is sent by servers/);
    close();
  });
});

describe('setLocalWindowSize', () => {
  it('grows the connection window the peer may use at once (a WINDOW_UPDATE), and rejects sizes above 2^31-1', async () => {
    const { client, server, close } = pair();
    server.setLocalWindowSize(8 << 20);
    // Once the client has processed the server's WINDOW_UPDATE, it may send 8 MiB on the connection.
    await firstValueFrom(client.ping());
    expect(client.pipeline.connection.state.remoteWindowSize).toBe(8 << 20);
    expect(server.pipeline.connection.state.localWindowSize).toBe(8 << 20);
    expect(() => server.setLocalWindowSize(2 ** 31)).toThrow(/window size must be an integer in \[0, 2\^31-1\]/);
    close();
  });
});

describe('header fields that may not be sent (RFC 9113 §8.2)', () => {
  it('respond() throws at once; request() errors; a trailers function that returns one fails the body and resets the stream', async () => {
    const { client, server, close } = pair();
    const outcomes: unknown[] = [];
    server.streams$.subscribe((stream) => {
      if (stream.path === '/trailers') {
        stream.respond({ ':status': 200 }, 'body', { trailers: () => ({ 'x-sum': 'a\r\nx-injected: 1' }) }).catch((e) => outcomes.push(e));
        return;
      }
      try {
        void stream.respond({ ':status': 200, 'x-a': 'b\r\nx-injected: 1' });
      } catch (e) {
        outcomes.push(e);
        void stream.respond({ ':status': 400 });
      }
    });
    const refused = await lastValueFrom(client.request({ ':path': '/', connection: 'close' })).catch((e) => e);
    expect(refused).toMatchObject({ kind: 'user', message: expect.stringMatching(/connection-specific field connection/) });
    const answered = await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    expect(answered[0]).toMatchObject({ type: 'response', status: 400 });
    const failed = await lastValueFrom(client.request({ ':path': '/trailers' }).pipe(rxToArray())).catch((e) => e);
    expect(failed).toMatchObject({ code: ErrorCode.INTERNAL_ERROR, initiator: 'remote' });
    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'user', message: expect.stringMatching(/invalid character 0xd in the value of x-a/) }),
      expect.objectContaining({ kind: 'user', message: expect.stringMatching(/invalid character 0xd in the value of x-sum/) }),
    ]);
    close();
  });
});

describe('pushes for origins the server is not authoritative for (RFC 9113 §8.4)', () => {
  it('are reset with PROTOCOL_ERROR and never reach streams$; an origin the server named in an ORIGIN frame (RFC 8336) is accepted', async () => {
    const { client, server, close } = pair();
    const pushed: string[] = [];
    client.streams$.subscribe((p) => {
      pushed.push(`${p.headers[':authority'] as string}${p.path!}`);
      void toArray(p.body);
    });
    const closes: Array<Promise<unknown>> = [];
    server.streams$.subscribe((stream) => {
      for (const authority of ['evil.example', 'test', 'cdn.example']) {
        const p = stream.push({ ':path': `/${stream.path!.slice(1)}`, ':authority': authority });
        closes.push(p.respond({ ':status': 200 }, 'x'));
      }
      void stream.respond({ ':status': 204 });
    });
    await lastValueFrom(client.request({ ':path': '/one' }).pipe(rxToArray()));
    server.sendOrigin('http://cdn.example');
    await firstValueFrom(client.origin$);
    await lastValueFrom(client.request({ ':path': '/two' }).pipe(rxToArray()));
    await Promise.all(closes);
    await firstValueFrom(client.ping());
    expect(pushed.sort()).toEqual(['cdn.example/two', 'test/one', 'test/two']);
    close();
  });
});

describe('host and :authority (RFC 9113 §8.3.1)', () => {
  it('a host given alone is the request\'s :authority, not sent beside the session\'s; a host that differs from :authority is refused', async () => {
    const { client, server, close } = pair();
    const seen: Array<[string, string]> = [];
    server.streams$.subscribe((stream) => {
      seen.push(...stream.fields.filter(([n]) => n === ':authority' || n === 'host'));
      void stream.respond({ ':status': 204 });
    });
    await lastValueFrom(client.request({ ':path': '/', host: 'example.com' }).pipe(rxToArray()));
    expect(seen).toEqual([[':authority', 'example.com']]);
    const differs = await lastValueFrom(client.request({ ':path': '/', ':authority': 'a.example', host: 'b.example' })).catch((e) => e);
    expect(differs).toMatchObject({ kind: 'user', message: expect.stringMatching(/host b.example differs from :authority a.example/) });
    close();
  });
});

describe('responses without content (RFC 9110 §9.3.2, §15)', () => {
  it('a HEAD request answered as a GET would be: the headers end the stream, the body is neither sent nor pulled', async () => {
    const { client, server, close } = pair();
    let pulled = false;
    const body = { [Symbol.asyncIterator]: () => ((pulled = true), [Buffer.from('x')][Symbol.iterator]()) } as unknown as AsyncIterable<Uint8Array>;
    const answers: Array<Promise<void>> = [];
    server.streams$.subscribe((stream) => {
      const which = stream.path;
      if (which === '/text') answers.push(stream.respond({ ':status': 200, 'content-length': 4 }, 'body', { trailers: { 'x-t': '1' } }));
      else answers.push(stream.respond({ ':status': 200 }, body));
    });
    for (const path of ['/text', '/iterable']) {
      const events = await lastValueFrom(client.request({ ':method': 'HEAD', ':path': path }).pipe(rxToArray()));
      expect(events.map((e) => e.type)).toEqual(['response']);
    }
    await Promise.all(answers);
    expect(pulled).toBe(false);
    close();
  });

  it('204, 205 and 304 end with their headers whatever body is given; a 200 to GET still carries its body', async () => {
    const { client, server, close } = pair();
    server.streams$.subscribe((stream) => void stream.respond({ ':status': Number(stream.path!.slice(1)) }, 'content'));
    for (const status of [204, 205, 304]) {
      const events = await lastValueFrom(client.request({ ':path': `/${status}` }).pipe(rxToArray()));
      expect(events.map((e) => [e.type, e.type === 'response' ? e.status : undefined])).toEqual([['response', status]]);
    }
    expect(text(await lastValueFrom(client.request({ ':path': '/200' }).pipe(rxToArray())))).toBe('content');
    close();
  });
});

describe('a request the client resets before the handler answers', () => {
  it('respond() and informational() send nothing and do not throw; respond() resolves; the session goes on serving', async () => {
    const { client, server, close } = pair({ tapFrames: true });
    const served = new Subject<IncomingStream>();
    server.streams$.subscribe((stream) => served.next(stream));
    const first = firstValueFrom(served);
    const request = client.request({ ':method': 'POST', ':path': '/slow' }, new Subject<Uint8Array>()).subscribe();
    const stream = await first;
    request.unsubscribe();
    expect(await stream.closed).toEqual({ code: ErrorCode.CANCEL, initiator: 'remote' });
    const framesAfter: number[] = [];
    client.frames$.subscribe((f) => f.direction === 'in' && framesAfter.push(f.frame.streamId));
    let pulled = false;
    const body = { [Symbol.asyncIterator]: () => ((pulled = true), [Buffer.from('x')][Symbol.iterator]()) } as unknown as AsyncIterable<Uint8Array>;
    // What a handler that awaited (a file, an upstream) does next: none of it may throw.
    stream.informational({ ':status': 103, link: '</a.css>; rel=preload' });
    const answers = [
      stream.respond({ ':status': 200 }),
      stream.respond({ ':status': 200 }, 'late'),
      stream.respond({ ':status': 200 }, body),
      stream.respond({ ':status': 200 }, of('late'), { trailers: { 'x-late': '1' } }),
    ];
    await Promise.all(answers);
    expect(pulled).toBe(false);
    // The session is healthy: the next request is answered, and nothing more came for stream 1.
    server.streams$.subscribe((s) => void s.respond({ ':status': 200 }, 'ok'));
    served.complete();
    expect(text(await lastValueFrom(client.request({ ':path': '/next' }).pipe(rxToArray())))).toBe('ok');
    expect(framesAfter.filter((id) => id === stream.id)).toEqual([]);
    close();
  });

  it('a second final response on a stream whose response is complete is still the caller\'s error', async () => {
    const { client, server, close } = pair();
    const served = new Subject<IncomingStream>();
    server.streams$.subscribe((stream) => {
      void stream.respond({ ':status': 204 });
      served.next(stream);
    });
    const serving = firstValueFrom(served);
    await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
    const stream = await serving;
    await stream.closed;
    expect(() => stream.respond({ ':status': 200 })).toThrow(/already sent/);
    close();
  });
});

describe('IncomingStream.pushAllowed', () => {
  it('true while the client allows push; false when it disabled it, after a GOAWAY, and once the stream is closed', async () => {
    for (const enablePush of [1, 0]) {
      const { client, server, close } = pair({ settings: [[2, enablePush]] });
      const seen: boolean[] = [];
      const served = new Subject<IncomingStream>();
      server.streams$.subscribe((stream) => {
        seen.push(stream.pushAllowed);
        if (enablePush === 1) {
          server.close();
          seen.push(stream.pushAllowed);
        } else expect(() => stream.push({ ':path': '/x' })).toThrow(/disabled push/);
        void stream.respond({ ':status': 204 });
        served.next(stream);
      });
      await firstValueFrom(server.settings$.pipe(filter((s) => s.remote.enablePush === enablePush)));
      const stream = firstValueFrom(served);
      await lastValueFrom(client.request({ ':path': '/' }).pipe(rxToArray()));
      await (await stream).closed;
      seen.push((await stream).pushAllowed);
      expect(seen).toEqual(enablePush === 1 ? [true, false, false] : [false, false]);
      close();
    }
  });
});
