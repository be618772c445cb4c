import { mergeConfig } from 'vitest/config';
import { project } from '../../tooling/config/vitest.js';

// Test workers run with relaxed SIMD enabled (Node 20 ships it behind a flag), so both the relaxed-SIMD build
// ('auto') and the plain SIMD build (relaxedSimd: false) are exercised.
export default mergeConfig(project('backend-wasm'), { test: { execArgv: ['--experimental-wasm-relaxed-simd'] } });
