/**
 * Shared plumbing of the interop suite: finding peers (a missing one makes
 * its tests skip, loudly), certificates written to a temp dir, child
 * processes that are always reaped and bounded in time, readiness by polling
 * (never a fixed sleep), and large deterministic payloads that are streamed
 * and checksummed rather than held in memory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingHeaders, OutgoingHeaders } from '../../src/rx/headers';
import type { RxSession } from '../../src/rx/rx-session';
import type { Body } from '../../src/rx/send-body';
import { makeCertificate } from '../transport/helpers';

/** Debian's Python, which sees python3-h2 (the `python3` first on PATH does not). */
export const PYTHON = '/usr/bin/python3';

/** 64 MiB: the large transfer each direction gets with a real peer. */
export const MIB64 = 64 * 1024 * 1024;

/** Whether `command` is on PATH. */
export function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * Checks a peer once per file. When it is missing, prints why to stderr (so
 * a skipped interop suite is visible in CI output) and returns false.
 */
export function peer(name: string, available: () => boolean, hint: string): boolean {
  let ok = false;
  try {
    ok = available();
  } catch {
    ok = false;
  }
  // Straight to stderr: jest drops the console output of a file whose tests were all skipped.
  if (!ok) process.stderr.write(`[interop] ${name} not found: its tests are SKIPPED (install ${hint})\n`);
  return ok;
}

/** `describe` when the peer is there, `describe.skip` otherwise. */
export function describeIf(ok: boolean): jest.Describe {
  return ok ? describe : describe.skip;
}

/**
 * `it` when openssl is there to make the test certificate, else `it.skip`
 * (with a visible message): the TLS tests of a file. Call once per file.
 */
export function itWithTls(file: string): jest.It {
  return peer(`openssl (for the ${file} TLS tests)`, () => which('openssl'), 'Debian package openssl; .ci/run does not list it') ? it : it.skip;
}

/** A temp dir removed by {@link TempDir.remove}. */
export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `rx-http2-${prefix}-`));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The test certificate (see test/transport/helpers.ts), also as PEM files for the CLI peers. */
export interface CertificateFiles {
  key: Buffer;
  cert: Buffer;
  keyPath: string;
  certPath: string;
}

/** Makes the self-signed localhost/127.0.0.1 certificate and writes it into `dir`; undefined without openssl. */
export function certificateFiles(dir: TempDir): CertificateFiles | undefined {
  const made = makeCertificate();
  if (made === undefined) return undefined;
  const keyPath = dir.file('key.pem');
  const certPath = dir.file('cert.pem');
  writeFileSync(keyPath, made.key);
  writeFileSync(certPath, made.cert);
  return { ...made, keyPath, certPath };
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until something accepts on 127.0.0.1:`port` (rejects if `child` exits first, or after `timeoutMs`). */
export async function waitForPort(port: number, child: Child | undefined, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child !== undefined && child.exited) throw new Error(`${child.name} exited before listening: ${child.stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A long-running child (a peer server): output kept, killed and reaped by {@link Child.stop}. */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: boolean;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `re` (rejects if the child exits or after `timeoutMs`). */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Kills (SIGTERM, then SIGKILL after 2 s) and waits for the exit. */
  stop(): Promise<void>;
}

const children = new Set<Child>();

/** Starts a peer server process. Every child is stopped by {@link stopAll} (call it in afterAll). */
export function startChild(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  const proc = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  proc.once('exit', () => (exited = true));
  proc.once('error', (e) => {
    exited = true;
    err += String(e);
  });
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  // Keep a bounded tail only: nghttpd -v and friends can be chatty.
  proc.stdout!.on('data', (c: string) => (out = (out + c).slice(-1_000_000)));
  proc.stderr!.on('data', (c: string) => (err = (err + c).slice(-100_000)));
  const child: Child = {
    name: command,
    process: proc,
    get exited() {
      return exited;
    },
    stdout: () => out,
    stderr: () => err,
    line(re, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          for (const l of out.split('\n')) {
            const m = l.match(re);
            if (m !== null) {
              done();
              resolve(m);
              return true;
            }
          }
          return false;
        };
        const onExit = (): void => {
          if (check()) return;
          done();
          reject(new Error(`${command} exited (${proc.exitCode}) before printing ${re}: ${err}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${command} did not print ${re} within ${timeoutMs} ms: ${out} ${err}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          proc.stdout!.off('data', check);
          proc.off('close', onExit);
        };
        if (check()) return;
        proc.stdout!.on('data', check);
        proc.once('close', onExit);
      });
    },
    async stop() {
      children.delete(child);
      if (!exited && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const hard = setTimeout(() => proc.kill('SIGKILL'), 2000);
        await exit;
        clearTimeout(hard);
      } else {
        await exit;
      }
    },
  };
  children.add(child);
  return child;
}

/** Stops every child still running (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
}

/** What a finished command did. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout, unless `hashStdout` was set (then empty). */
  stdout: Buffer;
  stderr: string;
  /** With `hashStdout`: sha256 (hex) and length of stdout, which was not kept. */
  stdoutSha256?: string;
  stdoutBytes?: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Fed to stdin (streamed with backpressure), then stdin is closed. */
  input?: Buffer | string | AsyncIterable<Uint8Array>;
  /** Killed (SIGKILL) after this long; the result then has `signal`. Default 20 s. */
  timeoutMs?: number;
  /** Hash stdout instead of keeping it (large downloads). */
  hashStdout?: boolean;
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** Runs a command to completion, bounded in time. Never rejects for a non-zero exit: check `code`. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = options.env === undefined ? undefined : { ...process.env, ...options.env };
    const proc = spawn(command, args, { cwd: options.cwd, env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let hash: Hash | undefined;
    let bytes = 0;
    if (options.hashStdout === true) hash = createHash('sha256');
    proc.stdout!.on('data', (c: Buffer) => {
      if (hash !== undefined) {
        hash.update(c);
        bytes += c.length;
      } else out.push(c);
    });
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (c: string) => (err = (err + c).slice(-200_000)));
    const timer = setTimeout(() => {
      err += `\n[interop] ${command} killed after ${options.timeoutMs ?? 20_000} ms`;
      proc.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (options.input !== undefined) {
      const input = options.input;
      const source = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([Buffer.from(input)]) : Readable.from(input);
      // EPIPE when the child exits early is reported through its exit code, not here.
      pipeline(source, proc.stdin!).catch(() => undefined);
    }
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: err,
        ...(hash !== undefined ? { stdoutSha256: hash.digest('hex'), stdoutBytes: bytes } : {}),
      });
    });
  });
}

/**
 * A deterministic-enough large body, streamed: each 64 KiB chunk is a slice
 * of a random 1 MiB block at a chunk-dependent offset, stamped with its
 * index, so loss, duplication and reordering all change the checksum; all
 * payloads of one size are the same bytes within a process (the block is
 * made once), so a checksum can be known before sending. Each
 * chunk is a fresh buffer (a sender may keep a reference until written). The
 * sha256 is computed as the body is produced: read {@link Payload.sha256}
 * after it was fully consumed (or call {@link Payload.digest}).
 */
export class Payload {
  static readonly CHUNK = 64 * 1024;
  private static block: Buffer | undefined;
  private hash = createHash('sha256');
  private produced = 0;
  private digestHex: string | undefined;

  constructor(readonly size: number) {}

  /** The sha256 (hex) of the whole body; throws if it was not fully produced yet. */
  get sha256(): string {
    if (this.digestHex === undefined) throw new Error(`payload produced ${this.produced} of ${this.size} octets`);
    return this.digestHex;
  }

  /** The body as an async iterable of chunks (single use). */
  async *chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; this.produced < this.size; i++) yield this.next(i);
    this.finish();
  }

  /** The same chunks, synchronously (for Node streams and file writes). */
  *syncChunks(): Generator<Buffer> {
    for (let i = 0; this.produced < this.size; i++) yield this.next(i);
    this.finish();
  }

  private static digests = new Map<number, string>();

  /** The sha256 of every payload of `size` octets (they are all the same bytes in one process), memoized. */
  static digestOf(size: number): string {
    let d = Payload.digests.get(size);
    if (d === undefined) {
      d = new Payload(size).digest();
      Payload.digests.set(size, d);
    }
    return d;
  }

  /** Produces the whole body without sending it, for its checksum. */
  digest(): string {
    for (const _ of this.syncChunks()) void _;
    return this.sha256;
  }

  /** Writes the body to `path` (streamed), returning its sha256. */
  async writeTo(path: string): Promise<string> {
    await pipeline(Readable.from(this.syncChunks()), createWriteStream(path));
    return this.sha256;
  }

  private next(i: number): Buffer {
    const block = (Payload.block ??= randomBytes(1024 * 1024));
    const n = Math.min(Payload.CHUNK, this.size - this.produced);
    const offset = (i * 7919) % (block.length - Payload.CHUNK);
    const chunk = Buffer.from(block.subarray(offset, offset + n));
    if (n >= 4) chunk.writeUInt32BE(i >>> 0, 0);
    this.hash.update(chunk);
    this.produced += n;
    return chunk;
  }

  private finish(): void {
    if (this.digestHex === undefined) {
      this.digestHex = this.hash.digest('hex');
      Payload.digests.set(this.size, this.digestHex);
    }
  }
}

/** sha256 (hex) of bytes. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads an async iterable of chunks, returning its sha256 and length (nothing kept). */
export async function hashBody(body: AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Reads an async iterable of chunks into one Buffer (small bodies only). */
export async function readBody(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

/** What {@link collect} saw of one response. */
export interface Collected {
  status: number;
  headers: IncomingHeaders;
  informational: Array<{ status: number; headers: IncomingHeaders }>;
  trailers: IncomingHeaders | undefined;
  bytes: number;
  sha256: string;
  /** The body, when it was kept (`keep`, the default for small bodies). */
  body: Buffer;
}

/**
 * Makes a request with our client and gathers the response: the body is
 * hashed as it arrives and kept only if `keep` (then returned as `body`).
 */
export function collect(session: RxSession, headers: OutgoingHeaders, body?: Body, options: { trailers?: OutgoingHeaders; keep?: boolean } = {}): Promise<Collected> {
  const keep = options.keep ?? true;
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const parts: Uint8Array[] = [];
    const out: Omit<Collected, 'sha256' | 'body'> = { status: 0, headers: {}, informational: [], trailers: undefined, bytes: 0 };
    session.request(headers, body, options.trailers === undefined ? undefined : { trailers: options.trailers }).subscribe({
      next: (e) => {
        if (e.type === 'informational') out.informational.push({ status: e.status, headers: e.headers });
        else if (e.type === 'response') {
          out.status = e.status;
          out.headers = e.headers;
        } else if (e.type === 'data') {
          hash.update(e.chunk);
          out.bytes += e.chunk.length;
          if (keep) parts.push(e.chunk);
        } else out.trailers = e.headers;
      },
      error: reject,
      complete: () => resolve({ ...out, sha256: hash.digest('hex'), body: Buffer.concat(parts) }),
    });
  });
}
