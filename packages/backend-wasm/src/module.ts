// Loading the WebAssembly module: which build, where its bytes come from, and the typed exports.
// Builds (compiled from assembly/ by scripts/build-wasm.mjs):
//   wasm/rnn-simd.wasm           --enable simd (the default, runs on every engine with SIMD128)
//   wasm/rnn-relaxed-simd.wasm   --enable simd --enable relaxed-simd (f32x4.relaxed_madd in the hot loops)
//   wasm/rnn-simd-threads.wasm   --enable simd --enable threads, shared imported memory (worker pool)
//   wasm/rnn-relaxed-simd-threads.wasm   both
// Every build imports its memory as env.memory, so the backend creates it (with the caller's limits).

/** Pointers are byte offsets into linear memory; sizes are element counts. bool parameters take 0 / 1. */
export interface WasmExports {
  heapBase(): number;
  gemmWorkspaceBytes(): number;
  gemmSetWorkspace(p: number): void;
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    transA: boolean,
    b: number,
    ldb: number,
    transB: boolean,
    c: number,
    ldc: number,
    alpha: number,
    beta: number,
    bias: number,
  ): void;
  /** gemm, split across the worker pool in the threads build when it is large enough. */
  pgemm: WasmExports['gemm'];
  parControlBytes(): number;
  parInit(control: number, threads: number): void;
  fill(o: number, n: number, v: number): void;
  copy(src: number, dst: number, n: number): void;
  binary(op: number, a: number, b: number, o: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  scale(x: number, alpha: number, o: number, n: number): void;
  clip(x: number, lo: number, hi: number, o: number, n: number): void;
  activation(kind: number, x: number, o: number, n: number): void;
  activationGrad(kind: number, y: number, dy: number, o: number, n: number): void;
  sumRows(x: number, rows: number, cols: number, ld: number, o: number, beta: number): void;
  sumSquares(x: number, n: number): number;
  mulRows(x: number, m: number, o: number, rows: number, cols: number): void;
  copy2d(src: number, srcLd: number, dst: number, dstLd: number, rows: number, cols: number): void;
  add2d(src: number, srcLd: number, dst: number, dstLd: number, rows: number, cols: number): void;
  reverseTime(x: number, o: number, B: number, T: number, F: number, lens: number): void;
  gatherRows(table: number, E: number, idx: number, n: number, out: number): void;
  scatterAddRows(src: number, idx: number, n: number, table: number, E: number, skip: number, hasSkip: boolean): void;
  softmaxCrossEntropy(
    logits: number,
    labels: number,
    n: number,
    c: number,
    d: number,
    weights: number,
    ignore: number,
    hasIgnore: boolean,
  ): number;
  pointwiseLoss(kind: number, p: number, y: number, d: number, n: number, delta: number): number;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    b1: number,
    b2: number,
    eps: number,
    decay: number,
    step: number,
    c2: number,
  ): void;
  sgd(p: number, g: number, vel: number, n: number, lr: number, momentum: number, nesterov: boolean, wd: number): void;
  rmsprop(
    p: number,
    g: number,
    s: number,
    mom: number,
    n: number,
    lr: number,
    rho: number,
    eps: number,
    momentum: number,
    wd: number,
  ): void;
  adagrad(p: number, g: number, s: number, n: number, lr: number, eps: number, wd: number): void;
  mathEval(fn: number, x: number, out: number, n: number): void;
  lstmForward(
    B: number,
    T: number,
    I: number,
    H: number,
    act: number,
    rec: number,
    W: number,
    U: number,
    bias: number,
    x: number,
    h0: number,
    c0: number,
    out: number,
    hT: number,
    cT: number,
    R: number,
    lens: number,
  ): void;
  lstmBackwardScratch(B: number, T: number, H: number): number;
  lstmBackward(
    B: number,
    T: number,
    I: number,
    H: number,
    act: number,
    rec: number,
    W: number,
    U: number,
    x: number,
    h0: number,
    c0: number,
    out: number,
    R: number,
    lens: number,
    dOut: number,
    dhT: number,
    dcT: number,
    dW: number,
    dU: number,
    dBias: number,
    dx: number,
    dh0: number,
    dc0: number,
    norms: number,
    ws: number,
  ): void;
  gruForwardScratch(B: number, H: number): number;
  gruForward(
    B: number,
    T: number,
    I: number,
    H: number,
    act: number,
    rec: number,
    resetAfter: boolean,
    W: number,
    U: number,
    bias: number,
    recBias: number,
    x: number,
    h0: number,
    out: number,
    hT: number,
    R: number,
    lens: number,
    ws: number,
  ): void;
  gruBackwardScratch(B: number, T: number, H: number, resetAfter: boolean): number;
  gruBackward(
    B: number,
    T: number,
    I: number,
    H: number,
    act: number,
    rec: number,
    resetAfter: boolean,
    W: number,
    U: number,
    x: number,
    h0: number,
    out: number,
    R: number,
    lens: number,
    dOut: number,
    dhT: number,
    dW: number,
    dU: number,
    dBias: number,
    dRecBias: number,
    dx: number,
    dh0: number,
    norms: number,
    ws: number,
  ): void;
  rnnForward(
    B: number,
    T: number,
    I: number,
    H: number,
    act: number,
    W: number,
    U: number,
    bias: number,
    x: number,
    h0: number,
    out: number,
    hT: number,
    lens: number,
  ): void;
  rnnBackwardScratch(B: number, T: number, H: number): number;
  rnnBackward(
    B: number,
    T: number,
    I: number,
    H: number,
    act: number,
    W: number,
    U: number,
    x: number,
    h0: number,
    out: number,
    lens: number,
    dOut: number,
    dhT: number,
    dW: number,
    dU: number,
    dBias: number,
    dx: number,
    dh0: number,
    norms: number,
    ws: number,
  ): void;
}

export type BuildName = 'simd' | 'relaxed-simd' | 'simd-threads' | 'relaxed-simd-threads';

/** The package's own file of a build. Literal `new URL(..., import.meta.url)` so bundlers (Vite, webpack 5) emit the assets. */
export function buildFile(build: BuildName): URL {
  if (build === 'relaxed-simd') return new URL('../wasm/rnn-relaxed-simd.wasm', import.meta.url);
  if (build === 'simd-threads') return new URL('../wasm/rnn-simd-threads.wasm', import.meta.url);
  if (build === 'relaxed-simd-threads') return new URL('../wasm/rnn-relaxed-simd-threads.wasm', import.meta.url);
  return new URL('../wasm/rnn-simd.wasm', import.meta.url);
}

// A module returning f32x4.relaxed_madd of three zero vectors: valid only where relaxed SIMD is supported.
const zeros = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const RELAXED_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section
  0x0a,
  0x3d,
  0x01,
  0x3b,
  0x00,
  ...zeros,
  ...zeros,
  ...zeros,
  0xfd,
  0x85,
  0x02,
  0x0b, // code: relaxed_madd
]);

/** True when this engine validates relaxed SIMD (Chrome 114+, Node 22+, or Node 20 with --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** True when shared memories and Atomics exist (Node; browsers only when cross-origin isolated). */
export function threadsSupported(): boolean {
  try {
    if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

async function bytesOf(source: URL): Promise<BufferSource> {
  if (source.protocol === 'file:') {
    // Node (and Deno / Bun): read the file next to the package; imported lazily so browsers never see node:fs
    const [{ readFile }, { fileURLToPath }] = await Promise.all([import('node:fs/promises'), import('node:url')]);
    return readFile(fileURLToPath(source));
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`fetching ${source.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Compiles a build once per process (or the caller's bytes / URL every time they are given). */
export function compile(build: BuildName, custom?: BufferSource | URL): Promise<WebAssembly.Module> {
  if (custom !== undefined)
    return custom instanceof URL ? bytesOf(custom).then((b) => WebAssembly.compile(b)) : WebAssembly.compile(custom);
  let m = compiled.get(build);
  if (!m) {
    m = bytesOf(buildFile(build)).then((b) => WebAssembly.compile(b));
    m.catch(() => compiled.delete(build));
    compiled.set(build, m);
  }
  return m;
}

export function abort(message: number, file: number, line: number, column: number): never {
  throw new Error(`WebAssembly abort at ${file}:${line}:${column} (message ${message})`);
}
