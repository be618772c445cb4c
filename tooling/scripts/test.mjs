#!/usr/bin/env node
// `pnpm test`: builds what tests need (turbo, cached: e.g. compiled WebAssembly), type-checks every package
// (tests included), runs every vitest project, and ends with the line `N passed, N failed` (CI reads it).
// Extra arguments go to vitest, e.g. `pnpm test --project core`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const bin = (name) => new URL(`../../node_modules/.bin/${name}`, import.meta.url).pathname;
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.TURBO_NO_UPDATE_NOTIFIER = '1';
const build = run(bin('turbo'), ['run', 'build', '--output-logs=errors-only']);
if (build !== 0) console.error('build failed');
const typecheck = run(bin('tsc'), ['-p', 'tsconfig.json']);
if (typecheck !== 0) console.error('type check failed');

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numFailedTestSuites ?? 0);
  skipped = r.numPendingTests + (r.numTodoTests ?? 0);
} catch {
  failed += 1; // no report: vitest itself failed
}
if (typecheck !== 0) failed += 1;
if (build !== 0) failed += 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
