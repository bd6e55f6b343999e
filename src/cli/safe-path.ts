/**
 * Mapping a request's `:path` to a file under the served directory, without
 * ever leaving it.
 * @packageDocumentation
 */
import * as path from 'node:path';

/** Where a request path leads: a file system path under the root, or a status to answer with. */
export type ResolvedPath =
  | {
      readonly ok: true;
      /** Absolute path under the root. */
      readonly fsPath: string;
      /**
       * The decoded path, normalised: `/`-separated segments, no `.`/empty
       * ones; ends with `/` when the request did, or ended with a `.` segment
       * (`/a/.` is `/a/`, RFC 3986 §5.2.4): it then names a directory.
       */
      readonly urlPath: string;
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
  const segments: string[] = [];
  let directory = false;
  for (const raw of pathPart.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return bad('malformed percent-encoding');
    }
    directory = segment === '' || segment === '.';
    if (directory) continue;
    if (segment === '..') return bad('.. in the path');
    if (segment.includes('/') || segment.includes('\0') || (sep === '\\' && segment.includes('\\'))) return bad('forbidden character in a path segment');
    segments.push(segment);
  }
  const join = sep === '\\' ? path.win32.join : path.posix.join;
  const relative = sep === '\\' ? path.win32.relative : path.posix.relative;
  const fsPath = join(root, ...segments);
  const rel = relative(root, fsPath);
  if (rel === '..' || rel.startsWith(`..${sep}`) || (sep === '\\' ? path.win32 : path.posix).isAbsolute(rel)) return bad('outside the root');
  const trailing = segments.length > 0 && directory ? '/' : '';
  return { ok: true, fsPath, urlPath: `/${segments.join('/')}${trailing}`, query };
}

/** Whether `candidate` is `root` or lies under it (both absolute and already resolved, e.g. real paths). */
export function isWithin(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
