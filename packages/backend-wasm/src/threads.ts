// The worker pool for the threads build (Node's worker_threads). Every worker instantiates the same compiled
// module on the same shared memory, sets its own GEMM workspace and parks in workerLoop(id) inside WebAssembly;
// from then on the calling thread hands out work through the control block (assembly/par.ts), with no messages.
import type { Heap } from './heap.js';
import type { WasmExports } from './module.js';

// CommonJS source of a worker (eval'd, so the package needs no separate worker file next to dist/ or src/).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, workspace, control, id, threads } = workerData;
const abort = () => { throw new Error('WebAssembly abort in worker ' + id); };
const w = new WebAssembly.Instance(module, { env: { memory, abort } }).exports;
w.gemmSetWorkspace(workspace);
w.parInit(control, threads);
parentPort.postMessage('ready');
w.workerLoop(id);
parentPort.postMessage('stopped');
`;

interface WorkerLike {
  on(event: 'message', f: (m: unknown) => void): void;
  on(event: 'error', f: (e: Error) => void): void;
  once(event: 'exit', f: () => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

export class ThreadPool {
  private constructor(
    private readonly workers: WorkerLike[],
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
    const { Worker } = await import('node:worker_threads');
    const workers: WorkerLike[] = [];
    try {
      await Promise.all(
        Array.from({ length: threads - 1 }, (_, i) => {
          const workspace = heap.alloc(w.gemmWorkspaceBytes(), 'options.threads', 'no room for a worker GEMM workspace').ptr;
          const worker = new Worker(WORKER, { eval: true, workerData: { module, memory, workspace, control, id: i + 1, threads } });
          workers.push(worker);
          return new Promise<void>((resolve, reject) => {
            worker.on('message', (m) => m === 'ready' && resolve());
            worker.on('error', reject);
          });
        }),
      );
    } catch (e) {
      await Promise.all(workers.map((wk) => wk.terminate()));
      throw e;
    }
    for (const wk of workers) wk.unref(); // an idle pool never keeps the process alive
    return new ThreadPool(workers, new Int32Array(memory.buffer, control, 4));
  }

  /** Wakes every worker with the stop flag set; they leave workerLoop and exit. */
  terminate(): void {
    Atomics.store(this.control, 2, 1);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    for (const wk of this.workers) void wk.terminate();
  }
}
