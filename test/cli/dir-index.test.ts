import { renderDirectoryIndex } from '../../src/cli/dir-index';

describe('renderDirectoryIndex', () => {
  const rows = (html: string) => html.match(/<tr>.*<\/tr>/g) ?? [];

  it('a name given as octets that are not UTF-8: shown with U+FFFD, linked octet by octet', () => {
    const html = renderDirectoryIndex('/', [
      { name: Buffer.from([0x66, 0xff, 0x2e, 0x74, 0x78, 0x74]), directory: false, size: 3 },
      { name: Buffer.from([0x64, 0xfe]), directory: true },
      { name: '✓ <b>.txt', directory: false, size: 1 },
    ]);
    expect(rows(html).map((r) => /<a href="([^"]*)">([^<]*)<\/a>/.exec(r)!.slice(1))).toEqual([
      ['d%FE/', 'd\ufffd/'],
      ['f%FF.txt', 'f\ufffd.txt'],
      ['%E2%9C%93%20%3Cb%3E.txt', '✓ &lt;b&gt;.txt'],
    ]);
  });

  it('text and octets of the same name link alike', () => {
    const a = renderDirectoryIndex('/', [{ name: 'é #1.txt', directory: false }]);
    const b = renderDirectoryIndex('/', [{ name: Buffer.from('é #1.txt'), directory: false }]);
    expect(a).toBe(b);
    expect(a).toContain('<a href="%C3%A9%20%231.txt">é #1.txt</a>');
  });

  it('shows a name\'s controls instead of obeying them (a bidi override cannot hide the real extension); the link is the name itself', () => {
    const html = renderDirectoryIndex('/', [{ name: 'evil\u202etxt.exe', directory: false, size: 1 }, { name: 'a\nb', directory: false, size: 1 }]);
    expect(rows(html).map((r) => /<a href="([^"]*)">([^<]*)<\/a>/.exec(r)!.slice(1))).toEqual([
      ['a%0Ab', 'a\\x0ab'],
      ['evil%E2%80%AEtxt.exe', 'evil\\u{202e}txt.exe'],
    ]);
  });
});
