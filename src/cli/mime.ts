/**
 * Content types by file extension, for the files `rx-http2 serve` sends.
 * @packageDocumentation
 */

/** Textual types get `; charset=utf-8` (RFC 9110 §8.3.2): the files served are assumed to be UTF-8. */
const TEXT = (type: string): string => `${type}; charset=utf-8`;

/** Extension (lowercase, no dot) → media type. The common web, document, media and archive formats. */
export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  // text and web
  html: TEXT('text/html'),
  htm: TEXT('text/html'),
  css: TEXT('text/css'),
  js: TEXT('text/javascript'),
  mjs: TEXT('text/javascript'),
  cjs: TEXT('text/javascript'),
  json: TEXT('application/json'),
  map: TEXT('application/json'),
  webmanifest: TEXT('application/manifest+json'),
  txt: TEXT('text/plain'),
  text: TEXT('text/plain'),
  log: TEXT('text/plain'),
  md: TEXT('text/markdown'),
  markdown: TEXT('text/markdown'),
  csv: TEXT('text/csv'),
  tsv: TEXT('text/tab-separated-values'),
  xml: TEXT('application/xml'),
  xhtml: TEXT('application/xhtml+xml'),
  rss: TEXT('application/rss+xml'),
  atom: TEXT('application/atom+xml'),
  yaml: TEXT('application/yaml'),
  yml: TEXT('application/yaml'),
  toml: TEXT('application/toml'),
  ts: TEXT('text/plain'),
  mts: TEXT('text/plain'),
  cts: TEXT('text/plain'),
  sh: TEXT('text/plain'),
  wasm: 'application/wasm',
  // images
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: TEXT('image/svg+xml'),
  ico: 'image/vnd.microsoft.icon',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  // fonts
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  // audio and video
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  wav: 'audio/wav',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  // documents and archives
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  bz2: 'application/x-bzip2',
  xz: 'application/x-xz',
  zst: 'application/zstd',
  tar: 'application/x-tar',
  '7z': 'application/x-7z-compressed',
  rtf: 'application/rtf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  epub: 'application/epub+zip',
  pem: 'application/x-pem-file',
  crt: 'application/x-x509-ca-cert',
  der: 'application/x-x509-ca-cert',
});

/** The type of anything not in the table: opaque bytes (RFC 9110 §8.3). */
export const DEFAULT_MIME_TYPE = 'application/octet-stream';

/** The media type for a file name or path, by its extension (case-insensitive); {@link DEFAULT_MIME_TYPE} when unknown. */
export function mimeType(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return DEFAULT_MIME_TYPE; // no extension, or a dotfile such as `.env`
  const ext = base.slice(dot + 1).toLowerCase();
  return Object.hasOwn(MIME_TYPES, ext) ? MIME_TYPES[ext] : DEFAULT_MIME_TYPE;
}
