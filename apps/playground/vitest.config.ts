import { project } from '../../tooling/config/vitest.js';

// The end-to-end test files share one production build of the app (src/e2e/global-setup.ts).
export default project('playground', { testTimeout: 180_000, globalSetup: './src/e2e/global-setup.ts' });
