import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { h2request, makeFixture } from './helpers';

// One test of the real command: bin/rx-http2.js → dist/cli.cjs (needs `npm run build`).
const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'rx-http2.js');
const built = existsSync(path.join(root, 'dist', 'cli.cjs'));
if (!built) console.warn('test/cli/bin.test.ts: dist/cli.cjs is missing — run `npm run build` first; skipping the spawn test of bin/rx-http2.js');
const maybe = built ? it : it.skip;

describe('bin/rx-http2.js (spawned)', () => {
  maybe('serve prints its URL, answers, logs, and exits 0 on SIGINT; get fetches from it; bad args exit 2', async () => {
    const fixture = makeFixture();
    try {
      const child = spawn(process.execPath, [bin, 'serve', fixture.root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (t: string) => {
          out += t;
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const r = await h2request(url, { ':path': '/hello.txt' });
      expect(r.body.toString()).toBe('hello world\n');

      const get = spawn(process.execPath, [bin, 'get', '-s', `${url}data.json`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let body = '';
      get.stdout.setEncoding('utf8').on('data', (t: string) => (body += t));
      const getCode = await new Promise((resolve) => get.once('exit', resolve));
      expect([getCode, body]).toEqual([0, '{"a":1}\n']);

      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
      child.kill('SIGINT');
      expect(await exited).toEqual([0, null]);
      expect(stderr).toMatch(/^GET \/hello\.txt 200 12 B \d+ ms$/m);

      const bad = spawn(process.execPath, [bin, 'get', '--foo'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let badErr = '';
      bad.stderr.setEncoding('utf8').on('data', (t: string) => (badErr += t));
      expect(await new Promise((resolve) => bad.once('exit', resolve))).toBe(2);
      expect(badErr).toMatch(/^rx-http2: unknown option --foo/);
    } finally {
      fixture.remove();
    }
  }, 20_000);
});
