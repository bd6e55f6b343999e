/**
 * `rx-http2 serve`: serve a directory over HTTP/2.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCodeName } from '../protocol/error-code';
import { SettingId } from '../protocol/settings';
import { serve, type RxServer } from '../rx/serve';
import { flag, parseArgs, parsePort, stringOption, UsageError, type OptionSpec } from './args';
import { formatBytes } from './dir-index';
import { escapeControls } from './escape-controls';
import { ExitCode, type CliIO, type CliRun } from './io';
import { selfSignedCertificate } from './self-signed';
import { DirectoryHandler, type RequestLogEntry } from './serve-dir';

/**
 * SETTINGS_MAX_CONCURRENT_STREAMS the command's server announces: RFC 9113
 * §5.1.2 recommends no less than 100, and a finite limit tells clients to
 * queue rather than open streams we would refuse; it also bounds how many
 * files one connection has open at a time.
 */
export const MAX_CONCURRENT_STREAMS = 100;

/** Default port: 8080, the usual unprivileged HTTP port (`--port 0` lets the OS choose). */
export const DEFAULT_PORT = 8080;

/** Default address: loopback only — a directory is shared with other machines only when asked (`--host 0.0.0.0`). */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * Default `--idle-timeout`: 120 s without a byte in or out while no request
 * is open closes a connection (GOAWAY NO_ERROR), so that idle clients do not
 * hold sockets forever (nginx closes idle HTTP/2 connections after 75 s to
 * 3 min, depending on the version).
 */
export const DEFAULT_IDLE_TIMEOUT_S = 120;

/** How long a graceful shutdown waits for requests in flight before resetting them (ms). */
export const SHUTDOWN_GRACE_MS = 3000;

export const SERVE_OPTIONS: readonly OptionSpec[] = [
  { name: 'port', short: 'p', value: true },
  { name: 'host', value: true },
  { name: 'tls' },
  { name: 'cert', value: true },
  { name: 'key', value: true },
  { name: 'idle-timeout', value: true },
  { name: 'quiet', short: 'q' },
  { name: 'help', short: 'h' },
];

export const SERVE_USAGE = `Usage: rx-http2 serve [dir] [options]

Serves the files under [dir] (default: the current directory) over HTTP/2:
h2c (cleartext, prior knowledge) by default, TLS with --tls. GET and HEAD,
byte ranges, ETag/Last-Modified revalidation and preconditions (304, 412),
directory listings. Prints the
URL on stdout, one line per request on stderr; Ctrl-C closes gracefully.

Options:
  -p, --port <n>     port to listen on (default ${DEFAULT_PORT}; 0: any free port)
      --host <addr>  address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 or :: for all)
      --tls          serve over TLS (ALPN h2) — browsers speak HTTP/2 only over TLS;
                     without --cert/--key, with a self-signed certificate for
                     localhost, 127.0.0.1 and ::1 made at start
      --cert <file>  TLS certificate chain (PEM); implies --tls
      --key <file>   TLS private key (PEM); implies --tls
      --idle-timeout <s>
                     close connections idle that long with no request open
                     (default ${DEFAULT_IDLE_TIMEOUT_S}; 0: never)
  -q, --quiet        no request log
  -h, --help         show this help
`;

/** A parsed `serve` command line. */
export interface ServeRequest {
  readonly dir: string;
  readonly port: number;
  readonly host: string;
  readonly tls: boolean;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly quiet: boolean;
  /** Seconds; 0 never closes idle connections. */
  readonly idleTimeout: number;
}

/**
 * Reads the arguments of `serve` (after the command name).
 * @throws UsageError
 */
export function parseServeArgs(argv: readonly string[]): ServeRequest | 'help' {
  const args = parseArgs(argv, SERVE_OPTIONS, 'serve');
  if (flag(args, 'help')) return 'help';
  if (args.positionals.length > 1) throw new UsageError(`serve: one directory only (got ${args.positionals.length})`, 'serve');
  const port = stringOption(args, 'port');
  const cert = stringOption(args, 'cert');
  const key = stringOption(args, 'key');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('serve: --cert and --key go together', 'serve');
  const idle = stringOption(args, 'idle-timeout');
  if (idle !== undefined && !/^\d+(\.\d+)?$/.test(idle)) throw new UsageError(`serve: invalid --idle-timeout '${idle}' (seconds, 0: never)`, 'serve');
  return {
    dir: args.positionals[0] ?? '.',
    port: port === undefined ? DEFAULT_PORT : parsePort(port, 'serve'),
    host: stringOption(args, 'host') ?? DEFAULT_HOST,
    tls: flag(args, 'tls') || cert !== undefined,
    cert,
    key,
    quiet: flag(args, 'quiet'),
    idleTimeout: idle === undefined ? DEFAULT_IDLE_TIMEOUT_S : Number(idle),
  };
}

/**
 * One request log line: `GET /path 200 1.2 KiB 3 ms`, plus how the stream
 * ended when it was reset. The method and path are the client's: their
 * control characters are written as `\xNN`, format controls as `\u{XXXX}`
 * (see {@link escapeControls}).
 */
export function formatLogLine(e: RequestLogEntry): string {
  const reset = e.close.code !== 0 || e.close.initiator !== 'none' ? ` (reset ${errorCodeName(e.close.code)} by ${e.close.initiator === 'remote' ? 'client' : 'server'})` : '';
  return `${escapeControls(e.method)} ${escapeControls(e.path)} ${e.status || '-'} ${formatBytes(e.bytes)} ${e.ms.toFixed(0)} ms${reset}`;
}

/** Starts `serve`: resolves once listening (the URL printed), or with the exit code of a failure to start. */
export async function runServe(request: ServeRequest, io: CliIO): Promise<CliRun> {
  const fail = (message: string, code: number): CliRun => {
    io.stderr.write(`rx-http2: serve: ${message}\n`);
    return { exit: Promise.resolve(code), close: () => Promise.resolve(code) };
  };
  const root = path.resolve(io.cwd, request.dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) return fail(`not a directory: ${request.dir}`, ExitCode.USAGE);
  let tls: { key: string | Buffer; cert: string | Buffer } | undefined;
  let fingerprint: string | undefined;
  if (request.cert !== undefined && request.key !== undefined) {
    try {
      tls = { cert: fs.readFileSync(path.resolve(io.cwd, request.cert)), key: fs.readFileSync(path.resolve(io.cwd, request.key)) };
    } catch (e) {
      return fail((e as Error).message, ExitCode.USAGE);
    }
  } else if (request.tls) {
    const made = selfSignedCertificate();
    tls = { cert: made.cert, key: made.key };
    fingerprint = made.fingerprint256;
  }
  const log = request.quiet ? undefined : (e: RequestLogEntry): void => void io.stderr.write(`${formatLogLine(e)}\n`);
  const handler = new DirectoryHandler(root, { onLog: log });
  let server: RxServer;
  try {
    server = await serve({
      host: request.host,
      port: request.port,
      tls,
      settings: [[SettingId.MAX_CONCURRENT_STREAMS, MAX_CONCURRENT_STREAMS]],
      idleTimeout: request.idleTimeout * 1000,
    });
  } catch (e) {
    return fail((e as Error).message, ExitCode.FAILURE);
  }
  server.streams$.subscribe((stream) => void handler.handle(stream));
  const url = `${server.url}/`;
  io.stdout.write(`${url}\n`);
  if (fingerprint !== undefined && !request.quiet) {
    io.stderr.write(`rx-http2: serve: self-signed certificate for localhost, 127.0.0.1, ::1 (SHA-256 ${fingerprint}); clients must accept it (get --insecure)\n`);
  }
  let resolveExit!: (code: number) => void;
  const exit = new Promise<number>((r) => (resolveExit = r));
  let closing: Promise<number> | undefined;
  return {
    url,
    exit,
    close: () => {
      closing ??= (async () => {
        // GOAWAY now; requests in flight get a grace period, then are reset.
        const timer = setTimeout(() => handler.resetAll(), SHUTDOWN_GRACE_MS);
        await server.close();
        clearTimeout(timer);
        resolveExit(ExitCode.OK);
        return ExitCode.OK;
      })();
      return closing;
    },
  };
}
