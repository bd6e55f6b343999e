#!/usr/bin/env node
'use strict';
// The `rx-http2` command: the CLI is built by `npm run build` into dist/cli.cjs.
let cli;
try {
  cli = require('../dist/cli.cjs');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('cli.cjs')) {
    process.stderr.write('rx-http2: dist/cli.cjs is missing: run `npm run build` first\n');
    process.exit(1);
  }
  throw error;
}
cli.run(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`rx-http2: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
