import { project } from '../../tooling/config/vitest.js';

export default project('docs', { testTimeout: 300_000 });
