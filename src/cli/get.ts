/**
 * `rx-http2 get`: fetch one URL over HTTP/2 and show what came back.
 * @packageDocumentation
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom, timeout as rxTimeout, catchError, of } from 'rxjs';
import { CONNECTION_SPECIFIC } from '../protocol/semantics/header-list';
import { connect } from '../rx/connect';
import type { RxSession } from '../rx/rx-session';
import type { StreamedResponse } from '../rx/rx-stream';
import type { Body } from '../rx/send-body';
import { flag, listOption, parseArgs, stringOption, UsageError, type OptionSpec } from './args';
import { ExitCode, finished, type CliIO, type CliRun } from './io';
import { Progress } from './progress';

/** The options of `rx-http2 get`. */
export const GET_OPTIONS: readonly OptionSpec[] = [
  { name: 'output', short: 'o', value: true },
  { name: 'header', short: 'H', value: true, repeat: true },
  { name: 'data', short: 'd', value: true },
  { name: 'request', short: 'X', value: true },
  { name: 'insecure', short: 'k' },
  { name: 'ca', value: true },
  { name: 'fail', short: 'f' },
  { name: 'silent', short: 's' },
  { name: 'help', short: 'h' },
];

export const GET_USAGE = `Usage: rx-http2 get <url> [options]

Fetches <url> over HTTP/2: http:// is h2c with prior knowledge, https:// is
TLS with ALPN h2. The body goes to stdout (or -o), the status, headers and
timing (connect, time to first byte, total) to stderr.

Options:
  -o, --output <file>      write the body to <file> instead of stdout
  -H, --header 'name: value'
                           add a request header (repeatable; 'host' sets :authority)
  -d, --data <text>|@file  send a request body (@- reads stdin); implies POST
  -X, --request <method>   the request method (default GET, or POST with --data)
  -k, --insecure           accept any server certificate
      --ca <file>          trust the CA certificate(s) in <file> (PEM)
  -f, --fail               exit 22, writing no body, when the status is 400 or more
  -s, --silent             print nothing on stderr but errors
  -h, --help               show this help

Exit codes: 0 done (any status without --fail), 1 connection or protocol
failure, 2 bad arguments, 22 status >= 400 with --fail, 23 write error,
130 interrupted.
`;

/** A parsed `get` command line. */
export interface GetRequest {
  readonly url: URL;
  readonly method: string;
  /** Request header fields, pseudo-headers first. */
  readonly fields: Array<[string, string]>;
  /** `--data`: text, or a file (`-` for stdin). */
  readonly data: { text: string } | { file: string } | undefined;
  readonly output: string | undefined;
  readonly insecure: boolean;
  readonly ca: string | undefined;
  readonly fail: boolean;
  readonly silent: boolean;
}

/**
 * Splits `name: value` (a pseudo-header's leading `:` is part of its name).
 * @throws UsageError without a colon or a name.
 */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':', text.startsWith(':') ? 1 : 0);
  const name = colon === -1 ? '' : text.slice(0, colon).trim().toLowerCase();
  if (colon === -1 || name === '' || name === ':') throw new UsageError(`bad header '${text}' (expected 'name: value')`, 'get');
  return [name, text.slice(colon + 1).trim()];
}

/**
 * Reads the arguments of `get` (after the command name).
 * @throws UsageError
 */
export function parseGetArgs(argv: readonly string[]): GetRequest | 'help' {
  const args = parseArgs(argv, GET_OPTIONS, 'get');
  if (flag(args, 'help')) return 'help';
  if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'get: missing <url>' : `get: one URL only (got ${args.positionals.length})`, 'get');
  let url: URL;
  try {
    url = new URL(args.positionals[0]);
  } catch {
    throw new UsageError(`get: invalid URL '${args.positionals[0]}'`, 'get');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`get: the URL must be http:// or https:// (got '${url.protocol}')`, 'get');
  const rawData = stringOption(args, 'data');
  const data = rawData === undefined ? undefined : rawData.startsWith('@') ? { file: rawData.slice(1) } : { text: rawData };
  if (data !== undefined && 'file' in data && data.file === '') throw new UsageError("get: --data @ needs a file name (@- reads stdin)", 'get');
  const method = (stringOption(args, 'request') ?? (data === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Z]+$/.test(method)) throw new UsageError(`get: invalid method '${method}'`, 'get');
  const pseudo = new Map<string, string>([
    [':method', method],
    [':scheme', url.protocol.slice(0, -1)],
    [':authority', url.host],
    [':path', `${url.pathname}${url.search}`],
  ]);
  const regular: Array<[string, string]> = [];
  for (const text of listOption(args, 'header')) {
    const [name, value] = parseHeader(text);
    // A peer would reset such a request as malformed (PROTOCOL_ERROR): refused up front, with a clear message.
    if (CONNECTION_SPECIFIC.has(name)) throw new UsageError(`get: -H '${name}': a connection-specific header field, not allowed in HTTP/2 (RFC 9113 §8.2.2)`, 'get');
    if (name === 'te' && value.toLowerCase() !== 'trailers') throw new UsageError(`get: -H 'te: ${value}': in HTTP/2, te may only be 'trailers' (RFC 9113 §8.2.2)`, 'get');
    if (name === 'host') pseudo.set(':authority', value);
    else if (name.startsWith(':')) pseudo.set(name, value);
    else regular.push([name, value]);
  }
  if (!regular.some(([n]) => n === 'user-agent')) regular.push(['user-agent', 'rx-http2']);
  if (!regular.some(([n]) => n === 'accept')) regular.push(['accept', '*/*']);
  return {
    url,
    method,
    fields: [...pseudo, ...regular],
    data,
    output: stringOption(args, 'output'),
    insecure: flag(args, 'insecure'),
    ca: stringOption(args, 'ca'),
    fail: flag(args, 'fail'),
    silent: flag(args, 'silent'),
  };
}

const ms = (t: number): string => `${t.toFixed(1)} ms`;

/** Runs `get`: resolves with the exit code once done; `close()` is SIGINT (cancel, 130). */
export function runGet(request: GetRequest, io: CliIO): CliRun {
  const badData = checkDataFile(request, io);
  if (badData !== undefined) {
    io.stderr.write(`rx-http2: get: ${badData}\n`);
    return finished(ExitCode.USAGE);
  }
  const abort = new AbortController();
  const exit = fetchOnce(request, io, abort.signal).then(
    (code) => (abort.signal.aborted ? ExitCode.INTERRUPTED : code),
    (error: unknown) => {
      if (abort.signal.aborted) return ExitCode.INTERRUPTED;
      io.stderr.write(`rx-http2: get: ${describe(error)}\n`);
      return ExitCode.FAILURE;
    },
  );
  return {
    exit,
    close: () => {
      abort.abort(new Error('interrupted'));
      return exit;
    },
  };
}

async function fetchOnce(request: GetRequest, io: CliIO, signal: AbortSignal): Promise<number> {
  const info = (line: string): void => {
    if (!request.silent) io.stderr.write(`${line}\n`);
  };
  const start = performance.now();
  const tls = request.url.protocol === 'https:';
  const ca = request.ca === undefined ? undefined : fs.readFileSync(path.resolve(io.cwd, request.ca));
  const body = requestBody(request, io);
  const fields = [...request.fields];
  if (body?.length !== undefined && !fields.some(([n]) => n === 'content-length')) fields.push(['content-length', String(body.length)]);
  const connecting = connect(request.url.origin, { rejectUnauthorized: !request.insecure, ...(ca === undefined ? {} : { ca }) });
  const session = await untilAborted(connecting, signal, (s) => void s.close());
  try {
    const connected = performance.now();
    info(`* connected to ${request.url.host} (${tls ? 'TLS, ALPN h2' : 'h2c, prior knowledge'}) in ${ms(connected - start)}`);
    info(`> ${request.method} ${fields.find(([n]) => n === ':path')![1]}`);
    const response = await session.requestStream(fields, body?.body, { signal });
    const firstByte = performance.now();
    for (const [name, value] of response.fields) info(`< ${name}: ${value}`);
    if (request.fail && response.status >= 400) {
      await response.body[Symbol.asyncIterator]().return?.();
      io.stderr.write(`rx-http2: get: the server answered ${response.status}\n`);
      return ExitCode.HTTP_ERROR;
    }
    const received = await writeBody(response, request, io, signal);
    if (typeof received !== 'number') return received.code;
    const trailers = await response.trailers;
    if (trailers !== undefined) for (const [name, value] of Object.entries(trailers)) info(`< ${name}: ${String(value)}`);
    const end = performance.now();
    info(`* ${received} bytes; connect ${ms(connected - start)}, ttfb ${ms(firstByte - start)}, total ${ms(end - start)}`);
    return ExitCode.OK;
  } finally {
    await closeSession(session);
  }
}

/**
 * Why `--data @name` cannot be sent, or `undefined` when it can: the file must
 * be a regular one. A directory cannot be read (EISDIR once the request is
 * under way), and a pipe or device has no size to announce in
 * content-length (stat says 0); `@-` reads those from stdin.
 */
function checkDataFile(request: GetRequest, io: CliIO): string | undefined {
  const data = request.data;
  if (data === undefined || !('file' in data) || data.file === '-') return undefined;
  const stat = fs.statSync(path.resolve(io.cwd, data.file), { throwIfNoEntry: false });
  if (stat === undefined) return `--data @${data.file}: no such file`;
  if (!stat.isFile()) return `--data @${data.file}: not a regular file${stat.isDirectory() ? ' (a directory)' : '; use @- to read a pipe or device from stdin'}`;
  return undefined;
}

/** The request body for `--data`, and its length when known (text, file). */
function requestBody(request: GetRequest, io: CliIO): { body: Body; length?: number } | undefined {
  const data = request.data;
  if (data === undefined) return undefined;
  if ('text' in data) return { body: data.text, length: Buffer.byteLength(data.text) };
  if (data.file === '-') return { body: io.stdin as AsyncIterable<Uint8Array> };
  const file = path.resolve(io.cwd, data.file);
  const size = fs.statSync(file).size; // a regular file: see checkDataFile
  // Opened when first pulled, i.e. once the request is under way.
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield* fs.createReadStream(file);
  }
  return { body: chunks(), length: size };
}

const NO_PROGRESS = { write: () => undefined, isTTY: false };

/** Streams the body to `-o` or stdout, at the pace the output takes it. Returns the octets written, or an exit code. */
async function writeBody(response: StreamedResponse, request: GetRequest, io: CliIO, signal: AbortSignal): Promise<number | { code: number }> {
  const file = request.output === undefined ? undefined : fs.createWriteStream(path.resolve(io.cwd, request.output));
  const out: NodeJS.WritableStream = file ?? io.stdout;
  let writeError: Error | undefined;
  const onError = (e: Error): void => {
    writeError ??= e;
  };
  out.on('error', onError);
  const length = Number(response.headers['content-length']);
  // A progress line only when the body does not go to the terminal itself.
  const toTerminal = file === undefined && io.stdout.isTTY === true;
  const progress = new Progress(request.silent || toTerminal ? NO_PROGRESS : io.stderr, Number.isFinite(length) ? length : undefined);
  const iterator = response.body[Symbol.asyncIterator](signal);
  let received = 0;
  try {
    for (;;) {
      if (writeError !== undefined) break;
      const { done, value } = await iterator.next();
      if (done === true) break;
      received += value.length;
      progress.add(value.length);
      const dead = (): boolean => writeError !== undefined || (out as Partial<import('node:stream').Writable>).destroyed === true;
      if (!out.write(value) && !dead()) await untilAborted(drained(out), signal);
    }
    if (file !== undefined && writeError === undefined) {
      file.end();
      await once(file, 'close').catch(() => undefined);
    }
  } finally {
    progress.done();
    // A file stream destroyed with writes still buffered reports each as an
    // 'error' (ERR_STREAM_DESTROYED) afterwards: its listener stays.
    if (file !== undefined && !file.closed) file.destroy();
    if (file === undefined) out.off('error', onError);
  }
  if (writeError !== undefined) {
    await iterator.return?.();
    io.stderr.write(`rx-http2: get: cannot write the body${request.output === undefined ? '' : ` to ${request.output}`}: ${(writeError as Error).message}\n`);
    return { code: ExitCode.WRITE_ERROR };
  }
  return received;
}

/** Resolves at the output's next 'drain' — or 'error', which the writer has recorded. */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
  });
}

/** Resolves as `promise` does, or rejects when `signal` aborts first (then `dispose` gets the late value). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, dispose?: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then((v) => dispose?.(v), () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.then((v) => dispose?.(v), () => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** GOAWAY, then wait (a little) for the connection to close, so that the process can exit. */
async function closeSession(session: RxSession): Promise<void> {
  session.close();
  await firstValueFrom(
    session.state$.pipe(
      filter((s) => s === 'closed'),
      rxTimeout(2000),
      catchError(() => of('closed' as const)),
    ),
    { defaultValue: 'closed' as const },
  );
}

/** An error as one line, with a hint for certificate failures. */
export function describe(error: unknown): string {
  // Duck-typed: errors may come from another realm (vm contexts, test runners).
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const certificate = typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code);
  return `${(error as Error).message}${certificate ? ' (use --insecure, or --ca <file> to trust the certificate)' : ''}`;
}
