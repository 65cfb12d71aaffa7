import { defineConfig } from 'vitest/config';

/**
 * The one vitest configuration every package uses. Workspace packages resolve to their
 * TypeScript sources through the `source` export condition, so a package's tests never wait
 * for its dependencies to be built; the JSON report feeds the totals line of `.ci/run`.
 */
export function defineProject(extra: { testTimeout?: number; include?: string[] } = {}) {
  return defineConfig({
    resolve: { conditions: ['source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['source', 'node', 'import', 'default'] } },
    test: {
      include: extra.include ?? ['test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    },
  });
}
