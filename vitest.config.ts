import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs three projects: unit specs beside the classes (src/), the
 * fast HTTP layer (test/http/: the real app with the identity provider faked
 * by DI token, no emulator), and end-to-end specs (test/*.e2e-spec.ts)
 * against the embedded Cognito emulator. The JSON report is what .ci/run
 * counts.
 *
 * Most e2e time is spent waiting (timing floors such as AUTH_FAILURE_MIN_MS,
 * emulator round trips, shutdown deadlines), not on the CPU: files run side
 * by side, more of them than there are cores. The specs that measure time
 * (enumeration: the failure floor; shutdown: drain deadlines; outage:
 * timeouts) run afterwards, among themselves, so that no busy neighbour
 * skews them.
 */
const TIMED = [
  'test/enumeration.e2e-spec.ts',
  'test/shutdown.e2e-spec.ts',
  'test/outage.e2e-spec.ts',
  'test/several-instances.e2e-spec.ts',
  'test/redis-operators.e2e-spec.ts',
];

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.spec.ts'], maxWorkers: 4 },
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
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: 4,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-timed',
          include: TIMED,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
          // Side by side with each other only: they wait, they barely compute.
          maxWorkers: 3,
        },
      },
    ],
  },
});
