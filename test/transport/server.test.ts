import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  DEFAULT_TLS_HANDSHAKE_TIMEOUT,
  h2cServerOptions,
  listenH2c,
  listenTls,
  tlsServerOptions,
} from '../../src/transport/server';
import { DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT, UNKNOWN_PROTOCOL_RESPONSE } from '../../src/transport/unknown-protocol';
import { closed, closeServer, destroyed, makeCertificate, readAll } from './helpers';

/** Sockets a test opened (both ends), destroyed after it. */
const sockets: net.Socket[] = [];
const servers: net.Server[] = [];
const track = <S extends net.Socket>(socket: S): S => {
  sockets.push(socket);
  return socket;
};
afterEach(async () => {
  jest.useRealTimers();
  await Promise.all(sockets.splice(0).map(destroyed));
  await Promise.all(servers.splice(0).map(closeServer));
});

/** Listens and remembers the server for cleanup. */
async function serve<S extends net.Server>(listening: Promise<S>): Promise<{ server: S; port: number }> {
  const server = await listening;
  servers.push(server);
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** A promise and its resolver, for handlers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('listenH2c', () => {
  it('hands each accepted socket to onSocket, half-open capable; bytes flow both ways', async () => {
    const accepted = deferred<net.Socket>();
    const { port } = await serve(listenH2c({ host: '127.0.0.1' }, (socket) => accepted.resolve(track(socket))));
    const client = track(net.connect({ port, host: '127.0.0.1' }));
    client.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const socket = await accepted.promise;
    expect(socket.allowHalfOpen).toBe(true);
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    expect(chunk.toString()).toBe('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    socket.end('ok');
    expect((await readAll(client)).toString()).toBe('ok');
  });

  it('makes servers half-open and without Nagle delay, unless told otherwise', () => {
    expect(h2cServerOptions({ host: 'x', port: 1 })).toEqual({ allowHalfOpen: true, noDelay: true });
    expect(h2cServerOptions({ noDelay: false })).toEqual({ allowHalfOpen: true, noDelay: false });
  });

  it('rejects when the port is taken', async () => {
    const { port } = await serve(listenH2c({ host: '127.0.0.1' }, () => {}));
    await expect(listenH2c({ host: '127.0.0.1', port }, () => {})).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

const certificate = makeCertificate();
if (certificate === undefined) {
  // eslint-disable-next-line no-console
  console.warn('openssl not found: the TLS tests of listenTls are skipped');
}
const describeTls = certificate === undefined ? describe.skip : describe;

describeTls('listenTls', () => {
  const { key, cert } = certificate ?? { key: Buffer.alloc(0), cert: Buffer.alloc(0) };

  /** Connects a TLS client offering `ALPNProtocols` (undefined: no ALPN extension). */
  function connectTls(port: number, ALPNProtocols: string[] | undefined, extra: tls.ConnectionOptions = {}): tls.TLSSocket {
    return track(tls.connect({ port, host: '127.0.0.1', ca: cert, servername: 'localhost', ALPNProtocols, ...extra }));
  }

  it('hands sockets that negotiated h2 to onSocket', async () => {
    const accepted = deferred<tls.TLSSocket>();
    const unknown = jest.fn();
    const { port } = await serve(listenTls({ key, cert, host: '127.0.0.1' }, (socket) => accepted.resolve(track(socket)), unknown));
    const client = connectTls(port, ['h2']);
    await once(client, 'secureConnect');
    expect(client.alpnProtocol).toBe('h2');
    const socket = await accepted.promise;
    expect(socket.alpnProtocol).toBe('h2');
    expect(socket.allowHalfOpen).toBe(true);
    client.write('preface');
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    expect(chunk.toString()).toBe('preface');
    expect(unknown).not.toHaveBeenCalled();
    // Half-open: after the client's FIN we can still answer.
    const answer = readAll(client);
    client.end();
    socket.resume();
    await once(socket, 'end');
    socket.end('goaway');
    expect((await answer).toString()).toBe('goaway');
  });

  it('hands a client without ALPN to onUnknownProtocol, which then owns it', async () => {
    const onSocket = jest.fn();
    const unknown = deferred<tls.TLSSocket>();
    const { port } = await serve(listenTls({ key, cert, host: '127.0.0.1' }, onSocket, (socket) => unknown.resolve(track(socket))));
    connectTls(port, undefined);
    const socket = await unknown.promise;
    expect(socket.alpnProtocol).toBe(false);
    expect(onSocket).not.toHaveBeenCalled();
  });

  it('fails the handshake of a client offering only http/1.1 (Node ≥ 19 semantics)', async () => {
    const onSocket = jest.fn();
    const unknown = jest.fn();
    const { port } = await serve(listenTls({ key, cert, host: '127.0.0.1' }, onSocket, unknown));
    const client = connectTls(port, ['http/1.1']);
    const [error] = (await once(client, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    expect(onSocket).not.toHaveBeenCalled();
    expect(unknown).not.toHaveBeenCalled();
  });

  it('with allowHTTP1, offers http/1.1 and hands such sockets to onUnknownProtocol (the HTTP/1 fallback)', async () => {
    const h2 = deferred<tls.TLSSocket>();
    const http1 = deferred<tls.TLSSocket>();
    const { port } = await serve(
      listenTls({ key, cert, host: '127.0.0.1', allowHTTP1: true }, (s) => h2.resolve(track(s)), (s) => http1.resolve(track(s))),
    );
    connectTls(port, ['http/1.1']);
    expect((await http1.promise).alpnProtocol).toBe('http/1.1');
    connectTls(port, ['http/1.1', 'h2']);
    expect((await h2.promise).alpnProtocol).toBe('h2');
  });

  it('without a handler, answers 403 as Node does, ends, and destroys the socket after unknownProtocolTimeout (10 s)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    expect(DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT).toBe(10_000);
    const onSocket = jest.fn();
    const { server, port } = await serve(listenTls({ key, cert, host: '127.0.0.1' }, onSocket));
    const serverSide = deferred<tls.TLSSocket>();
    // Runs after listenTls's own listener.
    server.on('secureConnection', (socket: tls.TLSSocket) => serverSide.resolve(socket));
    // Half-open: the client does not answer our FIN, so only the timer closes the socket.
    const client = connectTls(port, undefined, { allowHalfOpen: true } as tls.ConnectionOptions);
    expect((await readAll(client)).toString()).toBe(UNKNOWN_PROTOCOL_RESPONSE);
    const socket = await serverSide.promise;
    const socketClosed = closed(socket);
    jest.advanceTimersByTime(DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT - 1);
    expect(socket.destroyed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(socket.destroyed).toBe(true);
    await socketClosed;
    expect(onSocket).not.toHaveBeenCalled();
  });

  it('writes the same 403 as node:http2 to a client without ALPN', async () => {
    const server = http2.createSecureServer({ key, cert });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connectTls((server.address() as net.AddressInfo).port, undefined);
    expect((await readAll(client)).toString()).toBe(UNKNOWN_PROTOCOL_RESPONSE);
  });

  it('closes a client that connects and never starts the handshake, after handshakeTimeout', async () => {
    const { server, port } = await serve(listenTls({ key, cert, host: '127.0.0.1', handshakeTimeout: 100 }, jest.fn(), jest.fn()));
    const reported = once(server, 'tlsClientError');
    const silent = track(net.connect({ port, host: '127.0.0.1' }));
    const silentClosed = closed(silent);
    silent.resume();
    const [error] = (await reported) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    await silentClosed;
  });

  it('bounds the handshake to 10 s by default and offers h2 (and http/1.1 only with allowHTTP1)', () => {
    expect(DEFAULT_TLS_HANDSHAKE_TIMEOUT).toBe(10_000);
    const options = tlsServerOptions({ key, cert, host: 'h', port: 1, unknownProtocolTimeout: 5 });
    expect(options).toEqual({ key, cert, noDelay: true, handshakeTimeout: 10_000, ALPNProtocols: ['h2'] });
    expect(tlsServerOptions({ allowHTTP1: true, handshakeTimeout: 50 })).toMatchObject({ handshakeTimeout: 50, ALPNProtocols: ['h2', 'http/1.1'] });
    const ALPNCallback = () => 'h2';
    expect(tlsServerOptions({ ALPNCallback })).not.toHaveProperty('ALPNProtocols');
  });
});
