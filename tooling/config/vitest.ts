// Shared vitest project settings: resolve workspace packages to their TypeScript sources through the
// "source" export condition, so tests never need a build. (Vite's server conditions follow it.)
import { defineProject } from 'vitest/config';

const conditions = ['source', 'module', 'node', 'development|production'];

export function project(name: string, options: { testTimeout?: number; globalSetup?: string } = {}) {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
    },
  });
}
