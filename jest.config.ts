/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

/**
 * Tests mirror `src/` under `test/`. ts-jest transpiles only (isolatedModules);
 * type errors are caught by `npm run typecheck`, which CI runs too.
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};

export default config;
