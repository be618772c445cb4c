// Child process: a threaded wasm backend must start in a plain Node process (nothing else keeps the event loop
// alive while the workers boot) and must not keep the process alive afterwards, disposed or not.
import { wasmBackend } from '@rnn/backend-wasm';

const [mode] = process.argv.slice(2);
const backend = wasmBackend({ threads: 2 });
await backend.ready();
const t = backend.tensor([2], [1, 2]);
process.stdout.write(`${backend.name} ${Array.from(backend.read(t)).join(',')}\n`);
if (mode === 'dispose') backend.dispose();
// no process.exit(): the process must end on its own
