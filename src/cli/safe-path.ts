/**
 * Mapping a request's `:path` to a file under the served directory, without
 * ever leaving it.
 * @packageDocumentation
 */
import * as path from 'node:path';
import { percentDecode, percentEncode } from './percent';

/** Where a request path leads: a file system path under the root, or a status to answer with. */
export type ResolvedPath =
  | {
      readonly ok: true;
      /**
       * Absolute path under the root, as octets: file names need not be
       * UTF-8, and Node's `fs` takes a Buffer path as it is.
       */
      readonly fsPath: Buffer;
      /**
       * The decoded path, normalised: `/`-separated segments, no `.`/empty
       * ones; ends with `/` when the request did, or ended with a `.` segment
       * (`/a/.` is `/a/`, RFC 3986 §5.2.4): it then names a directory. Read
       * as UTF-8, octets that are not UTF-8 shown as U+FFFD: for display and
       * content types only, never for a path.
       */
      readonly urlPath: string;
      /** The same path percent-encoded octet by octet (nothing lost): for a `location`. */
      readonly href: string;
      /** The query string, with its `?`, or `''`. */
      readonly query: string;
    }
  | { readonly ok: false; readonly status: 400; readonly reason: string };

/**
 * Resolves `requestPath` (a `:path` pseudo-header, origin-form: `/a/b?q`)
 * against `root` (absolute).
 *
 * Why it is safe: the path is split into segments *before* percent-decoding,
 * so `%2F` cannot make a new segment; any segment that decodes to `..`, or
 * that contains `/`, `\` (on Windows) or NUL, is refused with 400 — there is
 * no "clamping" at the root, a traversal attempt is an error; `.` and empty
 * segments are dropped. The joined result is checked to lie under `root`
 * once more. (Symbolic links are the caller's business: compare real paths.)
 *
 * Segments are decoded to octets, not to text, and stay octets down to the
 * file system: a name that is not UTF-8 (`/f%FF.txt`) can be asked for, and
 * no UTF-8 decoding step can turn an overlong or invalid sequence into a `.`
 * or a `/` (`%C0%AE` is two octets of a name, not a dot). All the checks
 * and the join work on strings of one character per octet, whose only
 * special characters (`/`, `\`, `.`) are ASCII, which UTF-8 never uses
 * inside a multi-octet sequence. A `requestPath` with a character above
 * U+00FF is not a string of octets (HPACK never gives one): 400.
 */
export function resolveRequestPath(root: string, requestPath: string, sep: string = path.sep): ResolvedPath {
  const bad = (reason: string): ResolvedPath => ({ ok: false, status: 400, reason });
  let pathPart = requestPath;
  const hash = pathPart.indexOf('#');
  if (hash !== -1) pathPart = pathPart.slice(0, hash);
  const q = pathPart.indexOf('?');
  const query = q === -1 ? '' : pathPart.slice(q);
  if (q !== -1) pathPart = pathPart.slice(0, q);
  if (!pathPart.startsWith('/')) return bad('the path must start with /');
  const segments: string[] = []; // one character per octet
  let directory = false;
  for (const raw of pathPart.split('/')) {
    const octets = percentDecode(raw);
    if (octets === undefined) return bad('malformed percent-encoding, or not a string of octets');
    const segment = octets.toString('latin1');
    directory = segment === '' || segment === '.';
    if (directory) continue;
    if (segment === '..') return bad('.. in the path');
    if (segment.includes('/') || segment.includes('\0') || (sep === '\\' && segment.includes('\\'))) return bad('forbidden character in a path segment');
    segments.push(segment);
  }
  const join = sep === '\\' ? path.win32.join : path.posix.join;
  const relative = sep === '\\' ? path.win32.relative : path.posix.relative;
  const rootOctets = Buffer.from(root, 'utf8').toString('latin1'); // as fs reads a string path: UTF-8
  const fsPath = join(rootOctets, ...segments);
  const rel = relative(rootOctets, fsPath);
  if (rel === '..' || rel.startsWith(`..${sep}`) || (sep === '\\' ? path.win32 : path.posix).isAbsolute(rel)) return bad('outside the root');
  const trailing = segments.length > 0 && directory ? '/' : '';
  const octets = segments.map((segment) => Buffer.from(segment, 'latin1'));
  return {
    ok: true,
    fsPath: Buffer.from(fsPath, 'latin1'),
    urlPath: `/${octets.map((o) => o.toString('utf8')).join('/')}${trailing}`,
    href: `/${octets.map(percentEncode).join('/')}${trailing}`,
    query,
  };
}

/**
 * Whether `candidate` is `root` or lies under it (both absolute and already
 * resolved, e.g. real paths; text, or octets one character each).
 */
export function isWithin(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
