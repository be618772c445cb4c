// `pnpm start`: serves the built playground (dist/app) with cross-origin isolation headers and prints its URL.
//   node dist/server/main.js [--port 4173] [--host 127.0.0.1]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkRange, InvalidArgumentError } from '@rnn/core';
import { createStaticServer } from './static.js';

export interface ServeOptions {
  port: number;
  host: string;
}

export function parseArgs(args: readonly string[]): ServeOptions {
  const options: ServeOptions = { port: 4173, host: '127.0.0.1' };
  const argv = args.filter((a) => a !== '--'); // `pnpm start -- --port 8080` passes the separator on
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (flag === '--port') options.port = checkRange('--port', value === undefined ? value : Number(value), 0, 65535);
    else if (flag === '--host' && value) options.host = value;
    else throw new InvalidArgumentError('arguments', '--port <0-65535> and/or --host <address>', flag);
    if (!Number.isInteger(options.port)) throw new InvalidArgumentError('--port', 'an integer in [0, 65535]', value);
  }
  return options;
}

function main(): void {
  const root = fileURLToPath(new URL('../app/', import.meta.url));
  if (!existsSync(`${root}index.html`)) {
    console.error(`No build in ${root}: run "pnpm --filter @rnn/playground build" (pnpm start at the repository root does).`);
    process.exit(1);
  }
  let options: ServeOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
  const { port, host } = options;
  const server = createStaticServer(root);
  server.on('error', (e: NodeJS.ErrnoException) => {
    console.error(e.code === 'EADDRINUSE' ? `Port ${port} is in use: pass --port <another>.` : e.message);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    console.log(`rnn playground: http://${host.includes(':') ? `[${host}]` : host}:${actual}/  (cross-origin isolated; Ctrl+C to stop)`);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
