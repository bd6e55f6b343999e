/**
 * The HTML listing `rx-http2 serve` sends for a directory without `index.html`.
 * @packageDocumentation
 */
import { escapeControls } from './escape-controls';
import { percentEncode } from './percent';

/** One entry of a listing. */
export interface DirEntry {
  /**
   * The file name: text, or its octets as the file system has them (a name
   * need not be UTF-8). Shown read as UTF-8, invalid octets as U+FFFD; linked
   * percent-encoded octet by octet, so that the link leads to that very file.
   */
  readonly name: string | Uint8Array;
  readonly directory: boolean;
  /** Octets, for files. */
  readonly size?: number;
  readonly mtime?: Date;
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A size as people read it: `512 B`, `1.5 KiB`, `3.0 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * The listing of `urlPath` (decoded, ending with `/`): directories first,
 * then files, each sorted by name (octet order); a link to the parent except
 * at the root. Names are escaped for HTML and percent-encoded in links, so
 * any file name (`<script>`, `a#b`, `100%`, octets that are not UTF-8) shows
 * and links correctly.
 */
export function renderDirectoryIndex(urlPath: string, entries: readonly DirEntry[]): string {
  const named = entries.map((e) => ({ ...e, octets: typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : Buffer.from(e.name) }));
  const sorted = named.sort((a, b) => (a.directory === b.directory ? Buffer.compare(a.octets, b.octets) : a.directory ? -1 : 1));
  const rows = sorted.map((e) => {
    const href = percentEncode(e.octets) + (e.directory ? '/' : '');
    // Shown with its controls visible: a bidi override would let a name hide its real extension.
    const label = escapeHtml(escapeControls(e.octets.toString('utf8'))) + (e.directory ? '/' : '');
    const size = e.directory || e.size === undefined ? '-' : formatBytes(e.size);
    const mtime = e.mtime === undefined ? '' : e.mtime.toISOString().replace('T', ' ').slice(0, 16);
    return `<tr><td><a href="${escapeHtml(href)}">${label}</a></td><td class="n">${size}</td><td>${mtime}</td></tr>`;
  });
  if (urlPath !== '/') rows.unshift('<tr><td><a href="../">../</a></td><td class="n"></td><td></td></tr>');
  const title = `Index of ${escapeHtml(urlPath)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td{padding:.1em 1.5em .1em 0}.n{text-align:right}a{text-decoration:none}</style>
</head>
<body>
<h1>${title}</h1>
<table>
${rows.join('\n')}
</table>
<p><small>rx-http2</small></p>
</body>
</html>
`;
}
