import { project } from '../../tooling/config/vitest.js';

export default project('interop', { testTimeout: 300_000 });
