import typescript from '@rollup/plugin-typescript';

// rxjs, ix and tslib (with their subpaths) stay external: users bring their own copy.
const external = (id) => /^(rxjs|ix|tslib)(\/|$)/.test(id) || id.startsWith('node:');

const entries = [
  { input: 'src/index.ts', name: 'index' },
  { input: 'src/protocol/index.ts', name: 'protocol' },
];

export default {
  input: Object.fromEntries(entries.map((e) => [e.name, e.input])),
  external,
  plugins: [typescript({ tsconfig: './tsconfig.build.json' })],
  output: [
    { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true },
    { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named' },
  ],
};
