// Runs the child scripts in children/ with plain Node on the built packages (pnpm test builds them first).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const childScript = (name: string): string => fileURLToPath(new URL(`../children/${name}`, import.meta.url));

/** Fails with a clear message when the packages the children import have not been built. */
export function requireBuilt(): void {
  for (const pkg of ['core', 'backend-js', 'backend-wasm', 'backend-tfjs']) {
    const dist = fileURLToPath(new URL(`../../../packages/${pkg}/dist/index.js`, import.meta.url));
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run pnpm build first (pnpm test does)`);
  }
}

export function runChild(name: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${name} ${args.join(' ')} exited with ${code}: ${err}`));
    });
  });
}
