import * as fs from 'node:fs';
import type * as http2 from 'node:http2';
import * as path from 'node:path';
import { serve, type RxServer } from '../../src/rx/serve';
import { DirectoryHandler, type DirectoryHandlerOptions } from '../../src/cli/serve-dir';
import { h2request, makeFixture, type Fixture } from './helpers';

/**
 * The handler on its own, with what serve-command.ts does not let a test
 * choose injected (the clock): everything else is in serve.test.ts.
 */
describe('DirectoryHandler', () => {
  let fixture: Fixture;
  const servers: RxServer[] = [];

  beforeAll(() => {
    fixture = makeFixture();
  });
  afterAll(() => fixture?.remove());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(options: DirectoryHandlerOptions = {}): Promise<(path: string, headers?: http2.OutgoingHttpHeaders) => ReturnType<typeof h2request>> {
    const server = await serve({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    const handler = new DirectoryHandler(fixture.root, options);
    server.streams$.subscribe((stream) => void handler.handle(stream));
    return (path, headers = {}) => h2request(server.url, { ':path': path, ...headers });
  }

  it("every response carries a date from the server's clock (RFC 9110 §6.6.1), errors and redirects too", async () => {
    const get = await start({ now: () => Date.UTC(2024, 5, 1, 12, 0, 0, 250) });
    for (const [path, status] of [['/hello.txt', 200], ['/', 200], ['/nope', 404], ['/sub%20dir', 301], ['/hello.txt?r', 206]] as const) {
      const r = await get(path, path.endsWith('?r') ? { range: 'bytes=0-1' } : {});
      expect([path, r.status, r.headers.date]).toEqual([path, status, 'Sat, 01 Jun 2024 12:00:00 GMT']);
    }
  });

  it('last-modified is never later than date (RFC 9110 §8.8.2.1): a modification time in the future is sent as the date', async () => {
    const now = Date.UTC(2024, 5, 1, 12, 0, 0, 250);
    const get = await start({ now: () => now });
    const file = path.join(fixture.root, 'mtime.txt');
    fs.writeFileSync(file, 'm');
    try {
      fs.utimesSync(file, now / 1000, now / 1000 + 86400);
      const future = await get('/mtime.txt');
      expect([future.headers['last-modified'], future.headers.date]).toEqual(['Sat, 01 Jun 2024 12:00:00 GMT', 'Sat, 01 Jun 2024 12:00:00 GMT']);
      fs.utimesSync(file, now / 1000, now / 1000 - 86400);
      expect((await get('/mtime.txt')).headers['last-modified']).toBe('Fri, 31 May 2024 12:00:00 GMT');
    } finally {
      fs.rmSync(file);
    }
  });

  it('If-Range with an HTTP-date (RFC 9110 §13.1.5): any of the three forms, exactly the Last-Modified, and only once that second is over', async () => {
    let now = Date.UTC(2024, 5, 1, 12, 0, 0, 250);
    const get = await start({ now: () => now });
    const file = path.join(fixture.root, 'if-range.txt');
    fs.writeFileSync(file, 'abcdef');
    const setMtime = (ms: number) => fs.utimesSync(file, ms / 1000, ms / 1000);
    const status = async (ifRange: string, range: string | null = 'bytes=0-1') =>
      (await get('/if-range.txt', { 'if-range': ifRange, ...(range === null ? {} : { range }) })).status;
    try {
      setMtime(Date.UTC(2024, 5, 1, 11, 0, 0, 500));
      const first = await get('/if-range.txt');
      expect(first.headers['last-modified']).toBe('Sat, 01 Jun 2024 11:00:00 GMT');
      expect(await status('Sat, 01 Jun 2024 11:00:00 GMT')).toBe(206);
      expect(await status('Saturday, 01-Jun-24 11:00:00 GMT')).toBe(206); // obsolete RFC 850 form (§5.6.7)
      expect(await status('Sat Jun  1 11:00:00 2024')).toBe(206); // obsolete asctime() form
      expect(await status('Sat, 01 Jun 2024 11:00:01 GMT')).toBe(200); // an exact match, not "no earlier than"
      expect(await status('Sat, 01 Jun 2024 10:59:59 GMT')).toBe(200);
      expect(await status('2024-06-01T11:00:00Z')).toBe(200); // not an HTTP-date
      expect(await status('Sat, 01 Jun 2024 11:00:00 GMT, Sat, 01 Jun 2024 11:00:00 GMT')).toBe(200);
      expect(await status('Sat, 01 Jun 2024 11:00:00 GMT', null)).toBe(200); // no Range: If-Range ignored
      expect(await status('Sat, 01 Jun 2024 11:01:00 GMT', 'bytes=100-')).toBe(200); // the range is unusable, so not a 416
      // Modified within the second the Date names: another change in that second would keep the
      // same Last-Modified, so the date is not a strong validator (§8.8.2.2) until the second is over.
      setMtime(Date.UTC(2024, 5, 1, 12, 0, 0, 100));
      now = Date.UTC(2024, 5, 1, 12, 0, 0, 900);
      expect(await status('Sat, 01 Jun 2024 12:00:00 GMT')).toBe(200);
      now = Date.UTC(2024, 5, 1, 12, 0, 1, 0);
      expect(await status('Sat, 01 Jun 2024 12:00:00 GMT')).toBe(206);
    } finally {
      fs.rmSync(file);
    }
  });

  it('If-Range with an entity tag: strong comparison, a weak tag never matches', async () => {
    const get = await start();
    const etag = (await get('/hello.txt')).headers.etag as string;
    expect((await get('/hello.txt', { range: 'bytes=0-1', 'if-range': etag })).status).toBe(206);
    expect((await get('/hello.txt', { range: 'bytes=0-1', 'if-range': `W/${etag}` })).status).toBe(200);
    expect((await get('/hello.txt', { range: 'bytes=0-1', 'if-range': '"other"' })).status).toBe(200);
  });

  it('a directory listing: swapped for a link out of the root before open(), 404; after open(), the checked directory is what is listed', async () => {
    const dir = path.join(fixture.root, 'listed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'inside.txt'), 'inside');
    const swap = () => {
      fs.renameSync(dir, `${dir}-moved`);
      fs.symlinkSync(fixture.outside, dir);
    };
    const unswap = () => {
      fs.rmSync(dir);
      fs.renameSync(`${dir}-moved`, dir);
    };
    try {
      const before = await start({
        open: async (real) => {
          if (real.toString().endsWith('/listed')) swap();
          return fs.promises.open(real, 'r');
        },
      });
      const refused = await before('/listed/');
      expect([refused.status, refused.body.toString()]).toEqual([404, '404 Not Found\n']);
      unswap();
      if (process.platform === 'linux') {
        const after = await start({
          open: async (real) => {
            const handle = await fs.promises.open(real, 'r');
            if (real.toString().endsWith('/listed')) swap();
            return handle;
          },
        });
        const listed = await after('/listed/');
        expect(listed.status).toBe(200);
        expect(listed.body.toString()).toContain('inside.txt');
        expect(listed.body.toString()).not.toContain('secret.txt');
        unswap();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(`${dir}-moved`, { recursive: true, force: true });
    }
  });

  it('a directory swapped for a link out of the root between the confinement check and open(): 404, not the outside file', async () => {
    const dir = path.join(fixture.root, 'swapped');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'inside');
    let swapped = false;
    const get = await start({
      // Runs after realpath + isWithin found <root>/swapped/secret.txt, just before open(): the attacker's move.
      open: async (real) => {
        if (real.toString().endsWith('/swapped/secret.txt')) {
          fs.renameSync(dir, `${dir}-moved`);
          fs.symlinkSync(fixture.outside, dir);
          swapped = true;
        }
        return fs.promises.open(real, 'r');
      },
    });
    try {
      const r = await get('/swapped/secret.txt');
      expect(swapped).toBe(true);
      expect([r.status, r.body.toString()]).toEqual([404, '404 Not Found\n']);
      // The same file, not swapped, is served.
      fs.rmSync(dir);
      fs.renameSync(`${dir}-moved`, dir);
      const again = await start();
      expect((await again('/swapped/secret.txt')).body.toString()).toBe('inside');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(`${dir}-moved`, { recursive: true, force: true });
    }
  });
});
