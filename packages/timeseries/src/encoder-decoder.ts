// A sequence-to-sequence forecaster as one Layer, so Sequential trains, evaluates and predicts it:
// an encoder stack reads the `lookback` input steps; each decoder layer starts from the final state of the
// encoder layer at its depth (h, and c for an LSTM) and runs over the `horizon` steps; a dense head maps
// every decoder output to one value.
//
// Input x [B, lookback + horizon, F]: steps 0..lookback-1 are the encoder's inputs, the last `horizon` steps
// carry the decoder's inputs in their last `decoderInputSize` columns (known future covariates); the other
// columns of those steps are not read. With decoderInputSize 0 the decoder reads zeros. Output [B, horizon].
//
// Backward runs the head and the decoder, hands each decoder layer's initial-state gradient to its encoder
// layer as a final-state gradient (RecurrentLayer.setFinalStateGrad), then runs the encoder.
import {
  type Backend,
  type Cell,
  checkNonNegativeInt,
  checkOneOf,
  checkPositiveInt,
  checkRange,
  dense,
  type ForwardOptions,
  gru,
  type Layer,
  type LayerDef,
  lstm,
  type RecurrentLayer,
  type Rng,
  recurrent,
  ShapeError,
  simpleRnn,
  type Tensor,
  UnsupportedError,
  Workspace,
} from '@rnn/core';

export type CellKind = 'gru' | 'lstm' | 'rnn';
export const CELL_KINDS: readonly CellKind[] = ['gru', 'lstm', 'rnn'];

/** The core cell of a kind: GRU (reset-after), LSTM, or the simple (Elman, tanh) RNN. */
export function makeCell(kind: CellKind, inputSize: number, hiddenSize: number): Cell {
  return (kind === 'lstm' ? lstm : kind === 'rnn' ? simpleRnn : gru)({ inputSize, hiddenSize });
}

export interface EncoderDecoderOptions {
  /** Default 'gru'. */
  cell?: CellKind;
  /** Features per input step (x.shape[2]). */
  inputSize: number;
  /** Trailing input columns the decoder reads at its steps; 0 for none. */
  decoderInputSize: number;
  hiddenSize: number;
  /** Encoder and decoder depth. Default 1. */
  layers?: number;
  lookback: number;
  horizon: number;
  /** Variational input dropout of every recurrent layer. Default 0. */
  dropout?: number;
}

export interface EncoderDecoderLayer extends Layer {
  readonly encoder: readonly RecurrentLayer[];
  readonly decoder: readonly RecurrentLayer[];
}

export function encoderDecoder(options: EncoderDecoderOptions): LayerDef {
  const cell = checkOneOf('encoderDecoder.cell', options?.cell ?? 'gru', CELL_KINDS);
  const F = checkPositiveInt('encoderDecoder.inputSize', options.inputSize);
  const K = checkNonNegativeInt('encoderDecoder.decoderInputSize', options.decoderInputSize);
  if (K > F) throw new ShapeError('encoderDecoder.decoderInputSize', `at most inputSize (${F})`, K);
  const hidden = checkPositiveInt('encoderDecoder.hiddenSize', options.hiddenSize);
  const depth = checkPositiveInt('encoderDecoder.layers', options.layers ?? 1);
  const L = checkPositiveInt('encoderDecoder.lookback', options.lookback);
  const H = checkPositiveInt('encoderDecoder.horizon', options.horizon);
  const rate = checkRange('encoderDecoder.dropout', options.dropout ?? 0, 0, 1, true);
  const config = {
    kind: 'encoderDecoder',
    cell,
    inputSize: F,
    decoderInputSize: K,
    hiddenSize: hidden,
    layers: depth,
    lookback: L,
    horizon: H,
    dropout: rate,
  };

  return {
    build(backend: Backend, rng: Rng, name: string): EncoderDecoderLayer {
      const stack = (role: string, first: number, lastReturnsSequences: boolean): RecurrentLayer[] =>
        Array.from(
          { length: depth },
          (_, k) =>
            recurrent({
              cell: makeCell(cell, k === 0 ? first : hidden, hidden),
              returnSequences: k < depth - 1 || lastReturnsSequences,
              dropout: rate,
            }).build(backend, rng.fork(), `${name}.${role}.${k}`) as RecurrentLayer,
        );
      const enc = stack('encoder', F, false);
      const dec = stack('decoder', Math.max(K, 1), true);
      const head = dense({ inputSize: hidden, outputSize: 1 }).build(backend, rng.fork(), `${name}.head`);
      const ws = new Workspace(backend);
      let B = 0;

      const outputShape = (s: readonly number[]): number[] => {
        if (s.length !== 3 || s[1] !== L + H || s[2] !== F)
          throw new ShapeError('x.shape', `[batch, ${L + H} (lookback + horizon), ${F}]`, `[${s.join(', ')}]`);
        return [s[0]!, H];
      };

      /** Splits one [B, F] row into its leading columns and the decoder's trailing K columns. */
      const parts = (): [Tensor, Tensor] => [ws.get('row.lead', [B, F - K]), ws.get('row.decoder', [B, K])];

      function forward(x: Tensor, o: ForwardOptions): Tensor {
        outputShape(x.shape);
        if (o.lengths) throw new UnsupportedError('lengths', 'equal-length windows (no lengths) for the encoder-decoder', o.lengths);
        B = x.shape[0]!;
        const row = ws.get('row', [B, F]);
        const encX = ws.get('encoder.x', [B, L, F]);
        for (let t = 0; t < L; t++) {
          backend.getStep(x, t, row);
          backend.setStep(encX, t, row);
        }
        const decX = ws.get('decoder.x', [B, H, Math.max(K, 1)]);
        if (K === 0) backend.fill(decX, 0);
        for (let t = 0; K > 0 && t < H; t++) {
          backend.getStep(x, L + t, row);
          if (K === F) backend.setStep(decX, t, row);
          else {
            const [lead, tail] = parts();
            backend.split(row, [lead, tail]);
            backend.setStep(decX, t, tail);
          }
        }
        const opts: ForwardOptions = { training: o.training, dropout: o.dropout, carryState: false, lengths: null };
        let h = encX;
        for (const layer of enc) h = layer.forward(h, opts);
        let d = decX;
        dec.forEach((layer, k) => {
          layer.setInitialState(enc[k]!.finalState);
          d = layer.forward(d, opts);
        });
        const y = ws.get('y', [B, H]);
        backend.copy(head.forward(d, opts), y); // [B, H, 1] -> [B, H], same memory layout
        return y;
      }

      function backward(dy: Tensor, needInputGrad: boolean): Tensor | null {
        const dy3 = ws.get('dy3', [B, H, 1]);
        backend.copy(dy, dy3);
        let g: Tensor | null = head.backward(dy3, true);
        let decDx: Tensor | null = null;
        for (let k = depth - 1; k >= 0; k--) {
          g = dec[k]!.backward(g!, k > 0 || (needInputGrad && K > 0));
          if (k === 0) decDx = g;
          enc[k]!.setFinalStateGrad(dec[k]!.initialStateGrad);
        }
        let e: Tensor | null = ws.zeros('encoder.dy', [B, hidden]); // the top encoder's output is not used
        for (let k = depth - 1; k >= 0; k--) e = enc[k]!.backward(e!, k > 0 || needInputGrad);
        if (!needInputGrad) return null;
        const dx = ws.zeros('dx', [B, L + H, F]);
        const row = ws.get('row', [B, F]);
        for (let t = 0; t < L; t++) {
          backend.getStep(e!, t, row);
          backend.setStep(dx, t, row);
        }
        for (let t = 0; decDx && t < H; t++) {
          if (K === F) backend.getStep(decDx, t, row);
          else {
            const [lead, tail] = parts();
            backend.getStep(decDx, t, tail);
            backend.fill(lead, 0);
            backend.concat([lead, tail], row);
          }
          backend.setStep(dx, L + t, row);
        }
        return dx;
      }

      const all: Layer[] = [...enc, ...dec, head];
      return {
        kind: 'encoderDecoder',
        encoder: enc,
        decoder: dec,
        params: all.flatMap((l) => l.params),
        outputShape,
        forward,
        backward,
        resetState: () => all.forEach((l) => l.resetState()),
        toConfig: () => ({ ...config }),
        dispose() {
          for (const l of all) l.dispose();
          ws.dispose();
        },
      };
    },
  };
}
