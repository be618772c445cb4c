// pgemm: every GEMM of the fused kernels (input projections, per-step recurrent GEMMs, weight and input
// gradients) and the gemm primitive go through here.
//
// Threads build only (ASC_FEATURE_THREADS, shared imported memory): the calling instance is thread 0; workers are
// other instances of this module on the same memory, each parked in workerLoop(). A job is published in a
// control block (args, then a generation counter bumped with atomic.add + notify); every thread takes a fixed
// contiguous range of rows (a multiple of the 4-row tile), so results depend only on the thread count; the
// caller then waits (atomic.wait on the done counter) until every worker has finished. Small GEMMs, and every
// build without threads, run single-threaded.
import { gemm, gemmRows } from './gemm';
import { gruBackStepRows, gruStepRows } from './gru';
import { lstmBackStepRows, lstmStepRows } from './lstm';
import { rnnBackStepRows, rnnStepRows } from './rnn';

/** Below this many multiply-adds a GEMM is not split (waking a worker costs tens of microseconds). */
const MIN_WORK: i64 = 1 << 19;

// Control block (set by parInit): i32 slots.
const GEN = 0;
const DONE = 4;
const STOP = 8;
const KIND = 12;
const ARGS = 16;

// Job kinds. A step job runs one time step of a fused kernel on a block of batch rows: that block's rows of the
// recurrent GEMM, then the gates of those rows (rows are independent, so the result does not depend on the split).
const JOB_GEMM = 0;
export const JOB_LSTM_STEP = 1;
export const JOB_LSTM_BACK_STEP = 2;
export const JOB_GRU_STEP = 3;
export const JOB_GRU_BACK_STEP = 4;
export const JOB_RNN_STEP = 5;
export const JOB_RNN_BACK_STEP = 6;

let ctrl: usize = 0;
let nThreads: i32 = 1;

/** Bytes of the control block parInit needs. */
export function parControlBytes(): i32 {
  return ARGS + 32 * 4;
}

export function parInit(control: usize, threads: i32): void {
  ctrl = control;
  nThreads = threads;
}

function rowsStart(id: i32, m: i32, threads: i32): i32 {
  const per = ((m + threads - 1) / threads + 3) & ~3;
  return min(m, id * per);
}

function runSlice(id: i32): void {
  const p = ctrl + ARGS;
  const m = load<i32>(p);
  const i0 = rowsStart(id, m, nThreads);
  const i1 = rowsStart(id + 1, m, nThreads);
  const kind = load<i32>(ctrl + KIND);
  if (kind == JOB_LSTM_STEP) return lstmStepRows(i0, i1, p);
  if (kind == JOB_LSTM_BACK_STEP) return lstmBackStepRows(i0, i1, p);
  if (kind == JOB_GRU_STEP) return gruStepRows(i0, i1, p);
  if (kind == JOB_GRU_BACK_STEP) return gruBackStepRows(i0, i1, p);
  if (kind == JOB_RNN_STEP) return rnnStepRows(i0, i1, p);
  if (kind == JOB_RNN_BACK_STEP) return rnnBackStepRows(i0, i1, p);
  gemmRows(
    i0, i1, load<i32>(p, 4), load<i32>(p, 8),
    load<usize>(p, 12), load<i32>(p, 16), load<i32>(p, 20) != 0,
    load<usize>(p, 24), load<i32>(p, 28), load<i32>(p, 32) != 0,
    load<usize>(p, 36), load<i32>(p, 40),
    load<f32>(p, 44), load<f32>(p, 48), load<usize>(p, 52),
  );
}

export function pgemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, bias: usize,
): void {
  if (splitsRows(m, <i64>m * <i64>n * <i64>k)) {
    const p = ctrl + ARGS;
    store<i32>(p, n, 4);
    store<i32>(p, k, 8);
    store<usize>(p, a, 12);
    store<i32>(p, lda, 16);
    store<i32>(p, transA ? 1 : 0, 20);
    store<usize>(p, b, 24);
    store<i32>(p, ldb, 28);
    store<i32>(p, transB ? 1 : 0, 32);
    store<usize>(p, c, 36);
    store<i32>(p, ldc, 40);
    store<f32>(p, alpha, 44);
    store<f32>(p, beta, 48);
    store<usize>(p, bias, 52);
    runJob(JOB_GEMM, m);
    return;
  }
  gemm(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, alpha, beta, bias);
}

/** Whether a job of m rows and `work` multiply-adds is split across the threads (threads build only). */
export function splitsRows(m: i32, work: i64): bool {
  return ASC_FEATURE_THREADS && nThreads > 1 && m >= 8 * nThreads && work >= MIN_WORK;
}

/**
 * Starts a step job's arguments with the header every step job has (T, t, H, act, rec at offsets 4..20; m at 0 is
 * runJob's) and returns the block: the kernel stores its own arguments from offset 24 on, its rows function reads
 * them back at the same offsets.
 */
export function stepJob(T: i32, t: i32, H: i32, act: i32, rec: i32): usize {
  const p = ctrl + ARGS;
  store<i32>(p, T, 4);
  store<i32>(p, t, 8);
  store<i32>(p, H, 12);
  store<i32>(p, act, 16);
  store<i32>(p, rec, 20);
  return p;
}

/** Runs job `kind` over m rows on every thread; its arguments are already in the block from offset 4 on. */
export function runJob(kind: i32, m: i32): void {
  if (ASC_FEATURE_THREADS) {
    store<i32>(ctrl + KIND, kind);
    store<i32>(ctrl + ARGS, m);
    atomic.store<i32>(ctrl + DONE, 0);
    atomic.add<i32>(ctrl + GEN, 1); // publishes the arguments (sequentially consistent)
    atomic.notify(ctrl + GEN, nThreads - 1);
    runSlice(0);
    const others = nThreads - 1;
    for (;;) {
      const d = atomic.load<i32>(ctrl + DONE);
      if (d >= others) break;
      atomic.wait<i32>(ctrl + DONE, d, -1);
    }
  }
}

/** A worker's life: wait for a new generation, run its rows, count itself done; return when stopped. */
export function workerLoop(id: i32): void {
  if (ASC_FEATURE_THREADS) {
    let gen = atomic.load<i32>(ctrl + GEN);
    for (;;) {
      atomic.wait<i32>(ctrl + GEN, gen, -1);
      if (atomic.load<i32>(ctrl + STOP) != 0) return;
      const g = atomic.load<i32>(ctrl + GEN);
      if (g == gen) continue;
      gen = g;
      runSlice(id);
      atomic.add<i32>(ctrl + DONE, 1);
      atomic.notify(ctrl + DONE, 1);
    }
  }
}
