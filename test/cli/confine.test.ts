import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { descriptorPath, openedWithin } from '../../src/cli/confine';

/**
 * The swap of a directory for a link out of the root between the check and
 * open(), made deterministically: the tree is changed between the two calls
 * by the test itself, and the descriptor then opened is handed to openedWithin.
 */
describe('openedWithin', () => {
  const hasProc = fs.existsSync('/proc/self/fd');
  let base: string;
  let root: string;
  let realRoot: string;
  let checked: Buffer; // the real path found under the root before open(): <root>/sub/file.txt
  const handles: FileHandle[] = [];
  const open = async (p: string | Buffer) => {
    const h = await fsp.open(p, 'r');
    handles.push(h);
    return h;
  };
  // Both ways: /proc (when there is one) and the fallback (forced by a directory that does not exist).
  const ways = [...(hasProc ? [['/proc/self/fd']] : []), [path.join(os.tmpdir(), 'no-such-proc-self-fd')]];

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rx-http2-confine-')));
    root = path.join(base, 'root');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.mkdirSync(path.join(base, 'outside'));
    fs.writeFileSync(path.join(root, 'sub', 'file.txt'), 'inside');
    fs.writeFileSync(path.join(base, 'outside', 'file.txt'), 'secret');
    realRoot = Buffer.from(root).toString('latin1');
    checked = Buffer.from(path.join(root, 'sub', 'file.txt'));
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    fs.rmSync(base, { recursive: true, force: true });
  });

  /** What an attacker does after the check: `sub` becomes a link to the outside directory. */
  const swap = () => {
    fs.renameSync(path.join(root, 'sub'), path.join(root, 'sub-moved'));
    fs.symlinkSync(path.join(base, 'outside'), path.join(root, 'sub'));
  };
  const undo = () => {
    fs.rmSync(path.join(root, 'sub'));
    fs.renameSync(path.join(root, 'sub-moved'), path.join(root, 'sub'));
  };

  it.each(ways)('%s: the file checked, opened as checked, is within', async (procSelfFd) => {
    expect(await openedWithin(await open(checked), checked, realRoot, procSelfFd)).toBe(true);
  });

  it.each(ways)('%s: a directory swapped for a link out of the root before open(): refused', async (procSelfFd) => {
    swap();
    const handle = await open(checked);
    expect((await handle.readFile()).toString()).toBe('secret'); // what would have been served
    expect(await openedWithin(handle, checked, realRoot, procSelfFd)).toBe(false);
  });

  it.each(ways)('%s: swapped before open() and swapped back before the check: still refused', async (procSelfFd) => {
    swap();
    const handle = await open(checked);
    undo();
    expect(await openedWithin(handle, checked, realRoot, procSelfFd)).toBe(false);
  });

  it.each(ways)('%s: a name that is not UTF-8 on the way', async (procSelfFd) => {
    if (process.platform !== 'linux') return; // only Linux file systems take such names
    const dir = Buffer.concat([Buffer.from(root), Buffer.from('/d'), Buffer.from([0xff])]);
    fs.mkdirSync(dir);
    const file = Buffer.concat([dir, Buffer.from('/f.txt')]);
    fs.writeFileSync(file, 'x');
    expect(await openedWithin(await open(file), file, realRoot, procSelfFd)).toBe(true);
  });

  it('fallback: the checked path gone since: refused', async () => {
    const handle = await open(checked);
    fs.rmSync(path.join(root, 'sub'), { recursive: true });
    expect(await openedWithin(handle, checked, realRoot, ways[ways.length - 1][0])).toBe(false);
  });

  it('a descriptor that is no file of a tree (/proc names it pipe:[…]): refused', async () => {
    const fake = path.join(base, 'fake-proc-fd');
    fs.mkdirSync(fake);
    const handle = await open(checked);
    fs.symlinkSync('pipe:[4026]', path.join(fake, String(handle.fd)));
    expect(await openedWithin(handle, checked, realRoot, fake)).toBe(false);
  });
});

describe('descriptorPath', () => {
  it('names the open directory itself where /proc has it (a rename after the open does not change what it reads); undefined elsewhere', async () => {
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rx-http2-fdpath-')));
    const dir = path.join(base, 'dir');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
    const handle = await fsp.open(dir, 'r');
    try {
      expect(await descriptorPath(handle, path.join(base, 'no-such-proc'))).toBeUndefined();
      if (!fs.existsSync('/proc/self/fd')) return;
      const where = await descriptorPath(handle);
      expect(where).toBe(`/proc/self/fd/${handle.fd}`);
      fs.renameSync(dir, `${dir}-moved`);
      fs.mkdirSync(dir);
      expect(fs.readdirSync(where!)).toEqual(['a.txt']);
    } finally {
      await handle.close();
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
