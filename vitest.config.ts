import { defineConfig } from 'vitest/config';

/**
 * Warnings the test peers print on every run that say nothing about fedbroker: oidc-provider (a test
 * peer) runs with its in-memory adapter on Node 20. Only these exact messages are dropped, so any
 * other warning still stands out.
 */
const EXPECTED_NOISE = [
  'oidc-provider WARNING: a quick start development-only in-memory adapter is used',
  'oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS',
];
/** The text of a console line without the colour codes oidc-provider adds on a terminal. */
const ESC = String.fromCharCode(27);
const plain = (log: string) => log.replace(new RegExp(`${ESC}\\[[\\d;]*m`, 'g'), '');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI: keep parallelism modest so timing-sensitive e2e tests stay reliable.
    maxWorkers: 2,
    // The AWS SDK's notice that its 2027 releases will need Node 22 (the clients here are pinned).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    onConsoleLog: (log) => (EXPECTED_NOISE.some((noise) => plain(log).startsWith(noise)) ? false : undefined),
  },
});
