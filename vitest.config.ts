import { defineConfig } from 'vitest/config';

// One vitest run over every workspace project; each project has its own vitest.config.ts (defineProject).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/*'],
  },
});
