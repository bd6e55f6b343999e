import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

/** Two ends of one TCP connection on 127.0.0.1, both half-open capable. */
export interface SocketPair {
  /** The accepted end: the one tests bind. */
  local: net.Socket;
  /** The connecting end: plays the peer. */
  remote: net.Socket;
  /** Destroys both ends and closes the listener. */
  close(): Promise<void>;
}

/** Opens a {@link SocketPair} through a listener on an OS-chosen port. */
export async function socketPair(): Promise<SocketPair> {
  const server = net.createServer({ allowHalfOpen: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const remote = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const [[local]] = await Promise.all([accepted, once(remote, 'connect')]);
  return {
    local,
    remote,
    async close() {
      await Promise.all([destroyed(local), destroyed(remote)]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Destroys a socket and waits for its 'close'. */
export async function destroyed(socket: Duplex): Promise<void> {
  if (socket.closed) return;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.destroy();
  await closed;
}

/**
 * Resolves on the socket's next 'close' event; unlike `once`, an 'error' does
 * not reject. Call it before what closes the socket: `socket.closed` turns
 * true before a net socket emits 'close'.
 */
export function closed(socket: Duplex): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Every byte a socket receives until its 'end', concatenated. */
export function readAll(socket: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

/** `n` random bytes: any loss, duplication or misordering shows in a comparison. */
export function pattern(n: number): Buffer {
  return randomBytes(n);
}

/** A self-signed certificate for `localhost` and 127.0.0.1 (EC P-256, 1 day). */
export interface TestCertificate {
  key: Buffer;
  cert: Buffer;
}

/**
 * Makes a self-signed certificate with the `openssl` CLI (Node 20 has no
 * certificate builder). Undefined when openssl is missing: TLS suites skip.
 */
export function makeCertificate(): TestCertificate | undefined {
  if (spawnSync('openssl', ['version']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rx-http2-cert-'));
  try {
    const result = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr.toString()}`);
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Closes a server (its sockets must be closed already, or be closing). */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
