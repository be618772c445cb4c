import { project } from '../../tooling/config/vitest.js';

export default project('speech', { testTimeout: 300_000 });
