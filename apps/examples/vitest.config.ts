import { project } from '../../tooling/config/vitest.js';

export default project('examples', { testTimeout: 300_000 });
