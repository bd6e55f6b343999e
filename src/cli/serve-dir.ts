/**
 * The request handler of `rx-http2 serve`: a static file server over the
 * reactive API's {@link IncomingStream}s.
 * @packageDocumentation
 */
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ErrorCode } from '../protocol/error-code';
import type { OutgoingHeaders } from '../rx/headers';
import type { IncomingStream, StreamClose } from '../rx/rx-stream';
import type { Body } from '../rx/send-body';
import { ifRangeHolds, notModified, preconditionFailed } from './conditional';
import { descriptorPath, openedWithin } from './confine';
import { renderDirectoryIndex, type DirEntry } from './dir-index';
import { mimeType } from './mime';
import { parseRange } from './range';
import { isWithin, resolveRequestPath } from './safe-path';

const INDEX_HTML = Buffer.from('index.html');

/** Size of each file read: four default-size DATA frames (RFC 9113 §4.2's 16 KiB). */
export const FILE_CHUNK_SIZE = 64 * 1024;

/**
 * Request body octets read and thrown away before the stream is reset
 * (CANCEL). A static server needs no request body; draining a small one lets
 * the stream end cleanly, and the cap keeps an uploader from holding it.
 */
export const DISCARD_BODY_LIMIT = 1024 * 1024;

/** One finished request, as `rx-http2 serve` logs it. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  /** The status sent; 0 if none was (the stream was reset first). */
  readonly status: number;
  /** Body octets handed to the stream. */
  readonly bytes: number;
  /** From the request's arrival to the stream's close. */
  readonly ms: number;
  /** How the stream closed (code 0, initiator `none`: cleanly). */
  readonly close: StreamClose;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  416: 'Range Not Satisfiable',
  500: 'Internal Server Error',
};

/** Options of a {@link DirectoryHandler}. */
export interface DirectoryHandlerOptions {
  /** Called once per request, when its stream has closed. */
  readonly onLog?: (entry: RequestLogEntry) => void;
  /**
   * The server's clock, ms since the epoch (default `Date.now`): the `date`
   * of each response, and what `last-modified` is judged against.
   * Injectable so that tests need not race the second boundary.
   */
  readonly now?: () => number;
  /**
   * Opens a file to serve or a directory to list, given its real path
   * (default: `fs.open(path, 'r')`). A seam for tests, which swap a
   * directory for a link between the confinement check and the open (see
   * `openedWithin`), or after the open.
   */
  readonly open?: (path: Buffer) => Promise<FileHandle>;
}

interface Exchange {
  readonly stream: IncomingStream;
  readonly head: boolean;
  status: number;
  bytes: number;
}

/**
 * Serves the files under `root` to {@link handle}d streams:
 * - GET and HEAD; any other method gets 405 with `allow: GET, HEAD`;
 * - a directory: its `index.html`, else an HTML listing; `/dir` is
 *   redirected (301) to `/dir/` so that relative links work;
 * - content types by the extension of the name requested, even when it is a
 *   symbolic link (see `mime.ts`);
 * - single byte ranges (206, `content-range`), 416 when unsatisfiable, the
 *   whole file for multiple ranges (see `range.ts`); `If-Range` with an
 *   entity tag or a date (see `ifRangeHolds`);
 * - a `date` on every response (RFC 9110 §6.6.1);
 * - validators `etag` (size and mtime) and `last-modified` (never later
 *   than `date`), with 412 for
 *   a failed `If-Match` / `If-Unmodified-Since` and 304 for `If-None-Match` /
 *   `If-Modified-Since`, evaluated in the order of RFC 9110 §13.2.2, and
 *   `cache-control: no-cache` so browsers revalidate while one edits;
 * - files are streamed from an async iterable of reads, pulled only as the
 *   client's flow-control window allows (never read whole into memory);
 * - paths are octets from the request to the file system (see
 *   `resolveRequestPath`): names that are not UTF-8 are listed, linked and
 *   served;
 * - no escape from `root`: see `resolveRequestPath` (400 for `..`), and real
 *   paths are compared so a symbolic link leading outside (a directory's
 *   `index.html` included) gets 404, also when a directory is swapped for
 *   such a link between that check and the open (see `openedWithin`); only
 *   regular files and directories are served.
 */
export class DirectoryHandler {
  /** Streams being answered: reset by {@link resetAll} when a graceful shutdown runs out of patience. */
  readonly inflight = new Set<IncomingStream>();
  /** The real path of the root, one character per octet (as {@link isWithin} compares it). */
  private realRoot: Promise<string> | undefined;

  private readonly onLog: ((entry: RequestLogEntry) => void) | undefined;
  private readonly now: () => number;
  private readonly open: (path: Buffer) => Promise<FileHandle>;

  constructor(
    /** The directory served (absolute). */
    readonly root: string,
    options: DirectoryHandlerOptions = {},
  ) {
    this.onLog = options.onLog;
    this.now = options.now ?? Date.now;
    this.open = options.open ?? ((p) => fs.open(p, 'r'));
  }

  /** Answers one request; never rejects. */
  async handle(stream: IncomingStream): Promise<void> {
    const started = performance.now();
    const ex: Exchange = { stream, head: stream.method === 'HEAD', status: 0, bytes: 0 };
    this.inflight.add(stream);
    void stream.closed.then((close) => {
      this.inflight.delete(stream);
      this.onLog?.({ method: stream.method ?? '-', path: stream.path ?? '-', status: ex.status, bytes: ex.bytes, ms: performance.now() - started, close });
    });
    void discardBody(stream.body);
    try {
      await this.answer(ex);
    } catch {
      // A failure of our own (fs error mid-way, …): 500 if nothing was sent yet, else the stream is reset.
      if (ex.status === 0) this.error(ex, 500);
      else stream.reset(ErrorCode.INTERNAL_ERROR);
    }
  }

  /** Resets every stream still being answered (CANCEL). */
  resetAll(): void {
    for (const stream of this.inflight) stream.reset(ErrorCode.CANCEL);
  }

  private async answer(ex: Exchange): Promise<void> {
    const { stream } = ex;
    const method = stream.method;
    if (method !== 'GET' && method !== 'HEAD') return this.error(ex, 405, { allow: 'GET, HEAD' });
    const resolved = resolveRequestPath(this.root, stream.path ?? '');
    if (!resolved.ok) return this.error(ex, 400);
    let real: Buffer;
    let stat: import('node:fs').Stats;
    try {
      const within = await this.realWithinRoot(resolved.fsPath);
      if (within === undefined) return this.error(ex, 404);
      real = within;
      stat = await fs.stat(real);
    } catch (e) {
      return this.error(ex, statusOf(e));
    }
    if (stat.isDirectory()) {
      if (!resolved.urlPath.endsWith('/')) {
        // Built from the decoded segments, never from the raw path: `//host` cannot become an off-site redirect.
        const location = resolved.href + '/' + resolved.query;
        return this.send(ex, 301, { location, 'content-type': 'text/plain; charset=utf-8' }, `Moved to ${location}\n`);
      }
      // The index may itself be a link: confined like the requested path, or
      // `/dir/` would serve whatever a link named index.html points at.
      let index: Buffer | undefined;
      try {
        index = await this.realWithinRoot(joinOctets(real, INDEX_HTML));
      } catch {
        return this.listing(ex, real, resolved.urlPath); // no index.html (or a dangling link)
      }
      if (index === undefined) return this.error(ex, 404);
      const indexStat = await fs.stat(index).catch(() => undefined);
      if (indexStat?.isFile() === true) return this.file(ex, index, 'index.html');
      return this.listing(ex, real, resolved.urlPath);
    }
    // `/a.txt/` names a directory (RFC 3986 §3.3); serving the file there would also break its relative links.
    if (!stat.isFile() || resolved.urlPath.endsWith('/')) return this.error(ex, 404);
    // The type goes by the name asked for, not the link's target: `style.css -> style-4f2a` is CSS.
    return this.file(ex, real, resolved.urlPath.slice(resolved.urlPath.lastIndexOf('/') + 1));
  }

  /**
   * The real path of `fsPath` when it lies under the root, else `undefined`.
   * Every path served goes through here: a symbolic link anywhere on the way
   * (the requested name, a parent directory, a directory's `index.html`)
   * must not lead out of the root.
   * @throws the file system's error (ENOENT, EACCES, …) when it cannot be resolved.
   */
  private async realWithinRoot(fsPath: Buffer): Promise<Buffer | undefined> {
    const real = await fs.realpath(fsPath, { encoding: 'buffer' });
    return isWithin(await this.rootOctets(), real.toString('latin1')) ? real : undefined;
  }

  private rootOctets(): Promise<string> {
    return (this.realRoot ??= fs.realpath(this.root, { encoding: 'buffer' }).then((real) => real.toString('latin1')));
  }

  /** Serves the regular file at `fsPath` (a real path found under the root), typed by `name` (see `mime.ts`). */
  private async file(ex: Exchange, fsPath: Buffer, name: string): Promise<void> {
    const handle = await this.openConfined(ex, fsPath);
    if (handle === undefined) return;
    const file = { handle, owned: true }; // closed here unless the body's reader took it over
    try {
      const stat = await handle.stat();
      const size = stat.size;
      const etag = `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
      const now = this.now();
      // A modification time in the future (a skewed clock, `touch -d`, an unpacked archive) MUST be
      // sent as the Date instead: Last-Modified is never later than Date (RFC 9110 §8.8.2.1).
      const modified = Math.min(stat.mtimeMs, now);
      const lastModified = new Date(modified).toUTCString();
      const headers = ex.stream.headers;
      const validators = { date: new Date(now).toUTCString(), etag, 'last-modified': lastModified, 'cache-control': 'no-cache' };
      if (preconditionFailed(headers, etag, stat.mtime)) return this.error(ex, 412);
      if (notModified(headers, etag, stat.mtime)) return this.send(ex, 304, validators);
      // GET is the only method with range handling: a Range on HEAD MUST be ignored (RFC 9110 §14.2).
      let range = ex.head ? ({ type: 'full' } as const) : parseRange(one(headers['range']), size);
      if (range.type !== 'full' && !ifRangeHolds(headers['if-range'], etag, modified, now)) range = { type: 'full' };
      if (range.type === 'unsatisfiable') return this.error(ex, 416, { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' });
      const [status, start, end] = range.type === 'partial' ? [206, range.start, range.end] : [200, 0, size - 1];
      const length = end - start + 1;
      const responseHeaders: Record<string, string | number> = {
        'content-type': mimeType(name),
        'content-length': length,
        'accept-ranges': 'bytes',
        ...validators,
      };
      if (status === 206) responseHeaders['content-range'] = `bytes ${start}-${end}/${size}`;
      if (ex.head || length === 0) return this.send(ex, status, responseHeaders);
      return this.send(ex, status, responseHeaders, readFileRange(file, start, end, ex));
    } finally {
      if (file.owned) await handle.close();
    }
  }

  /**
   * Opens `real`, a real path found under the root, and checks that the
   * descriptor is still under it: the path was checked before `open()`, and
   * a directory on it may have become a link out of the root since (see
   * `openedWithin`). Otherwise answers the error (404 for a swap) and
   * returns `undefined`, the descriptor closed.
   */
  private async openConfined(ex: Exchange, real: Buffer): Promise<FileHandle | undefined> {
    let handle: FileHandle;
    try {
      handle = await this.open(real);
    } catch (e) {
      await this.error(ex, statusOf(e));
      return undefined;
    }
    let within = false;
    try {
      within = await openedWithin(handle, real, await this.rootOctets());
    } finally {
      if (!within) await handle.close().catch(() => undefined);
    }
    if (within) return handle;
    await this.error(ex, 404);
    return undefined;
  }

  /**
   * Lists the directory at `dir` (a real path found under the root), opened
   * and checked as a file is (see `openConfined`), then read through its
   * descriptor where the system names one (see `descriptorPath`): a
   * directory on the way swapped for a link out of the root after the check
   * cannot make us list another directory's names, sizes and dates.
   */
  private async listing(ex: Exchange, dir: Buffer, urlPath: string): Promise<void> {
    const handle = await this.openConfined(ex, dir);
    if (handle === undefined) return;
    let entries: DirEntry[];
    try {
      const where = (await descriptorPath(handle)) ?? dir;
      entries = await listEntries(where);
    } catch (e) {
      return this.error(ex, statusOf(e));
    } finally {
      await handle.close().catch(() => undefined);
    }
    const html = renderDirectoryIndex(urlPath, entries);
    return this.send(ex, 200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-cache' }, html);
  }

  private error(ex: Exchange, status: number, extra: Record<string, string> = {}): Promise<void> {
    const text = `${status} ${REASONS[status] ?? ''}\n`;
    return this.send(ex, status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': text.length, ...extra }, text);
  }

  /** Sends the response (the body skipped for HEAD); a stream already closed by the client is left alone. */
  private async send(ex: Exchange, status: number, headers: Record<string, string | number>, body?: Body): Promise<void> {
    const { stream } = ex;
    if (ex.head) body = undefined; // files are not opened for HEAD: only short texts get here
    if (typeof body === 'string') ex.bytes += Buffer.byteLength(body);
    ex.status = status;
    // An origin server with a clock MUST send Date in 2xx, 3xx and 4xx responses (RFC 9110 §6.6.1);
    // a client needs it to tell whether our Last-Modified is a strong validator (§8.8.2.2).
    const all: OutgoingHeaders = { ':status': status, date: new Date(this.now()).toUTCString(), ...headers };
    try {
      await stream.respond(all, body);
    } catch (e) {
      // respond() throws when the stream was reset under us (client cancelled): nothing to answer.
      if (!isStreamGone(e)) throw e;
    }
  }
}

/**
 * Reads `start`–`end` (inclusive) of an open file as chunks. Once started it
 * owns the file (closes it when done or abandoned); a generator never
 * started runs no `finally`, so until then the caller keeps it.
 */
async function* readFileRange(file: { handle: FileHandle; owned: boolean }, start: number, end: number, ex: Exchange): AsyncGenerator<Uint8Array> {
  const { handle } = file;
  file.owned = false;
  try {
    let position = start;
    while (position <= end) {
      const want = Math.min(FILE_CHUNK_SIZE, end - position + 1);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      // The file shrank under us: fail (the stream is reset) rather than send less than content-length.
      if (bytesRead === 0) throw new Error(`file ended ${end + 1 - position} octets early`);
      position += bytesRead;
      ex.bytes += bytesRead;
      yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The entries of the directory at `dir`, each followed if it is a link, for the type and size shown (a link out of the root lists, but is not served). */
async function listEntries(dir: Buffer | string): Promise<DirEntry[]> {
  const octets = typeof dir === 'string' ? Buffer.from(dir, 'latin1') : dir;
  // Names as octets: read as UTF-8 strings, a name that is not UTF-8 would come back altered, and neither stat nor a link could find it.
  const names = await fs.readdir(octets, { encoding: 'buffer' });
  const entries: DirEntry[] = [];
  for (const name of names) {
    const stat = await fs.stat(joinOctets(octets, name)).catch(() => undefined);
    if (stat === undefined) continue;
    entries.push({ name, directory: stat.isDirectory(), size: stat.isFile() ? stat.size : undefined, mtime: stat.mtime });
  }
  return entries;
}

/** `dir`/`name` as octets (path.join on one character per octet: its `/`, `\\` and `.` are ASCII, never part of a UTF-8 sequence). */
function joinOctets(dir: Buffer, name: Buffer): Buffer {
  return Buffer.from(path.join(dir.toString('latin1'), name.toString('latin1')), 'latin1');
}

/** Reads and drops a request body, up to {@link DISCARD_BODY_LIMIT}; then stops reading (the stream is reset). */
async function discardBody(body: AsyncIterable<Uint8Array>): Promise<void> {
  let n = 0;
  try {
    for await (const chunk of body) {
      n += chunk.length;
      if (n > DISCARD_BODY_LIMIT) break;
    }
  } catch {
    // The stream was reset: nothing to drain.
  }
}

/** The status for a file system error: 404 for what does not exist, 403 for what we may not read. */
function statusOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP') return 404;
  if (code === 'EACCES' || code === 'EPERM') return 403;
  return 500;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isStreamGone(error: unknown): boolean {
  return error instanceof Error && (error as { kind?: string }).kind === 'user';
}
