// The worker pool for the threads build: worker_threads in Node, Web Workers in a cross-origin-isolated
// browser. Every worker instantiates the same compiled module on the same shared memory, sets its own GEMM
// workspace and parks in workerLoop(id) inside WebAssembly; from then on the calling thread hands out work
// through the control block (assembly/par.ts), with no messages. The calling thread blocks (atomic.wait) while
// workers run, which browsers allow only off the main thread: in a browser the backend must live in a Worker.
import type { Heap } from './heap.js';
import type { WasmExports } from './module.js';

interface Start {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  workspace: number;
  control: number;
  id: number;
  threads: number;
}

// Worker sources are strings (eval'd in Node, a Blob URL in browsers), so the package needs no worker file that
// bundlers would have to find.
const RUN = `
const abort = () => { throw new Error('WebAssembly abort in worker ' + s.id); };
const w = new WebAssembly.Instance(s.module, { env: { memory: s.memory, abort } }).exports;
w.gemmSetWorkspace(s.workspace);
w.parInit(s.control, s.threads);
post('ready');
w.workerLoop(s.id);
`;
const NODE_WORKER = `
const { parentPort, workerData: s } = require('node:worker_threads');
const post = (m) => parentPort.postMessage(m);
${RUN}`;
const WEB_WORKER = `
self.onmessage = (e) => {
  const s = e.data;
  const post = (m) => self.postMessage(m);
  ${RUN}
};`;

interface PoolWorker {
  /** Resolves when the worker has instantiated the module and is about to park. */
  ready: Promise<void>;
  terminate(): void;
}

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node;

/** Whether threads > 1 can run here, and why not. */
export function threadsUnavailableReason(): string | null {
  if (isNode()) return null;
  if (typeof Worker === 'undefined') return 'Web Workers';
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)
    return 'a cross-origin-isolated page (serve it with COOP: same-origin and COEP: require-corp)';
  // The calling thread blocks while the workers run; browsers forbid that on the main thread.
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined') return 'a Web Worker (the browser main thread cannot block)';
  return null;
}

async function nodeWorker(start: Start): Promise<PoolWorker> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(NODE_WORKER, { eval: true, workerData: start });
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m) => m === 'ready' && resolve());
    worker.on('error', reject);
  }).then(() => void worker.unref()); // once started, an idle pool never keeps the process alive
  return { ready, terminate: () => void worker.terminate() };
}

function webWorker(start: Start): PoolWorker {
  const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (e) => e.data === 'ready' && resolve();
    worker.onerror = (e) => reject(new Error(`backend-wasm worker ${start.id}: ${e.message}`));
  });
  worker.postMessage(start);
  return { ready, terminate: () => worker.terminate() };
}

export class ThreadPool {
  private constructor(
    private readonly workers: PoolWorker[],
    private readonly control: Int32Array,
  ) {}

  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    w: WasmExports,
    heap: Heap,
    threads: number,
  ): Promise<ThreadPool> {
    const control = heap.alloc(w.parControlBytes(), 'options.threads', 'no room for the thread control block').ptr;
    new Int32Array(memory.buffer, control, w.parControlBytes() >> 2).fill(0);
    w.parInit(control, threads);
    const workers: PoolWorker[] = [];
    try {
      for (let id = 1; id < threads; id++) {
        const workspace = heap.alloc(w.gemmWorkspaceBytes(), 'options.threads', 'no room for a worker GEMM workspace').ptr;
        const start = { module, memory, workspace, control, id, threads };
        workers.push(isNode() ? await nodeWorker(start) : webWorker(start));
      }
      await Promise.all(workers.map((wk) => wk.ready));
    } catch (e) {
      for (const wk of workers) wk.terminate();
      throw e;
    }
    return new ThreadPool(workers, new Int32Array(memory.buffer, control, 4));
  }

  /** Wakes every worker with the stop flag set; they leave workerLoop and exit. */
  terminate(): void {
    Atomics.store(this.control, 2, 1);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    for (const wk of this.workers) wk.terminate();
  }
}
