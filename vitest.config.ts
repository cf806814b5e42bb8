import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs three projects: unit specs beside the classes (src/: no
 * server, no child process), the fast HTTP layer (test/http/: the real app
 * with the identity provider faked by DI token, no emulator), and
 * end-to-end specs (`*.e2e-spec.ts` in test/ and its folders) against real
 * components: the embedded Cognito emulator, a redis-server (test/store/),
 * a JWKS server on loopback (test/auth/). Test helpers live in
 * test/support/. The JSON report is what .ci/run counts.
 *
 * Most e2e time is spent waiting (timing floors such as AUTH_FAILURE_MIN_MS,
 * emulator round trips, shutdown deadlines), not on the CPU: files run side
 * by side, more of them than there are cores. The specs that measure time
 * (enumeration: the failure floor; shutdown: drain deadlines; outage:
 * timeouts; the Redis store: its timeouts while Redis is paused) run
 * afterwards, among themselves, so that no busy neighbour skews them.
 *
 * The e2e deadlines (testTimeout, hookTimeout) only catch a test that hangs:
 * they leave room for a machine whose cores are busy with other work, where
 * an app start alone has taken over 60 s (npm run test:busy runs the suite
 * so).
 */
const TIMED = [
  'test/enumeration.e2e-spec.ts',
  'test/shutdown.e2e-spec.ts',
  'test/outage.e2e-spec.ts',
  'test/several-instances.e2e-spec.ts',
  'test/store/redis.store.e2e-spec.ts',
  'test/redis-operators.e2e-spec.ts',
  'test/store/redis.faults.e2e-spec.ts',
];

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.spec.ts'],
          // Only catches a hang: the property specs run thousands of cases,
          // seconds of CPU that a busy machine stretches past Vitest's 5 s.
          testTimeout: 60_000,
          maxWorkers: 4,
        },
      },
      {
        extends: true,
        test: {
          name: 'http',
          include: ['test/http/**/*.spec.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: 4,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          exclude: TIMED,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          maxWorkers: 4,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-timed',
          include: TIMED,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          sequence: { groupOrder: 1 },
          // Side by side with each other only: they wait, they barely compute.
          maxWorkers: 3,
        },
      },
    ],
  },
});
