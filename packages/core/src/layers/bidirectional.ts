// Bidirectional wrapper: one recurrent layer reads forwards, a second reads each sequence backwards within
// its own length, and their outputs are merged. Outputs are aligned with the input (step t of the backward
// direction has read steps t..len-1).
import type { Backend, Tensor } from '../backend/contract.js';
import { Workspace } from '../backend/pool.js';
import { type CellFactory, createCell } from '../cells/index.js';
import { checkOneOf } from '../errors.js';
import type { Rng } from '../random.js';
import type { ForwardOptions, Layer, LayerDef } from './layer.js';
import { type RecurrentLayer, type RecurrentOptions, recurrent } from './recurrent.js';

/**
 * concat: [..., 2H] (forward first); sum, mul, average: [..., H];
 * none: the directions on their own axis, [..., 2, H] (PyTorch's output.view(..., 2, H)).
 */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'average' | 'none';
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'average', 'none'];

export interface BidirectionalOptions extends Omit<RecurrentOptions, 'reverse' | 'stateful'> {
  /** Default 'concat'. */
  mergeMode?: MergeMode;
  /** The backward direction's cell; default a fresh cell with the forward cell's config. */
  backwardCell?: RecurrentOptions['cell'];
  /** For contributed cells, so the backward cell can be built from the forward cell's config. */
  extraCells?: Readonly<Record<string, CellFactory>>;
}

export interface BidirectionalLayer extends Layer {
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  freezeDropoutMasks(frozen: boolean): void;
}

export function bidirectional(options: BidirectionalOptions): LayerDef {
  const mergeMode = checkOneOf('bidirectional.mergeMode', options?.mergeMode ?? 'concat', MERGE_MODES);
  const { mergeMode: _m, backwardCell, extraCells, ...common } = options;
  const fwdDef = recurrent(common);
  const bwdDef = recurrent({ ...common, cell: backwardCell ?? createCell(options.cell.toConfig(), extraCells), reverse: true });
  return { build: (backend, rng, name) => buildBidirectional(backend, rng, name, fwdDef, bwdDef, mergeMode) };
}

function buildBidirectional(
  backend: Backend,
  rng: Rng,
  name: string,
  fwdDef: LayerDef,
  bwdDef: LayerDef,
  mergeMode: MergeMode,
): BidirectionalLayer {
  const fwd = fwdDef.build(backend, rng.fork(), `${name}.forward`) as RecurrentLayer;
  const bwd = bwdDef.build(backend, rng.fork(), `${name}.backward`) as RecurrentLayer;
  const ws = new Workspace(backend);
  let yF: Tensor | null = null;
  let yB: Tensor | null = null;

  const outputShape = (s: readonly number[]): number[] => {
    const o = fwd.outputShape(s);
    const h = o[o.length - 1]!;
    if (mergeMode === 'concat') return [...o.slice(0, -1), 2 * h];
    if (mergeMode === 'none') return [...o.slice(0, -1), 2, h];
    return o;
  };

  return {
    kind: 'bidirectional',
    forwardLayer: fwd,
    backwardLayer: bwd,
    params: [...fwd.params, ...bwd.params],
    outputShape,
    forward(x: Tensor, o: ForwardOptions): Tensor {
      const out = ws.get('y', outputShape(x.shape));
      yF = fwd.forward(x, o);
      yB = bwd.forward(x, o);
      if (mergeMode === 'concat' || mergeMode === 'none') {
        // 'none' has the same memory layout as 'concat'; copy through a view of concat's shape
        const flat = mergeMode === 'none' ? ws.get('y.flat', [...yF.shape.slice(0, -1), 2 * yF.shape[yF.shape.length - 1]!]) : out;
        backend.concat([yF, yB], flat);
        if (flat !== out) backend.copy(flat, out);
      } else if (mergeMode === 'mul') backend.mul(yF, yB, out);
      else {
        backend.add(yF, yB, out);
        if (mergeMode === 'average') backend.scale(out, 0.5, out);
      }
      return out;
    },
    backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
      const dF = ws.get('dF', yF!.shape);
      const dB = ws.get('dB', yB!.shape);
      if (mergeMode === 'concat' || mergeMode === 'none') {
        let d = dy;
        if (mergeMode === 'none') {
          d = ws.get('dy.flat', [...yF!.shape.slice(0, -1), 2 * yF!.shape[yF!.shape.length - 1]!]);
          backend.copy(dy, d);
        }
        backend.split(d, [dF, dB]);
      } else if (mergeMode === 'mul') {
        backend.mul(dy, yB!, dF);
        backend.mul(dy, yF!, dB);
      } else {
        const s = mergeMode === 'average' ? 0.5 : 1;
        backend.scale(dy, s, dF);
        backend.scale(dy, s, dB);
      }
      const dxF = fwd.backward(dF, needInputGrad);
      const dxB = bwd.backward(dB, needInputGrad);
      if (!needInputGrad) return null;
      const dx = ws.get('dx', dxF!.shape);
      backend.add(dxF!, dxB!, dx);
      return dx;
    },
    resetState() {
      fwd.resetState();
      bwd.resetState();
    },
    freezeDropoutMasks(f: boolean) {
      fwd.freezeDropoutMasks(f);
      bwd.freezeDropoutMasks(f);
    },
    getRandomState: () => [...fwd.getRandomState!(), ...bwd.getRandomState!()],
    setRandomState(s) {
      fwd.setRandomState!(s.slice(0, 6));
      bwd.setRandomState!(s.slice(6));
    },
    toConfig: () => ({ kind: 'bidirectional', mergeMode, forward: fwd.toConfig(), backward: bwd.toConfig() }),
    dispose() {
      fwd.dispose();
      bwd.dispose();
      ws.dispose();
    },
  };
}
