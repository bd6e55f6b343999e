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
});
