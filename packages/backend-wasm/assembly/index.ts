// Entry point of the WebAssembly module: every export the TypeScript side calls (src/wasm.ts lists them).
export { gemm, gemmSetWorkspace, gemmWorkspaceBytes } from './gemm';
export { gruBackward, gruBackwardScratch, gruForward, gruForwardScratch } from './gru';
export { pointwiseLoss, softmaxCrossEntropy } from './loss';
export { lstmBackward, lstmBackwardScratch, lstmForward } from './lstm';
export { mathEval } from './math';
export {
  activation, activationGrad, add2d, axpy, binary, clip, copy, copy2d, fill, gatherRows, mulRows, reverseTime, scale,
  scatterAddRows, sumRows, sumSquares,
} from './ops';
export { adagrad, adam, rmsprop, sgd } from './optim';
export { parControlBytes, parInit, pgemm, workerLoop } from './par';
export { rnnBackward, rnnBackwardScratch, rnnForward } from './rnn';

/** First free byte after the static data: the TypeScript allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}
