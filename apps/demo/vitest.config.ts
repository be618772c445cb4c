import { project } from '../../tooling/config/vitest.js';

export default project('demo');
