/**
 * A connection whose socket goes away while a response body is being sent
 * under backpressure: the stream must close (and the body's producer be let
 * go, its `finally` run) at once. Before, nothing closed the core's streams
 * when the transport ended without a GOAWAY: `respond()` never settled and
 * the body (a file being served by `rx-http2 serve`) waited for the garbage
 * collector, which Node reports as "Closing file descriptor N on garbage
 * collection".
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { lastValueFrom, Subject } from 'rxjs';
import { ErrorCode } from '../../src/protocol/error-code';
import { CLIENT_PREFACE, encodeFrame, FrameType, type Frame } from '../../src/protocol/frames';
import { H2Error } from '../../src/protocol/h2-error';
import { RxSession } from '../../src/rx/rx-session';
import { HpackEncoder } from '../../src/protocol/hpack';
import { SettingId } from '../../src/protocol/settings';
import type { IncomingStream } from '../../src/rx/rx-stream';
import { connect } from '../../src/rx/connect';
import { serve } from '../../src/rx/serve';

const bytes = (...frames: Frame[]): Buffer => Buffer.concat(frames.map((f) => encodeFrame(f)));

/**
 * A raw HTTP/2 server on 127.0.0.1 that sends its SETTINGS, reads up to the
 * first request's HEADERS, then drops the connection with `drop` (no GOAWAY).
 */
async function droppingServer(drop: (socket: net.Socket) => void): Promise<{ raw: net.Server; port: number }> {
  const raw = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.write(bytes({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }));
    let seen = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      // Past the 24-octet preface, walk the frames for a HEADERS (type 1).
      for (let at = CLIENT_PREFACE.length; at + 9 <= seen.length; at += 9 + seen.readUIntBE(at, 3)) {
        if (seen[at + 3] === FrameType.HEADERS) return void drop(socket);
      }
    });
  });
  raw.listen(0, '127.0.0.1');
  await once(raw, 'listening');
  return { raw, port: (raw.address() as net.AddressInfo).port };
}

/**
 * A raw client on `port`: the preface, SETTINGS with `settings`, and a request
 * on stream 1 (`method`; with `body` octets of DATA after it, the request
 * stays open). Resolves with its socket.
 */
async function rawRequest(port: number, settings: Array<[number, number]>, method: 'GET' | 'POST', body?: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.on('error', () => {});
  socket.resume();
  const headerBlock = new HpackEncoder().encode([
    [':method', method],
    [':scheme', 'http'],
    [':authority', 'x'],
    [':path', '/'],
  ]);
  const frames: Frame[] = [
    { type: FrameType.SETTINGS, streamId: 0, ack: false, settings },
    { type: FrameType.HEADERS, streamId: 1, endStream: body === undefined, endHeaders: true, headerBlock },
  ];
  if (body !== undefined) frames.push({ type: FrameType.DATA, streamId: 1, data: new Uint8Array(body), endStream: false, padding: undefined });
  socket.write(Buffer.concat([CLIENT_PREFACE, bytes(...frames)]));
  return socket;
}

describe('the transport closing under a response in progress', () => {
  it.each(['destroyed', 'ended'] as const)('socket %s by the client: the stream closes, respond() settles, the body producer is released', async (how) => {
    const server = await serve({ host: '127.0.0.1' });
    try {
      const incoming = new Promise<IncomingStream>((resolve) => server.streams$.subscribe(resolve));
      // A stream window of 0: the server can queue the body but send none of it.
      const socket = await rawRequest(server.address.port, [[SettingId.INITIAL_WINDOW_SIZE, 0]], 'GET');
      const stream = await incoming;
      let pulled = 0;
      let released = false;
      let waiting!: () => void;
      const blocked = new Promise<void>((resolve) => (waiting = resolve));
      const body = (async function* () {
        try {
          for (;;) {
            pulled++;
            // The queue reaches its high-water mark with this one: sendBody waits for room.
            if (pulled === 1) waiting();
            yield new Uint8Array(16384);
          }
        } finally {
          released = true;
        }
      })();
      const closed = new Promise((resolve) => stream.closed.then(resolve, resolve));
      const responded = stream.respond({ ':status': 200 }, body).then(
        () => 'resolved',
        () => 'rejected',
      );
      await blocked;
      await new Promise((resolve) => setImmediate(resolve));
      expect(pulled).toBe(1);
      expect(released).toBe(false);
      if (how === 'destroyed') socket.destroy();
      else socket.end();
      await expect(responded).resolves.toEqual(expect.any(String));
      expect(released).toBe(true);
      await expect(closed).resolves.toEqual({ code: 8, initiator: 'local' });
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('the client drops the socket in the middle of an upload: reading the request body fails, it does not wait forever', async () => {
    const server = await serve({ host: '127.0.0.1' });
    try {
      const incoming = new Promise<IncomingStream>((resolve) => server.streams$.subscribe(resolve));
      const socket = await rawRequest(server.address.port, [], 'POST', 1000);
      const stream = await incoming;
      let received = 0;
      const read = (async () => {
        for await (const chunk of stream.body) {
          received += chunk.length;
          if (received === 1000) socket.destroy();
        }
      })();
      await expect(read).rejects.toThrow(/CANCEL/);
      expect(received).toBe(1000);
    } finally {
      await server.close();
    }
  });

  it('the socket fails under a request (the server resets the TCP connection): errors$ and the request say why, kind io with the socket error as cause', async () => {
    const { raw, port } = await droppingServer((socket) => socket.resetAndDestroy());
    const session = await connect(`http://127.0.0.1:${port}`);
    try {
      const reported = lastValueFrom(session.errors$).catch(() => undefined);
      const failure = await lastValueFrom(session.request({ ':path': '/' })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(H2Error);
      expect(failure).toMatchObject({ kind: 'io', retryable: false, cause: expect.objectContaining({ code: 'ECONNRESET' }) });
      expect(await reported).toBe(failure);
    } finally {
      session.close();
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });

  it('the server closes its socket under a request in flight (no GOAWAY): the request fails with CANCEL, not retryable; a later one is refused, retryable', async () => {
    // A peer that reads the request, then drops the connection without a word.
    const { raw, port } = await droppingServer((socket) => socket.destroy());
    const session = await connect(`http://127.0.0.1:${port}`);
    try {
      const failure = await lastValueFrom(session.request({ ':path': '/' })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(H2Error);
      expect(failure).toMatchObject({ code: ErrorCode.CANCEL, retryable: false });
      // A request made afterwards never leaves: safe to retry, on a new session.
      await expect(lastValueFrom(session.request({ ':path': '/' }))).rejects.toMatchObject({ code: ErrorCode.REFUSED_STREAM, retryable: true });
    } finally {
      session.close();
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });
});

describe('a request in flight when the connection fails on a protocol error', () => {
  it('fails with the connection\'s own error (scope connection, what the peer did), not a stream reset that never was', async () => {
    const input = new Subject<Uint8Array>();
    const client = new RxSession(input, { role: 'client', origin: { scheme: 'http', authority: 'test' } });
    const writing = client.writes$.subscribe();
    const outcome = lastValueFrom(client.request({ ':path': '/' })).catch((e) => e);
    // The server's SETTINGS, then DATA on stream 2, which it never opened: a connection PROTOCOL_ERROR (§5.1 idle).
    input.next(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }));
    input.next(encodeFrame({ type: FrameType.DATA, streamId: 2, data: new Uint8Array(1), endStream: false }));
    const error = await outcome;
    expect(error).toBeInstanceOf(H2Error);
    expect(error).toMatchObject({ scope: 'connection', code: ErrorCode.PROTOCOL_ERROR, initiator: 'local', retryable: false });
    expect(error.message).toMatch(/stream 2/);
    writing.unsubscribe();
  });
});
