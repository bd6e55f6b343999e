import { DEFAULT_MIME_TYPE, mimeType } from '../../src/cli/mime';

describe('mimeType', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['/a/b/STYLE.CSS', 'text/css; charset=utf-8'],
    ['app.mjs', 'text/javascript; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['logo.svg', 'image/svg+xml; charset=utf-8'],
    ['photo.JPG', 'image/jpeg'],
    ['font.woff2', 'font/woff2'],
    ['clip.mp4', 'video/mp4'],
    ['doc.pdf', 'application/pdf'],
    ['mod.wasm', 'application/wasm'],
    ['archive.tar.gz', 'application/gzip'],
    ['c:\\dir\\x.png', 'image/png'],
  ])('%s → %s', (name, type) => {
    expect(mimeType(name)).toBe(type);
  });

  it.each(['Makefile', '.env', 'dir.d/noext', 'x.unknownext', 'x.constructor', 'x.__proto__', 'trailingdot.'])('%s → application/octet-stream', (name) => {
    expect(mimeType(name)).toBe(DEFAULT_MIME_TYPE);
  });
});
