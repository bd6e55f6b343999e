import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { CLIENT_PREFACE, encodeFrame, FrameDecoder, FrameType } from '../../src/protocol/frames';

/** A stdout/stderr stand-in that keeps what was written. */
export interface Capture extends PassThrough {
  isTTY?: boolean;
  columns?: number;
  text(): string;
}

export function capture(isTTY = false): Capture {
  const stream = new PassThrough() as Capture;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  if (isTTY) {
    stream.isTTY = true;
    stream.columns = 80;
  }
  return stream;
}

export interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** One request with Node's own client (a second opinion on our server). */
export function h2request(
  origin: string,
  headers: http2.OutgoingHttpHeaders,
  options: { body?: string | Buffer; connect?: http2.SecureClientSessionOptions } = {},
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(origin, options.connect ?? {});
    client.on('error', reject);
    const req = client.request(headers, { endStream: options.body === undefined });
    const chunks: Buffer[] = [];
    let responseHeaders: http2.IncomingHttpHeaders = {};
    req.on('response', (h) => (responseHeaders = h));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      client.close();
      resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, body: Buffer.concat(chunks) });
    });
    req.on('error', (e) => {
      client.close();
      reject(e);
    });
    if (options.body !== undefined) req.end(options.body);
  });
}

/** A directory to serve, with a sibling outside it. */
export interface Fixture {
  /** The directory served. */
  root: string;
  /** Outside the root. */
  outside: string;
  big: Buffer;
  remove(): void;
}

export function makeFixture(): Fixture {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-http2-cli-'));
  const root = path.join(base, 'site');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(root, 'sub dir'), { recursive: true });
  fs.mkdirSync(path.join(root, 'empty'));
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'hello.txt'), 'hello world\n');
  // A modification time well in the past: the validator tests compare Last-Modified (min(mtime, now),
  // RFC 9110 §8.8.2.1) with mtime to the second, which a file timestamp a hair ahead of Date.now()
  // across a second boundary (the file system's clock is not the process's) would make differ.
  const past = new Date('2020-02-02T02:02:02Z');
  fs.utimesSync(path.join(root, 'hello.txt'), past, past);
  fs.writeFileSync(path.join(root, 'data.json'), '{"a":1}\n');
  fs.writeFileSync(path.join(root, 'zero.txt'), '');
  fs.writeFileSync(path.join(root, '<weird>&.txt'), 'weird');
  fs.writeFileSync(path.join(root, 'sub dir', 'index.html'), '<h1>sub</h1>\n');
  const big = Buffer.alloc(3 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
  fs.writeFileSync(path.join(root, 'big.bin'), big);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(outside, path.join(root, 'escape-dir'));
  fs.symlinkSync('hello.txt', path.join(root, 'inside-link.txt'));
  return { root, outside, big, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `predicate` until it holds (or throws after `timeoutMs`): for effects that land a moment after the client sees its response. */
export async function until(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/**
 * Sends one GET whose `:path` is sent as is (latin1 octets), bypassing the
 * validation of node's client, which refuses control characters; resolves
 * once the response ends or the connection closes. The header block is
 * written by hand — HPACK literals without indexing and without Huffman
 * coding (RFC 7541 §6.2.2) — so that every octet reaches the server as given;
 * the frames are the project's own (`encodeFrame`, `FrameDecoder`).
 */
export function rawGet(origin: string, rawPath: string): Promise<void> {
  const u = new URL(origin);
  const int7 = (n: number): number[] => {
    if (n < 127) return [n];
    const out = [127];
    for (n -= 127; n >= 128; n >>= 7) out.push((n & 0x7f) | 0x80);
    return [...out, n];
  };
  const literal = (name: string, value: string): Buffer =>
    Buffer.concat([Buffer.from([0x00, ...int7(name.length)]), Buffer.from(name, 'latin1'), Buffer.from(int7(value.length)), Buffer.from(value, 'latin1')]);
  const headerBlock = Buffer.concat([literal(':method', 'GET'), literal(':scheme', 'http'), literal(':authority', u.host), literal(':path', rawPath)]);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => {
      socket.write(
        Buffer.concat([
          CLIENT_PREFACE,
          encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [] }),
          encodeFrame({ type: FrameType.HEADERS, streamId: 1, headerBlock, endStream: true, endHeaders: true }),
        ]),
      );
    });
    const decoder = new FrameDecoder({ maxFrameSize: (1 << 24) - 1 });
    socket.on('data', (data: Buffer) =>
      decoder.write(data, {
        frame: (f) => {
          if (f.unknown === true) return;
          if (f.type === FrameType.SETTINGS && !f.ack) socket.write(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }));
          const ended = (f.type === FrameType.HEADERS || f.type === FrameType.DATA) && f.endStream;
          if (f.streamId === 1 && (ended || f.type === FrameType.RST_STREAM)) socket.end();
        },
        error: () => socket.end(),
      }),
    );
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}
