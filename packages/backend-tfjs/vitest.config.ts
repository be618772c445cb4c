import { project } from '../../tooling/config/vitest.js';

export default project('backend-tfjs', { testTimeout: 120_000 });
