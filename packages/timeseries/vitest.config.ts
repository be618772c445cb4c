import { project } from '../../tooling/config/vitest.js';

export default project('timeseries', { testTimeout: 300_000 });
