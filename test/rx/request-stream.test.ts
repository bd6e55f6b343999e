import { lastValueFrom } from 'rxjs';
import { toArray } from 'ix/asynciterable';
import { ErrorCode } from '../../src/protocol/error-code';
import { H2Error } from '../../src/protocol/h2-error';
import { connect } from '../../src/rx/connect';
import { serve, type RxServer } from '../../src/rx/serve';
import type { RxSession } from '../../src/rx/rx-session';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RxSession.requestStream(): the response body pulled with backpressure', () => {
  let server: RxServer;
  let session: RxSession;
  afterEach(async () => {
    session?.close();
    await server?.close();
  });

  it('resolves at the response headers; the body paces the server (WINDOW_UPDATE only as it is read)', async () => {
    server = await serve({ host: '127.0.0.1' });
    const total = 1024 * 1024;
    let produced = 0;
    server.streams$.subscribe((stream) => {
      async function* chunks() {
        while (produced < total) {
          produced += 16384;
          yield new Uint8Array(16384).fill(7);
        }
      }
      void stream.respond({ ':status': 200, 'x-a': 'b' }, chunks(), { trailers: { 'x-t': 'done' } });
    });
    session = await connect(server.url);
    const response = await session.requestStream({ ':path': '/big' });
    expect(response.status).toBe(200);
    expect(response.headers['x-a']).toBe('b');
    await delay(150);
    // Nothing read yet: the server is held by the 64 KiB initial windows (plus what its queue holds).
    expect(produced).toBeLessThan(200 * 1024);
    const body = Buffer.concat(await toArray(response.body));
    expect(body.length).toBe(total);
    expect(produced).toBe(total);
    expect(await response.trailers).toMatchObject({ 'x-t': 'done' });
  });

  it('stopping early resets the stream (CANCEL); the session keeps working', async () => {
    server = await serve({ host: '127.0.0.1' });
    const closes: number[] = [];
    server.streams$.subscribe((stream) => {
      void stream.closed.then((c) => closes.push(c.code));
      async function* forever() {
        for (;;) yield new Uint8Array(16384);
      }
      void stream.respond({ ':status': 200 }, forever()).catch(() => undefined);
    });
    session = await connect(server.url);
    const response = await session.requestStream({ ':path': '/' });
    for await (const chunk of response.body) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    for (let i = 0; i < 300 && closes.length === 0; i++) await delay(10);
    expect(closes).toEqual([ErrorCode.CANCEL]);
    const again = await session.requestStream({ ':path': '/' });
    expect(again.status).toBe(200);
    await again.body[Symbol.asyncIterator]().return?.();
    for (let i = 0; i < 300 && closes.length < 2; i++) await delay(10);
    expect(closes).toEqual([ErrorCode.CANCEL, ErrorCode.CANCEL]);
  });

  it('a response without a body has an empty body; a request body is sent', async () => {
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe(async (stream) => {
      const got = Buffer.concat(await toArray(stream.body)).toString();
      void stream.respond({ ':status': 204, 'x-got': got });
    });
    session = await connect(server.url);
    const response = await session.requestStream({ ':method': 'POST', ':path': '/' }, 'hello');
    expect(response.status).toBe(204);
    expect(response.headers['x-got']).toBe('hello');
    expect(await toArray(response.body)).toEqual([]);
    expect(await response.trailers).toBeUndefined();
  });

  it('rejects when the stream is reset before the response; aborting the signal cancels', async () => {
    server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe((stream) => {
      if (stream.path === '/refuse') stream.reset(ErrorCode.REFUSED_STREAM);
      // '/hang': never answered
    });
    session = await connect(server.url);
    const refused = await session.requestStream({ ':path': '/refuse' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(H2Error);
    expect(refused).toMatchObject({ kind: 'reset', code: ErrorCode.REFUSED_STREAM, retryable: true });
    const controller = new AbortController();
    const pending = session.requestStream({ ':path': '/hang' }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('H2Error.retryable on reset requests', () => {
  it('is true for requests above a GOAWAY last stream id, false for a processed-then-reset request', async () => {
    const server = await serve({ host: '127.0.0.1' });
    let n = 0;
    server.streams$.subscribe((stream) => {
      n++;
      if (n === 1) stream.reset(ErrorCode.INTERNAL_ERROR);
      // The second request: GOAWAY saying it was not processed (last stream id below it).
      else stream.session.pipeline.command((c) => c.goaway(ErrorCode.NO_ERROR, stream.id - 2));
    });
    const session = await connect(server.url);
    const first = await lastValueFrom(session.request({ ':path': '/1' })).catch((e: unknown) => e);
    expect(first).toMatchObject({ kind: 'reset', code: ErrorCode.INTERNAL_ERROR, retryable: false });
    const second = await lastValueFrom(session.request({ ':path': '/2' })).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(H2Error);
    expect(second).toMatchObject({ kind: 'reset', code: ErrorCode.REFUSED_STREAM, retryable: true });
    expect((second as Error).message).toContain('safe to retry');
    // A request made after the GOAWAY is never sent: a user error, retryable too.
    const third = await lastValueFrom(session.request({ ':path': '/3' })).catch((e: unknown) => e);
    expect(third).toMatchObject({ kind: 'user', code: ErrorCode.REFUSED_STREAM, retryable: true });
    session.close();
    await server.close();
  });
});
