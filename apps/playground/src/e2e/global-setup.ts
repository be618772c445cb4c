// Builds the app once per test run for every end-to-end file (each reads the directory with
// `inject('appDir')`), and removes the build afterwards.
import type { TestProject } from 'vitest/node';
import { buildApp, removeBuild } from './harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    appDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = await buildApp();
  project.provide('appDir', dir);
  return () => removeBuild(dir);
}
