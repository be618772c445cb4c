// A token-level recurrent language model: embedding → stacked LSTM/GRU (returning sequences) → dense logits,
// trained to predict each next token. One Sequential does the work; this class adds corpus batching,
// evaluation in bits, generation (sampling, beam search, streaming) and saving with the tokenizer.
import {
  adam,
  type Backend,
  CorruptModelError,
  checkOneOf,
  checkPositiveInt,
  checkPositiveNumber,
  checkRange,
  dense,
  dropout as dropoutLayer,
  embedding,
  gru,
  InvalidArgumentError,
  type LayerDef,
  loadModelBytes,
  lstm,
  type RecurrentLayer,
  Rng,
  Sequential,
  saveModelBytes,
  softmaxCrossEntropy,
  stackedRecurrent,
  type Tensor,
} from '@rnn/core';
import { readBundle, rebuildSequential, sequentialJson, sequentialTensors, writeBundle } from '../bundle.js';
import { type Inspection, type InspectOptions, inspect } from '../inspect/inspect.js';
import { type Tokenizer, tokenizerFromJSON } from '../text/tokenizers.js';
import { type BeamScorer, beamSearch, type Hypothesis } from './beam-search.js';
import { createSampler, logSoftmax, type SamplingOptions } from './sampling.js';
import { contiguousWindows, randomWindows } from './windows.js';

export const LM_CELLS = ['lstm', 'gru'] as const;

export interface LanguageModelOptions {
  tokenizer: Tokenizer;
  /** Default 'lstm'. */
  cell?: (typeof LM_CELLS)[number];
  /** Default 64. */
  embeddingSize?: number;
  /** Default 256. */
  hiddenSize?: number;
  /** Stacked recurrent layers. Default 1. */
  layers?: number;
  /** Dropout between recurrent layers and before the output layer, in [0, 1). Default 0. */
  dropout?: number;
  /** Adam learning rate. Default 0.002. */
  learningRate?: number;
  /** Global gradient-norm clipping. Default 5. */
  clipNorm?: number;
  /** Seeds the weights and dropout. Default 0. */
  seed?: number;
}

export const BATCHINGS = ['contiguous', 'random'] as const;

export interface LmTrainOptions {
  /** Tokens per training window (the truncated-BPTT length). Default 64. */
  sequenceLength?: number;
  /** Windows per step. Default 32. */
  batchSize?: number;
  /**
   * contiguous (default): the corpus is cut into batchSize parallel streams read window after window, the
   * recurrent state carried from one window to the next (truncated BPTT over the whole stream);
   * random: each step takes batchSize windows at random offsets, each starting from a zero state.
   */
  batching?: (typeof BATCHINGS)[number];
  /** Passes over the corpus. Default 1. */
  epochs?: number;
  /** Stop after this many seconds of training (checked between steps). */
  seconds?: number;
  /** Stop after this many optimizer steps. */
  maxSteps?: number;
  /** Held-out text evaluated at the end of each epoch. */
  validation?: string | Int32Array;
  /** Seeds the random windows. Default 0. */
  seed?: number;
  signal?: AbortSignal;
  onStep?: (log: LmStepLog) => void;
  onEpochEnd?: (log: LmEpochLog) => void | Promise<void>;
}

export interface LmStepLog {
  step: number;
  epoch: number;
  /** Mean cross-entropy of the step, in nats per token. */
  loss: number;
  gradNorm: number;
}

export interface LmEpochLog {
  epoch: number;
  /** Mean training loss over the epoch, nats per token. */
  loss: number;
  steps: number;
  seconds: number;
  validation?: LmEvaluation;
}

export interface LmHistory {
  epochs: LmEpochLog[];
  steps: number;
  seconds: number;
  stopped: 'completed' | 'seconds' | 'maxSteps' | 'aborted';
}

export interface LmEvaluation {
  /** Tokens scored. */
  tokens: number;
  /** Mean cross-entropy, nats per token. */
  loss: number;
  perplexity: number;
  bitsPerToken: number;
  /**
   * Bits per character of the scored text: total bits over the characters the scored tokens stand for
   * (an unknown token counts as one character). null for word tokenizers, whose tokens leave out the spaces.
   */
  bitsPerCharacter: number | null;
}

export interface GenerateOptions extends SamplingOptions {
  /** Text to continue. Default '' (then generation starts from the begin-of-sequence token, if there is one). */
  prompt?: string;
  /** Tokens to generate at most. Default 200. */
  maxTokens?: number;
  /** Seeds the sampling. Default 0. */
  seed?: number;
  /** End when the generated text ends with this (it is left out of the result). */
  stop?: string;
  /** End at the end-of-sequence token, when the vocabulary has one. Default true. */
  stopAtEos?: boolean;
}

export interface GeneratedToken {
  id: number;
  /** The token as in the vocabulary. */
  token: string;
  /** What the token adds to the decoded text (e.g. with the word tokenizer's spacing). */
  text: string;
}

export interface LmBeamOptions {
  prompt?: string;
  beamWidth?: number;
  maxTokens?: number;
  lengthPenalty?: number;
  stopAtEos?: boolean;
}

export interface LmHypothesis extends Hypothesis {
  text: string;
}

/** The two parts of a saved language model: the core model file and the tokenizer's JSON. */
export interface LanguageModelFiles {
  model: Uint8Array;
  tokenizer: string;
}

/** The `kind` of a language model file (toBytes). */
const KIND = 'language-model';

export class LanguageModel {
  private constructor(
    readonly model: Sequential,
    readonly tokenizer: Tokenizer,
  ) {}

  static create(backend: Backend, options: LanguageModelOptions): LanguageModel {
    if (typeof options?.tokenizer?.encode !== 'function')
      throw new InvalidArgumentError('options.tokenizer', 'a Tokenizer (e.g. CharTokenizer.train(text))', options?.tokenizer);
    const cell = checkOneOf('options.cell', options.cell ?? 'lstm', LM_CELLS);
    const E = checkPositiveInt('options.embeddingSize', options.embeddingSize ?? 64);
    const H = checkPositiveInt('options.hiddenSize', options.hiddenSize ?? 256);
    const numLayers = checkPositiveInt('options.layers', options.layers ?? 1);
    const rate = checkRange('options.dropout', options.dropout ?? 0, 0, 1, true);
    const V = options.tokenizer.vocabulary.size;
    const layers: LayerDef[] = [
      embedding({ vocabSize: V, embeddingSize: E }),
      ...stackedRecurrent({
        cell: (inputSize) => (cell === 'lstm' ? lstm : gru)({ inputSize, hiddenSize: H }),
        inputSize: E,
        numLayers,
        dropoutBetween: rate,
        returnSequences: true,
      }),
      ...(rate > 0 ? [dropoutLayer({ rate })] : []),
      dense({ inputSize: H, outputSize: V }),
    ];
    const model = new Sequential(backend, {
      layers,
      loss: softmaxCrossEntropy(),
      optimizer: adam({
        lr: checkPositiveNumber('options.learningRate', options.learningRate ?? 0.002),
        clipNorm: checkPositiveNumber('options.clipNorm', options.clipNorm ?? 5),
      }),
      seed: options.seed ?? 0,
    });
    return new LanguageModel(model, options.tokenizer);
  }

  /** Wraps a Sequential of the shape `create` builds (embedding first, dense last, forward recurrent layers). */
  static fromModel(model: Sequential, tokenizer: Tokenizer): LanguageModel {
    const configs = model.layerConfigs();
    const V = tokenizer.vocabulary.size;
    const first = configs[0]!;
    const last = configs[configs.length - 1]!;
    if (first.kind !== 'embedding' || first.vocabSize !== V)
      throw new CorruptModelError('model.layers[0]', `an embedding of the tokenizer's ${V} tokens`, JSON.stringify(first));
    if (last.kind !== 'dense' || last.outputSize !== V)
      throw new CorruptModelError(`model.layers[${configs.length - 1}]`, `a dense layer with ${V} outputs`, JSON.stringify(last));
    configs.forEach((c, i) => {
      if (!['embedding', 'recurrent', 'dropout', 'dense'].includes(c.kind as string) || (c.kind === 'recurrent' && c.reverse))
        throw new CorruptModelError(
          `model.layers[${i}]`,
          'a forward (causal) layer: embedding, recurrent, dropout or dense',
          JSON.stringify(c),
        );
    });
    return new LanguageModel(model, tokenizer);
  }

  static load(backend: Backend, files: LanguageModelFiles): LanguageModel {
    const tokenizer = tokenizerFromJSON(files?.tokenizer);
    return LanguageModel.fromModel(loadModelBytes(backend, files.model), tokenizer);
  }

  /**
   * The model as one checksummed file (see bundle.ts): the architecture, the weights and the tokenizer. Smaller than
   * `save()` (no optimizer moments); a model read back predicts and generates exactly the same.
   */
  toBytes(): Uint8Array {
    return writeBundle(
      KIND,
      { model: sequentialJson(this.model), tokenizer: this.tokenizer.toJSON() },
      sequentialTensors(this.model),
      this.model.backend.dtype,
    );
  }

  /** A language model written by toBytes, on any backend. Throws CorruptModelError when the bytes are not one. */
  static fromBytes(backend: Backend, bytes: Uint8Array): LanguageModel {
    const bundle = readBundle(bytes, KIND);
    const tokenizer = tokenizerFromJSON(bundle.payload.tokenizer);
    const model = rebuildSequential(backend, bundle, bundle.payload.model);
    try {
      return LanguageModel.fromModel(model, tokenizer);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** The model file (weights, optimizer state: training can resume) and the tokenizer JSON. */
  save(): LanguageModelFiles {
    return { model: saveModelBytes(this.model), tokenizer: JSON.stringify(this.tokenizer.toJSON()) };
  }

  get parameterCount(): number {
    return this.model.parameterCount;
  }

  /** Text → ids (no special tokens added); ids are checked against the vocabulary. */
  private ids(corpus: string | Int32Array, argument: string, minimum: number): Int32Array {
    const ids = typeof corpus === 'string' ? this.tokenizer.encode(corpus) : corpus;
    if (!(ids instanceof Int32Array)) throw new InvalidArgumentError(argument, 'a string or an Int32Array of token ids', corpus);
    const V = this.tokenizer.vocabulary.size;
    for (let i = 0; i < ids.length; i++)
      if (!(ids[i]! >= 0 && ids[i]! < V)) throw new InvalidArgumentError(`${argument}[${i}]`, `a token id below ${V}`, ids[i]);
    if (ids.length < minimum) throw new InvalidArgumentError(argument, `at least ${minimum} tokens`, `${ids.length} tokens`);
    return ids;
  }

  async train(corpus: string | Int32Array, options: LmTrainOptions = {}): Promise<LmHistory> {
    const L = checkPositiveInt('options.sequenceLength', options.sequenceLength ?? 64);
    const B = checkPositiveInt('options.batchSize', options.batchSize ?? 32);
    const batching = checkOneOf('options.batching', options.batching ?? 'contiguous', BATCHINGS);
    const epochs = checkPositiveInt('options.epochs', options.epochs ?? 1);
    const seconds = options.seconds === undefined ? Number.POSITIVE_INFINITY : checkPositiveNumber('options.seconds', options.seconds);
    const maxSteps = options.maxSteps === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt('options.maxSteps', options.maxSteps);
    // every stream (or random window) needs L inputs plus the next token as target
    const ids = this.ids(corpus, 'corpus', batching === 'contiguous' ? B * L + 1 : L + 1);
    const validation = options.validation === undefined ? null : this.ids(options.validation, 'options.validation', 2);
    const rng = new Rng(options.seed ?? 0);
    const start = performance.now();
    const elapsed = (): number => (performance.now() - start) / 1000;
    const history: LmHistory = { epochs: [], steps: 0, seconds: 0, stopped: 'completed' };

    for (let epoch = 1; epoch <= epochs && history.stopped === 'completed'; epoch++) {
      const windows = batching === 'contiguous' ? contiguousWindows(ids, B, L) : randomWindows(ids, B, L, rng);
      this.model.resetStates();
      let sum = 0;
      let steps = 0;
      for (const { x, y, carry } of windows) {
        if (options.signal?.aborted) history.stopped = 'aborted';
        else if (elapsed() >= seconds) history.stopped = 'seconds';
        if (history.stopped !== 'completed') break;
        const loss = this.model.computeGradients({ x, y }, carry);
        // a diverged step is reported, not applied (as Sequential.trainStep does)
        const gradNorm = Number.isFinite(loss) ? this.model.optimizer.step(this.model.backend, this.model.params) : Number.NaN;
        sum += loss;
        steps++;
        history.steps++;
        options.onStep?.({ step: history.steps, epoch, loss, gradNorm });
        await yieldToEventLoop();
        if (history.steps >= maxSteps) {
          history.stopped = 'maxSteps';
          break;
        }
      }
      if (steps === 0) break;
      const log: LmEpochLog = { epoch, loss: steps ? sum / steps : Number.NaN, steps, seconds: elapsed() };
      if (validation) log.validation = this.evaluate(validation);
      history.epochs.push(log);
      await options.onEpochEnd?.(log);
    }
    history.seconds = elapsed();
    return history;
  }

  /**
   * Cross-entropy of held-out text. The text is cut into `batchSize` contiguous streams read in windows of
   * `sequenceLength` with the state carried; every token but each stream's first is scored.
   */
  evaluate(text: string | Int32Array, options: { sequenceLength?: number; batchSize?: number } = {}): LmEvaluation {
    const L = checkPositiveInt('options.sequenceLength', options.sequenceLength ?? 256);
    const ids = this.ids(text, 'text', 2);
    const B = Math.min(checkPositiveInt('options.batchSize', options.batchSize ?? 32), ids.length - 1);
    const v = this.tokenizer.vocabulary;
    const V = v.size;
    this.model.resetStates();
    let nats = 0;
    let tokens = 0;
    let characters = 0;
    for (const { x, y, carry } of contiguousWindows(ids, B, L)) {
      const logits = this.model.predict(x, { carryState: carry }).data;
      for (let r = 0; r < y.data.length; r++) {
        const target = y.data[r]!;
        nats -= logSoftmax(logits.subarray(r * V, (r + 1) * V))[target]!;
        characters += target === v.unkId ? 1 : [...v.token(target)].length;
        tokens++;
      }
    }
    this.model.resetStates();
    const loss = nats / tokens;
    return {
      tokens,
      loss,
      perplexity: Math.exp(loss),
      bitsPerToken: loss / Math.LN2,
      bitsPerCharacter: this.tokenizer.kind === 'word' ? null : nats / Math.LN2 / characters,
    };
  }

  /** Next-token log-probabilities after `prompt` (natural log). */
  nextTokenLogProbs(prompt: string): Float64Array {
    this.model.resetStates();
    const row = this.prime(this.promptIds(prompt));
    this.model.resetStates();
    return logSoftmax(row);
  }

  /** Generates text (see GenerateOptions); the prompt is not repeated in the result. */
  generate(options: GenerateOptions = {}): string {
    const ids: number[] = [];
    for (const t of this.generateTokens(options)) ids.push(t.id);
    return this.finishText(ids, options.stop);
  }

  /** Streams generated tokens one at a time, yielding to the event loop between tokens. */
  async *stream(options: GenerateOptions = {}): AsyncGenerator<GeneratedToken> {
    for (const token of this.generateTokens(options)) {
      yield token;
      await yieldToEventLoop();
    }
  }

  private *generateTokens(options: GenerateOptions): Generator<GeneratedToken> {
    const sampler = createSampler(samplingOnly(options));
    const maxTokens = checkPositiveInt('options.maxTokens', options.maxTokens ?? 200);
    const stop = options.stop ?? null;
    if (stop !== null && (typeof stop !== 'string' || stop.length === 0))
      throw new InvalidArgumentError('options.stop', 'a non-empty string', stop);
    const eos = (options.stopAtEos ?? true) ? this.tokenizer.vocabulary.eosId : null;
    const rng = new Rng(options.seed ?? 0);
    const prompt = this.promptIds(options.prompt ?? '');
    this.model.resetStates();
    try {
      let logits = this.prime(prompt);
      const ids: number[] = [];
      let text = '';
      for (let n = 0; n < maxTokens; n++) {
        const id = sampler(logits, rng);
        if (id === eos) return;
        ids.push(id);
        const full = this.tokenizer.decode(ids);
        const piece: GeneratedToken = { id, token: this.tokenizer.vocabulary.token(id), text: full.slice(text.length) };
        text = full;
        yield piece;
        if (stop !== null && text.endsWith(stop)) return;
        logits = this.step([id]);
      }
    } finally {
      this.model.resetStates();
    }
  }

  /** Beam search continuations of the prompt, best first (see BeamSearchOptions). */
  beamSearch(options: LmBeamOptions = {}): LmHypothesis[] {
    const prompt = this.promptIds(options.prompt ?? '');
    const eosId = (options.stopAtEos ?? true) ? this.tokenizer.vocabulary.eosId : null;
    const layers = this.model.recurrentLayers;
    const backend = this.model.backend;
    let states: Float64Array[][] = []; // per layer, per state (h, c): [beams, H] on the host
    const readStates = (): Float64Array[][] => layers.map((l) => l.finalState.map((t) => Float64Array.from(backend.read(t))));
    const scorer: BeamScorer = {
      start: () => {
        this.model.resetStates();
        const row = this.prime(prompt);
        states = readStates();
        return logSoftmax(row);
      },
      extend: (parents, tokens) => {
        const uploaded: Tensor[] = [];
        layers.forEach((layer, k) => {
          const H = layer.cell.hiddenSize;
          const next = states[k]!.map((s) => {
            const rows = new Float64Array(parents.length * H);
            parents.forEach((p, j) => rows.set(s.subarray(p * H, (p + 1) * H), j * H));
            const t = backend.tensor([parents.length, H], rows);
            uploaded.push(t);
            return t;
          });
          (layer as RecurrentLayer).setInitialState(next);
        });
        try {
          const out = this.model.predict({ data: Int32Array.from(tokens), shape: [tokens.length, 1] });
          states = readStates();
          const V = this.tokenizer.vocabulary.size;
          return tokens.map((_, j) => logSoftmax(out.data.subarray(j * V, (j + 1) * V)));
        } finally {
          for (const t of uploaded) backend.release(t);
        }
      },
    };
    try {
      return beamSearch(scorer, {
        beamWidth: options.beamWidth ?? 4,
        maxTokens: options.maxTokens ?? 200,
        eosId,
        lengthPenalty: options.lengthPenalty,
      }).map((h) => ({ ...h, text: this.tokenizer.decode(h.ids) }));
    } finally {
      this.model.resetStates();
    }
  }

  /** Per-token hidden states, cell states and gate values of every recurrent layer for `text`. */
  inspect(text: string, options: InspectOptions = {}): Inspection & { tokens: string[] } {
    const ids = this.ids(text, 'text', 1);
    const tokens = this.tokenizer.vocabulary.decode(ids);
    return { ...inspect(this.model, ids, { ...options, tokens }), tokens };
  }

  dispose(): void {
    this.model.dispose();
  }

  private promptIds(prompt: string): Int32Array {
    if (typeof prompt !== 'string') throw new InvalidArgumentError('options.prompt', 'a string', prompt);
    const ids = this.tokenizer.encode(prompt);
    if (ids.length > 0) return ids;
    const bos = this.tokenizer.vocabulary.bosId;
    if (bos === null)
      throw new InvalidArgumentError(
        'options.prompt',
        'text that encodes to at least one token (the vocabulary has no begin token)',
        prompt,
      );
    return Int32Array.of(bos);
  }

  /** Runs the prompt from the current (reset) state; returns the logits after its last token. */
  private prime(ids: Int32Array): Float32Array | Float64Array {
    const V = this.tokenizer.vocabulary.size;
    const out = this.model.predict({ data: ids, shape: [1, ids.length] }, { carryState: true });
    return out.data.slice((ids.length - 1) * V, ids.length * V);
  }

  private step(ids: number[]): Float32Array | Float64Array {
    return this.model.predict({ data: Int32Array.from(ids), shape: [1, ids.length] }, { carryState: true }).data;
  }

  private finishText(ids: number[], stop: string | undefined): string {
    const text = this.tokenizer.decode(ids);
    return stop && text.endsWith(stop) ? text.slice(0, -stop.length) : text;
  }
}

function samplingOnly(o: GenerateOptions): SamplingOptions {
  const s: SamplingOptions = {};
  if (o.greedy !== undefined) s.greedy = o.greedy;
  if (o.temperature !== undefined) s.temperature = o.temperature;
  if (o.topK !== undefined) s.topK = o.topK;
  if (o.topP !== undefined) s.topP = o.topP;
  return s;
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
