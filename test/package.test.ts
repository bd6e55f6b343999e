import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The package must load from plain Node through its own `exports` map
// (self-reference), in both module systems, once `npm run build` has run.
const root = join(__dirname, '..');
const built = existsSync(join(root, 'dist', 'index.cjs')) && existsSync(join(root, 'dist', 'protocol.mjs'));
if (!built) console.warn('test/package.test.ts: dist/ is missing — run `npm run build` first; skipping the package-loading tests');
const maybe = built ? test : test.skip;

const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('the built package', () => {
  maybe('require() works for rx-http2 and rx-http2/protocol', () => {
    const out = run([
      '-e',
      `const h = require('rx-http2'); const p = require('rx-http2/protocol');
       const e = new p.HpackEncoder(), d = new p.HpackDecoder();
       console.log(JSON.stringify([h.getPackedSettings({ enablePush: false }).toString('base64'),
         d.decode(e.encode([[':method', 'GET']])), typeof p.FrameDecoder, h.constants.NGHTTP2_CANCEL]));`,
    ]);
    expect(JSON.parse(out)).toEqual(['AAIAAAAA', [[':method', 'GET']], 'function', 8]);
  });

  maybe('import works for rx-http2 and rx-http2/protocol', () => {
    const out = run([
      '--input-type=module',
      '-e',
      `import { getDefaultSettings } from 'rx-http2'; import { encodeFrame, FrameType } from 'rx-http2/protocol';
       const f = encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, payload: new Uint8Array(8) });
       console.log(JSON.stringify([getDefaultSettings().maxFrameSize, f.length]));`,
    ]);
    expect(JSON.parse(out)).toEqual([16384, 17]);
  });
});
