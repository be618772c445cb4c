// An encoder-decoder with attention, composed from core layers through the Layer contract:
//   source ids -> embedding -> dropout -> BiLSTM encoder (hiddenSize / 2 per direction, outputs concatenated: the memory)
//   decoder initial state = [forward final state ; backward final state] (h and c), through setInitialState
//   target ids (BOS y_1 .. y_n) -> embedding -> dropout -> LSTM decoder -> Luong attention over the memory
//   -> dropout -> dense -> softmax over the target vocabulary, scored against y_1 .. y_n EOS (teacher forcing).
// Backward runs the same path in reverse; the decoder's initialStateGrad reaches the encoder through
// setFinalStateGrad. The output projection (the largest GEMM) runs only on the rows of real target tokens.
import {
  type Backend,
  type BidirectionalLayer,
  bidirectional,
  checkPositiveInt,
  checkRange,
  dense,
  dropout,
  embedding,
  type ForwardOptions,
  InvalidArgumentError,
  type Layer,
  type LayerDef,
  lstm,
  type Parameter,
  type RecurrentLayer,
  type Rng,
  recurrent,
  softmaxCrossEntropy,
  type Tensor,
  Workspace,
} from '@rnn/core';
import { lstmParameters } from '../bundle.js';
import { logSoftmax } from '../lm/index.js';
import type { PaddedBatch } from '../text/index.js';
import { type AttentionLayer, attention } from './attention.js';
import type { StepDecoder } from './decoding.js';

export interface Seq2SeqConfig {
  sourceVocabSize: number;
  targetVocabSize: number;
  embeddingSize: number;
  /** Decoder units; each encoder direction has half. Must be even. */
  hiddenSize: number;
  /** Dropout on both embeddings and on the attentional states. */
  dropout: number;
}

export interface Seq2SeqBatch {
  /** Source ids [B, S] and lengths. */
  source: PaddedBatch;
  /** Decoder inputs [B, T]: BOS y_1 .. y_n, and lengths n + 1. */
  targetIn: PaddedBatch;
  /** Decoder targets [B · T]: y_1 .. y_n EOS, -1 on padding. */
  targetOut: Int32Array;
}

const IGNORE = -1;

export function checkSeq2SeqConfig(c: Seq2SeqConfig): Seq2SeqConfig {
  const hiddenSize = checkPositiveInt('hiddenSize', c.hiddenSize);
  if (hiddenSize % 2 !== 0) throw new InvalidArgumentError('hiddenSize', 'an even number (each encoder direction has half)', hiddenSize);
  return {
    sourceVocabSize: checkPositiveInt('sourceVocabSize', c.sourceVocabSize),
    targetVocabSize: checkPositiveInt('targetVocabSize', c.targetVocabSize),
    embeddingSize: checkPositiveInt('embeddingSize', c.embeddingSize),
    hiddenSize,
    dropout: checkRange('dropout', c.dropout, 0, 1, true),
  };
}

/**
 * The weights a Seq2Seq of these sizes has: two embeddings, the BiLSTM encoder (H/2 per direction), the LSTM
 * decoder, attention (score kernel [H, H], combine [2H, H] without bias) and the output layer.
 */
export function seq2seqParameters(c: {
  sourceVocabSize: number;
  targetVocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
}): number {
  const [E, H] = [c.embeddingSize, c.hiddenSize];
  return (
    (c.sourceVocabSize + c.targetVocabSize) * E +
    2 * lstmParameters(E, H / 2) +
    lstmParameters(E, H) +
    H * H +
    2 * H * H +
    H * c.targetVocabSize +
    c.targetVocabSize
  );
}

export class Seq2Seq {
  readonly params: readonly Parameter[];
  private readonly sourceEmbedding: Layer;
  private readonly sourceDropout: Layer;
  private readonly encoder: BidirectionalLayer;
  private readonly targetEmbedding: Layer;
  private readonly targetDropout: Layer;
  private readonly decoder: RecurrentLayer;
  private readonly attention: AttentionLayer;
  private readonly outputDropout: Layer;
  private readonly output: Layer;
  private readonly crossEntropy = softmaxCrossEntropy();
  private readonly ws: Workspace;
  private readonly config: Seq2SeqConfig;

  constructor(
    readonly backend: Backend,
    config: Seq2SeqConfig,
    rng: Rng,
  ) {
    const c = checkSeq2SeqConfig(config);
    this.config = c;
    const H = c.hiddenSize;
    const build = (def: LayerDef, name: string): Layer => def.build(backend, rng.fork(), name);
    this.sourceEmbedding = build(
      embedding({ vocabSize: c.sourceVocabSize, embeddingSize: c.embeddingSize, paddingIndex: 0 }),
      'sourceEmbedding',
    );
    this.sourceDropout = build(dropout({ rate: c.dropout }), 'sourceDropout');
    this.encoder = build(
      bidirectional({ cell: lstm({ inputSize: c.embeddingSize, hiddenSize: H / 2 }), mergeMode: 'concat', returnSequences: true }),
      'encoder',
    ) as BidirectionalLayer;
    this.targetEmbedding = build(
      embedding({ vocabSize: c.targetVocabSize, embeddingSize: c.embeddingSize, paddingIndex: 0 }),
      'targetEmbedding',
    );
    this.targetDropout = build(dropout({ rate: c.dropout }), 'targetDropout');
    this.decoder = build(
      recurrent({ cell: lstm({ inputSize: c.embeddingSize, hiddenSize: H }), returnSequences: true }),
      'decoder',
    ) as RecurrentLayer;
    this.attention = attention({ querySize: H, memorySize: H, outputSize: H }).build(backend, rng.fork(), 'attention');
    this.outputDropout = build(dropout({ rate: c.dropout }), 'outputDropout');
    this.output = build(dense({ inputSize: H, outputSize: c.targetVocabSize }), 'output');
    this.params = this.layers.flatMap((l) => l.params);
    this.ws = new Workspace(backend);
  }

  private get layers(): Layer[] {
    return [
      this.sourceEmbedding,
      this.sourceDropout,
      this.encoder,
      this.targetEmbedding,
      this.targetDropout,
      this.decoder,
      this.attention,
      this.outputDropout,
      this.output,
    ];
  }

  /** Encodes a source batch; returns the memory [B, S, H] and the decoder's initial state (h, c), owned by the model. */
  private encode(source: PaddedBatch, o: ForwardOptions): { memory: Tensor; state: [Tensor, Tensor] } {
    const [B, S] = source.shape;
    const ids = this.ws.get('source', [B, S]);
    this.backend.write(ids, source.data);
    const x = this.sourceDropout.forward(this.sourceEmbedding.forward(ids, o), o);
    const memory = this.encoder.forward(x, { ...o, lengths: source.lengths });
    const H = this.config.hiddenSize;
    const state = ['h0', 'c0'].map((name, k) => {
      const t = this.ws.get(name, [B, H]);
      this.backend.concat([this.encoder.forwardLayer.finalState[k]!, this.encoder.backwardLayer.finalState[k]!], t);
      return t;
    }) as [Tensor, Tensor];
    return { memory, state };
  }

  /**
   * Teacher-forced mean cross-entropy per target token. With `withGradients`, runs in training mode (dropout on)
   * and accumulates every parameter's gradient (zero them first); without, runs in inference mode.
   */
  lossOn(batch: Seq2SeqBatch, withGradients: boolean): number {
    const { backend, ws } = this;
    const o: ForwardOptions = { training: withGradients };
    const [B, T] = batch.targetIn.shape;
    if (batch.source.shape[0] !== B || batch.targetOut.length !== B * T)
      throw new InvalidArgumentError('batch', `source, targetIn and targetOut for the same ${B} × ${T} samples`, batch.targetOut.length);
    const { memory, state } = this.encode(batch.source, o);
    const yIn = ws.get('targetIn', [B, T]);
    backend.write(yIn, batch.targetIn.data);
    this.decoder.setInitialState(state);
    const decoded = this.decoder.forward(this.targetDropout.forward(this.targetEmbedding.forward(yIn, o), o), {
      ...o,
      lengths: batch.targetIn.lengths,
    });
    this.attention.setMemory(memory, batch.source.lengths);
    const attended = this.outputDropout.forward(this.attention.forward(decoded, o), o);
    // only the rows of real target tokens go through the output projection
    const rows: number[] = [];
    const labels: number[] = [];
    batch.targetOut.forEach((y, i) => {
      if (y === IGNORE) return;
      rows.push(i);
      labels.push(y);
    });
    const N = rows.length;
    const rowIds = ws.get('rows', [N]);
    backend.write(rowIds, rows);
    const compact = ws.get('compact', [N, this.config.hiddenSize]);
    backend.gatherRows(attended, rowIds, compact);
    const logits = this.output.forward(compact, o);
    const dLogits = withGradients ? ws.get('dLogits', logits.shape) : null;
    const loss = this.crossEntropy.compute(backend, logits, { data: Int32Array.from(labels), shape: [N] }, dLogits, ws);
    if (!dLogits) return loss;

    const dCompact = this.output.backward(dLogits, true)!;
    const dAttended = ws.zeros('dAttended', attended.shape);
    backend.scatterAddRows(dCompact, rowIds, dAttended, null);
    const dDecoded = this.attention.backward(this.outputDropout.backward(dAttended, true)!, true)!;
    this.targetEmbedding.backward(this.targetDropout.backward(this.decoder.backward(dDecoded, true)!, true)!, false);
    // the decoder's initial-state gradient, split between the encoder directions' final states
    const half = this.config.hiddenSize / 2;
    const [dF, dB] = this.decoder.initialStateGrad.map((g, k) => {
      const f = ws.get(`dState.forward${k}`, [B, half]);
      const b = ws.get(`dState.backward${k}`, [B, half]);
      backend.split(g, [f, b]);
      return [f, b];
    }) as [[Tensor, Tensor], [Tensor, Tensor]];
    this.encoder.forwardLayer.setFinalStateGrad([dF[0], dB[0]]);
    this.encoder.backwardLayer.setFinalStateGrad([dF[1], dB[1]]);
    const dSource = this.encoder.backward(this.attention.memoryGrad, true)!;
    this.sourceEmbedding.backward(this.sourceDropout.backward(dSource, true)!, false);
    return loss;
  }

  /**
   * Encodes the sources and hands `use` a step decoder whose initial-state row b is source b (see beam.ts);
   * releases the decoding state afterwards.
   */
  decode<R>(source: PaddedBatch, use: (decoder: StepDecoder) => R): R {
    const { backend } = this;
    const session = new Workspace(backend);
    const o: ForwardOptions = { training: false };
    const H = this.config.hiddenSize;
    const V = this.config.targetVocabSize;
    const [B0, S] = source.shape;
    try {
      const encoded = this.encode(source, o);
      const memory = session.get('memory', [B0, S, H]);
      backend.copy(encoded.memory, memory);
      let state = encoded.state.map((t, k) => {
        const keep = session.get(`state${k}@init`, t.shape);
        backend.copy(t, keep);
        return keep;
      });
      let roots = Int32Array.from({ length: B0 }, (_, b) => b);
      let calls = 0;
      const decoder: StepDecoder = {
        vocabSize: V,
        step: (parents, tokens) => {
          const n = parents.length;
          if (tokens.length !== n) throw new InvalidArgumentError('tokens', `${n} tokens (one per parent)`, tokens.length);
          parents.forEach((p, i) => {
            if (!Number.isInteger(p) || p < 0 || p >= roots.length)
              throw new InvalidArgumentError(`parents[${i}]`, `a row in [0, ${roots.length - 1}]`, p);
          });
          roots = Int32Array.from(parents, (p) => roots[p]!);
          const parentIds = session.get('parents', [n]);
          backend.write(parentIds, parents);
          const inState = state.map((t, k) => {
            const s = session.get(`state${k}@in`, [n, H]);
            backend.gatherRows(t, parentIds, s);
            return s;
          });
          const memRows = new Float64Array(n * S);
          roots.forEach((r, i) => {
            for (let s = 0; s < S; s++) memRows[i * S + s] = r * S + s;
          });
          const memIds = session.get('memoryRows', [n * S]);
          backend.write(memIds, memRows);
          const mem = session.get('memory@hyp', [n, S, H]);
          backend.gatherRows(memory, memIds, mem);
          const tok = session.get('tokens', [n, 1]);
          backend.write(tok, tokens);
          this.decoder.setInitialState(inState);
          const out = this.decoder.forward(this.targetEmbedding.forward(tok, o), o);
          calls++;
          state = this.decoder.finalState.map((t, k) => {
            const s = session.get(`state${k}@${calls % 2}`, [n, H]);
            backend.copy(t, s);
            return s;
          });
          this.attention.setMemory(
            mem,
            Int32Array.from(roots, (r) => source.lengths[r]!),
          );
          const logits = backend.read(this.output.forward(this.attention.forward(out, o), o));
          return Array.from({ length: n }, (_, i) => logSoftmax(logits.subarray(i * V, (i + 1) * V)));
        },
      };
      return use(decoder);
    } finally {
      session.dispose();
    }
  }

  /** Attention weights [n, 1, S] of the last decoding step (or [B, T, S] of the last teacher-forced pass). */
  get lastAttention(): Float64Array {
    return this.attention.weights;
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
    this.ws.dispose();
  }
}
