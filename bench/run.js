#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark under bench/<name>/index.js, one after the
 * other (never side by side: they compare against node:http2 or npm packages
 * in the same run, and two would fight for this machine's cores).
 *
 *   npm run bench                 all of them
 *   npm run bench -- hpack core   only those named; other arguments go to each
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const all = fs
  .readdirSync(__dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, d.name, 'index.js')))
  .map((d) => d.name)
  .sort();
const args = process.argv.slice(2);
const named = args.filter((a) => all.includes(a));
const rest = args.filter((a) => !all.includes(a));
let failed = 0;
for (const name of named.length ? named : all) {
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, [path.join(__dirname, name, 'index.js'), ...rest], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
