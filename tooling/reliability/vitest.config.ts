import { project } from '../../tooling/config/vitest.js';

export default project('reliability', { testTimeout: 300_000 });
