import { project } from '../../tooling/config/vitest.js';

export default project('playground', { testTimeout: 180_000 });
