import { rmSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';

// Chunk names carry a content hash: without a clean start, every build left the previous chunks
// behind in dist/ (56 after a day of work), and `files` would ship them in the package.
rmSync('dist', { recursive: true, force: true });

// rxjs, ix and tslib (with their subpaths) stay external: users bring their own copy.
const external = (id) => /^(rxjs|ix|tslib)(\/|$)/.test(id) || id.startsWith('node:');

const entries = [
  { input: 'src/index.ts', name: 'index' },
  { input: 'src/protocol/index.ts', name: 'protocol' },
];

export default [
  {
    input: Object.fromEntries(entries.map((e) => [e.name, e.input])),
    external,
    // src/cli is the command's own build (below): no declarations for it here.
    plugins: [typescript({ tsconfig: './tsconfig.build.json', exclude: ['**/src/cli/**'] })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
    ],
  },
  // The `rx-http2` command (bin/rx-http2.js requires it): one self-contained CommonJS file, no declarations.
  {
    input: { cli: 'src/cli/index.ts' },
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationMap: false, declarationDir: undefined })],
    output: { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', sourcemap: true, exports: 'named', inlineDynamicImports: true },
  },
];
