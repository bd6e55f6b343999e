import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { parseAuthority } from '../../src/transport/authority';
import { dial, type DialOptions } from '../../src/transport/client';
import { TransportErrorCode } from '../../src/transport/errors';
import { DEFAULT_TLS_HANDSHAKE_TIMEOUT, listenH2c, listenTls } from '../../src/transport/server';
import { closeServer, destroyed, makeCertificate } from './helpers';

const sockets: Duplex[] = [];
const servers: net.Server[] = [];
const track = <S extends Duplex>(socket: S): S => {
  sockets.push(socket);
  return socket;
};
afterEach(async () => {
  await Promise.all(sockets.splice(0).map(destroyed));
  await Promise.all(servers.splice(0).map(closeServer));
});

/** The error `run` throws. */
function thrown(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('did not throw');
}

describe('parseAuthority', () => {
  it('reads protocol, host and port as http2.connect does', () => {
    expect(parseAuthority('http://example.com')).toMatchObject({ protocol: 'http:', host: 'example.com', port: 80 });
    expect(parseAuthority('https://example.com')).toMatchObject({ protocol: 'https:', host: 'example.com', port: 443 });
    expect(parseAuthority('https://user:pw@example.com:8443/path?q#f')).toMatchObject({ host: 'example.com', port: 8443 });
    expect(parseAuthority('http://[::1]:8080')).toMatchObject({ protocol: 'http:', host: '::1', port: 8080 });
    expect(parseAuthority('https://[2001:db8::1]')).toMatchObject({ host: '2001:db8::1', port: 443 });
    const url = new URL('http://127.0.0.1:1234');
    expect(parseAuthority(url).url).toBe(url);
    expect(parseAuthority('http://a:1').url).toEqual(new URL('http://a:1'));
  });

  it('throws the errors node:http2 throws for a bad authority', () => {
    for (const authority of ['ftp://example.com', 'ws://example.com:80', 'not a url', 'localhost:8080']) {
      const ours = thrown(() => parseAuthority(authority));
      const node = thrown(() => http2.connect(authority));
      // Compared by name: jest's sandbox and Node's internals have different
      // Error classes. (Node's `[CODE]` in String(err) is the facade's job.)
      const shape = (e: Error & { code?: string }) => ({ code: e.code, message: e.message, name: e.name, type: e.constructor.name });
      expect(shape(ours)).toEqual(shape(node));
    }
    expect(thrown(() => parseAuthority('ftp://x')).code).toBe('ERR_HTTP2_UNSUPPORTED_PROTOCOL');
    expect(thrown(() => parseAuthority('nope')).code).toBe('ERR_INVALID_URL');
  });
});

describe('dial', () => {
  /** An h2c listener that records what it accepts. */
  async function h2cServer() {
    const accepted: net.Socket[] = [];
    const server = await listenH2c({ host: '127.0.0.1' }, (socket) => accepted.push(track(socket)));
    servers.push(server);
    const connection = once(server, 'connection') as Promise<[net.Socket]>;
    return { port: (server.address() as net.AddressInfo).port, accepted: connection.then(([s]) => s) };
  }

  it('connects http:// authorities over plain TCP (h2c), half-open capable', async () => {
    const { port, accepted } = await h2cServer();
    const socket = track(await dial(`http://127.0.0.1:${port}`)) as net.Socket;
    expect(socket).toBeInstanceOf(net.Socket);
    expect(socket).not.toBeInstanceOf(tls.TLSSocket);
    expect(socket.allowHalfOpen).toBe(true);
    expect(socket.connecting).toBe(false);
    socket.write('PRI');
    const [chunk] = (await once(await accepted, 'data')) as [Buffer];
    expect(chunk.toString()).toBe('PRI');
  });

  it('throws synchronously for a bad authority, as http2.connect does', () => {
    expect(() => dial('ftp://127.0.0.1')).toThrow(expect.objectContaining({ code: TransportErrorCode.UNSUPPORTED_PROTOCOL }));
    expect(() => dial('::bad')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_URL', name: 'TypeError' }));
  });

  it('gives up a TLS handshake the server never answers after handshakeTimeout (default 10 s): ERR_TLS_HANDSHAKE_TIMEOUT, socket destroyed', async () => {
    // A TCP listener that accepts and says nothing: not even a ServerHello.
    const silent = net.createServer((socket) => track(socket).resume());
    servers.push(silent);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as net.AddressInfo;
    const accepted = once(silent, 'connection') as Promise<[net.Socket]>;
    const started = Date.now();
    await expect(dial(`https://127.0.0.1:${port}`, { handshakeTimeout: 200 })).rejects.toMatchObject({ code: TransportErrorCode.TLS_HANDSHAKE_TIMEOUT });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // Our end went away: the silent server sees the connection close.
    const [serverSide] = await accepted;
    if (!serverSide.closed) await once(serverSide, 'close');
    expect(DEFAULT_TLS_HANDSHAKE_TIMEOUT).toBe(10_000);
  });

  it('rejects with the connection error', async () => {
    const server = await listenH2c({ host: '127.0.0.1' }, () => {});
    const { port } = server.address() as net.AddressInfo;
    await closeServer(server);
    await expect(dial(`http://127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('uses createConnection when given, with the authority as a URL and the options', async () => {
    const { port, accepted } = await h2cServer();
    const created: net.Socket[] = [];
    const createConnection = jest.fn((authority: URL, _options: DialOptions) => {
      const socket = track(net.connect({ port: Number(authority.port), host: authority.hostname }));
      created.push(socket);
      return socket;
    });
    const options = { createConnection, protocol: 'http:' };
    const socket = await dial(`https://127.0.0.1:${port}`, options);
    expect(createConnection).toHaveBeenCalledTimes(1);
    const [url, passed] = createConnection.mock.calls[0];
    expect(url).toEqual(new URL(`https://127.0.0.1:${port}`));
    expect(passed).toBe(options);
    expect(socket).toBe(created[0]);
    expect((socket as net.Socket).connecting).toBe(false);
    await accepted;
  });

  it('resolves at once with a connected Duplex from createConnection', async () => {
    const { port, accepted } = await h2cServer();
    const connected = track(net.connect({ port, host: '127.0.0.1' }));
    await once(connected, 'connect');
    await expect(dial('http://anything', { createConnection: () => connected })).resolves.toBe(connected);
    await accepted;
  });

  it('rejects a socket from createConnection that is already gone: with its error if it failed, else ERR_SOCKET_CLOSED', async () => {
    const { port, accepted } = await h2cServer();
    const ended = track(net.connect({ port, host: '127.0.0.1' }));
    await once(ended, 'connect');
    ended.end();
    await expect(dial('http://anything', { createConnection: () => ended })).rejects.toMatchObject({ code: 'ERR_SOCKET_CLOSED', message: 'Socket is closed' });
    expect(ended.destroyed).toBe(true);
    const failed = new PassThrough();
    const failure = new Error('boom');
    failed.on('error', () => {});
    failed.destroy(failure);
    await expect(dial('http://anything', { createConnection: () => failed })).rejects.toBe(failure);
    const gone = track(net.connect({ port, host: '127.0.0.1' }));
    gone.destroy();
    await expect(dial('http://anything', { createConnection: () => gone })).rejects.toMatchObject({ code: 'ERR_SOCKET_CLOSED' });
    await accepted;
  });

  const certificate = makeCertificate();
  const describeTls = certificate === undefined ? describe.skip : describe;

  describeTls('https', () => {
    const { key, cert } = certificate ?? { key: Buffer.alloc(0), cert: Buffer.alloc(0) };
    /** Resolves every name to 127.0.0.1, so `localhost` stays on IPv4. */
    const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as unknown as net.LookupFunction;

    async function tlsServer(options: tls.TlsOptions = {}) {
      const server = await listenTls({ key, cert, host: '127.0.0.1', ...options }, (socket) => track(socket), (socket) => track(socket));
      servers.push(server);
      const connection = once(server, 'secureConnection') as Promise<[tls.TLSSocket]>;
      return { port: (server.address() as net.AddressInfo).port, accepted: connection.then(([s]) => s) };
    }

    it('connects with ALPN h2, trusting the given ca; no SNI for an IP literal', async () => {
      const { port, accepted } = await tlsServer();
      const socket = track(await dial(`https://127.0.0.1:${port}`, { ca: cert })) as tls.TLSSocket;
      expect(socket).toBeInstanceOf(tls.TLSSocket);
      expect(socket.alpnProtocol).toBe('h2');
      expect(socket.authorized).toBe(true);
      expect(socket.allowHalfOpen).toBe(true);
      expect((await accepted).servername).toBe(false);
    });

    it('sends the host name as SNI servername', async () => {
      const { port, accepted } = await tlsServer();
      const socket = track(await dial(`https://localhost:${port}`, { ca: cert, lookup })) as tls.TLSSocket;
      expect(socket.alpnProtocol).toBe('h2');
      expect((await accepted).servername).toBe('localhost');
    });

    it('an explicit servername wins', async () => {
      const { port, accepted } = await tlsServer();
      track(await dial(`https://127.0.0.1:${port}`, { ca: cert, servername: 'localhost' }));
      expect((await accepted).servername).toBe('localhost');
    });

    it('rejects an untrusted certificate, unless rejectUnauthorized is false', async () => {
      const { port, accepted } = await tlsServer();
      await expect(dial(`https://127.0.0.1:${port}`)).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED/) });
      const socket = track(await dial(`https://127.0.0.1:${port}`, { rejectUnauthorized: false })) as tls.TLSSocket;
      expect(socket.authorized).toBe(false);
      expect(socket.alpnProtocol).toBe('h2');
      await accepted;
    });

    it('honours checkServerIdentity', async () => {
      const { port } = await tlsServer();
      const refusal = new Error('not you');
      const checkServerIdentity = jest.fn(() => refusal);
      await expect(dial(`https://localhost:${port}`, { ca: cert, lookup, checkServerIdentity })).rejects.toBe(refusal);
      expect(checkServerIdentity).toHaveBeenCalledWith('localhost', expect.objectContaining({ subject: expect.objectContaining({ CN: 'localhost' }) }));
    });

    it('passes client certificates (cert, key) on', async () => {
      const { port, accepted } = await tlsServer({ requestCert: true, rejectUnauthorized: true, ca: cert });
      track(await dial(`https://127.0.0.1:${port}`, { ca: cert, cert, key }));
      const serverSide = await accepted;
      expect(serverSide.authorized).toBe(true);
      expect(serverSide.getPeerCertificate().subject.CN).toBe('localhost');
    });

    it('fails clearly, destroying the socket, when the server does not select h2', async () => {
      // A TLS server without ALPN: it selects nothing.
      const server = tls.createServer({ key, cert });
      servers.push(server);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      // With TLS 1.3 the client may finish (and give up) before the server
      // has the client's Finished: then the server reports the close as a
      // failed handshake instead.
      const serverSideClosed = new Promise<void>((resolve) => {
        server.once('secureConnection', (socket: tls.TLSSocket) => {
          track(socket);
          socket.once('close', () => resolve());
        });
        server.once('tlsClientError', () => resolve());
      });
      const { port } = server.address() as net.AddressInfo;
      await expect(dial(`https://127.0.0.1:${port}`, { ca: cert })).rejects.toMatchObject({
        code: TransportErrorCode.ALPN_NOT_H2,
        message: "The server did not select 'h2' by ALPN (it selected no protocol)",
      });
      // Our side was destroyed: the server sees the connection close.
      await serverSideClosed;
    });
  });
});
