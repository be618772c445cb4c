import { project } from '../../tooling/config/vitest.js';

export default project('nlp', { testTimeout: 300_000 });
