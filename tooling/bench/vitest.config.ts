import { project } from '../config/vitest.js';

export default project('bench', { testTimeout: 300_000 });
