// Fused whole-sequence kernels made of tf ops. Where tfjs-layers issues ~20 ops per step forward (and ~5x
// that through its gradient tape), these run per step one input matMul (with the bias fused), one
// recurrent matMul and the gate ops; the backward is written out by hand (no tape), uses a transposed copy
// of the recurrent kernel (tfjs-wasm's transposed matMul is slow), and computes the weight gradients as one
// matMul each over all steps after the loop. Everything is time-major inside.
//
// Measured on tfjs-backend-wasm (W2: B 32, T 64, I 64, H 256): projecting all steps in one matMul takes 10 ms,
// but cutting the [T*B, 4H] result into steps takes 170 ms (a slice there costs in proportion to the source
// tensor), while projecting per step from the small input costs 43 ms in all. So the input projection is per
// step here, and per-step tensors come from tf.unstack of small time-major tensors or from the reserve.
import {
  type Activation,
  checks,
  type FusedCell,
  InvalidArgumentError,
  type RnnBackwardArgs,
  type RnnForwardArgs,
  ShapeError,
  type Tensor,
} from '@rnn/core';
import type * as tfc from '@tensorflow/tfjs-core';
import { type Tf, TfTensor } from './backend.js';
import { type MatMul, matMulBias, splitColumnsFor } from './cpu-gemm.js';

interface Access {
  own(argument: string, t: Tensor | null | undefined): tfc.Tensor;
  set(out: Tensor, value: tfc.Tensor): void;
  tensor(shape: readonly number[]): Tensor;
  activate(kind: Activation, x: tfc.Tensor): tfc.Tensor;
  activateGrad(kind: Activation, y: tfc.Tensor, dy: tfc.Tensor): tfc.Tensor;
}

const GATES: Record<string, number> = { rnn: 1, lstm: 4, gru: 3 };

/** What both directions of a fused kernel receive. */
type SequenceArgs = Pick<RnnForwardArgs, 'cell' | 'params' | 'x' | 'h0' | 'c0' | 'output' | 'lengths'>;

export function fusedKernels(tf: Tf, x: Access, mm: MatMul) {
  const { own, set, activate: act, activateGrad: dact } = x;
  const splitCols = splitColumnsFor(tf);
  /** tf.tidy for results holding nulls (tidy keeps every tensor it finds in the returned object). */
  const tidy = <T>(fn: () => T): T => tf.tidy(fn as unknown as () => tfc.TensorContainer) as unknown as T;

  function dims(a: SequenceArgs) {
    const kind = a.cell?.kind;
    const G = GATES[kind];
    if (!G) throw new InvalidArgumentError('cell.kind', '"rnn", "lstm" or "gru"', kind);
    if (a.x.shape.length !== 3) throw new ShapeError('x', 'rank 3 [batch, time, features]', checks.fmtShape(a.x.shape));
    const [B, T, I] = a.x.shape as [number, number, number];
    const H = checks.rowsOf(a.params.recurrentKernel);
    checks.checkExactShape('params.kernel', a.params.kernel, [I, G * H]);
    checks.checkExactShape('params.recurrentKernel', a.params.recurrentKernel, [H, G * H]);
    checks.checkSameSize('params.bias', a.params.bias, G * H);
    checks.checkExactShape('h0', a.h0, [B, H]);
    checks.checkExactShape('output', a.output, [B, T, H]);
    if (kind === 'lstm') {
      if (!a.c0) throw new InvalidArgumentError('c0', 'initial and final cell states for an LSTM', a.c0);
      checks.checkExactShape('c0', a.c0, [B, H]);
    }
    const lengths = a.lengths ? checks.checkLengths('lengths', a.lengths, B, T) : null;
    return { kind, G, B, T, I, H, lengths, resetAfter: kind === 'gru' && a.cell.resetAfter };
  }

  /** [B, 1] masks per step: valid (t < len) and last (t = len - 1); null without lengths. */
  function stepMasks(lengths: Int32Array | null, B: number, T: number) {
    if (!lengths) return null;
    const valid: tfc.Tensor[] = [];
    const last: tfc.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      valid.push(
        tf.tensor2d(
          Float32Array.from(lengths, (l) => (t < l ? 1 : 0)),
          [B, 1],
        ),
      );
      last.push(
        tf.tensor2d(
          Float32Array.from(lengths, (l) => (t === l - 1 ? 1 : 0)),
          [B, 1],
        ),
      );
    }
    return { valid, last };
  }

  /** Time-major [T, B, F] rows of a batch-major [B, T, F] tensor, as a [T*B, F] matrix. */
  const timeMajor = (t: tfc.Tensor, B: number, T: number, F: number): tfc.Tensor2D =>
    tf.reshape(tf.transpose(tf.reshape(t, [B, T, F]), [1, 0, 2]), [T * B, F]);
  const batchMajor = (t: tfc.Tensor, B: number, T: number, F: number): tfc.Tensor => tf.transpose(tf.reshape(t, [T, B, F]), [1, 0, 2]);

  function step(cell: FusedCell, d: ReturnType<typeof dims>, p: Params, xw: tfc.Tensor, hPrev: tfc.Tensor, cPrev: tfc.Tensor | null) {
    if (d.kind === 'rnn') {
      const h = act(cell.activation, tf.add(xw, mm(hPrev, p.U)));
      return { h, c: null, saved: [h] };
    }
    if (d.kind === 'lstm') {
      const [zi, zf, zg, zo] = splitCols(tf.add(xw, mm(hPrev, p.U)), 4);
      const i = act(cell.recurrentActivation, zi!);
      const f = act(cell.recurrentActivation, zf!);
      const g = act(cell.activation, zg!);
      const o = act(cell.recurrentActivation, zo!);
      const c = tf.add(tf.mul(f, cPrev!), tf.mul(i, g));
      const tc = act(cell.activation, c);
      return { h: tf.mul(o, tc), c, saved: [i, f, g, o, c, tc] };
    }
    const [xz, xr, xn] = splitCols(xw, 3);
    if (d.resetAfter) {
      const [hz, hr, hn] = splitCols(tf.add(mm(hPrev, p.U), p.bh!), 3);
      const z = act(cell.recurrentActivation, tf.add(xz!, hz!));
      const r = act(cell.recurrentActivation, tf.add(xr!, hr!));
      const n = act(cell.activation, tf.add(xn!, tf.mul(r, hn!)));
      return { h: tf.add(n, tf.mul(z, tf.sub(hPrev, n))), c: null, saved: [z, r, n, hn!] };
    }
    const [hz, hr] = splitCols(mm(hPrev, p.Uzr!), 2);
    const z = act(cell.recurrentActivation, tf.add(xz!, hz!));
    const r = act(cell.recurrentActivation, tf.add(xr!, hr!));
    const rh = tf.mul(r, hPrev);
    const n = act(cell.activation, tf.add(xn!, mm(rh, p.Un!)));
    return { h: tf.add(n, tf.mul(z, tf.sub(hPrev, n))), c: null, saved: [z, r, n, rh] };
  }

  interface Params {
    W: tfc.Tensor2D;
    U: tfc.Tensor2D;
    b: tfc.Tensor1D;
    bh: tfc.Tensor1D | null;
    Uzr: tfc.Tensor2D | null;
    Un: tfc.Tensor2D | null;
  }
  const params = (a: SequenceArgs, d: ReturnType<typeof dims>): Params => {
    const U = own('params.recurrentKernel', a.params.recurrentKernel) as tfc.Tensor2D;
    const before = d.kind === 'gru' && !d.resetAfter;
    return {
      W: own('params.kernel', a.params.kernel) as tfc.Tensor2D,
      U,
      b: tf.reshape(own('params.bias', a.params.bias), [d.G * d.H]) as tfc.Tensor1D,
      bh: d.resetAfter ? (tf.reshape(own('params.recurrentBias', a.params.recurrentBias), [3 * d.H]) as tfc.Tensor1D) : null,
      Uzr: before ? tf.slice(U, [0, 0], [d.H, 2 * d.H]) : null,
      Un: before ? tf.slice(U, [0, 2 * d.H], [d.H, d.H]) : null,
    };
  };

  /** Runs the sequence; returns per-step states [h_0..h_T] (and c), the saved per-step values, outputs. */
  function run(a: RnnForwardArgs, d: ReturnType<typeof dims>) {
    const p = params(a, d);
    const masks = stepMasks(d.lengths, d.B, d.T);
    const xs = tf.unstack(tf.transpose(own('x', a.x), [1, 0, 2]));
    let h = own('h0', a.h0);
    let c = d.kind === 'lstm' ? own('c0', a.c0) : null;
    const hs = [h];
    const cs = [c];
    const outs: tfc.Tensor[] = [];
    const saved: tfc.Tensor[][] = [];
    for (let t = 0; t < d.T; t++) {
      const s = step(a.cell, d, p, matMulBias(tf, mm, xs[t]!, p.W, p.b), h, c);
      if (masks) {
        // padded rows keep their state and output zero
        const m = masks.valid[t]!;
        outs.push(tf.mul(s.h, m));
        h = tf.add(h, tf.mul(m, tf.sub(s.h, h)));
        if (c) c = tf.add(c, tf.mul(m, tf.sub(s.c!, c)));
      } else {
        outs.push(s.h);
        h = s.h;
        c = s.c;
      }
      hs.push(h);
      cs.push(c);
      saved.push([...s.saved, h]); // the state h_t (h_{t+1}'s predecessor in the backward)
    }
    return { hs, cs, outs, saved, masks, p };
  }

  function forward(a: RnnForwardArgs): Tensor | null {
    const d = dims(a);
    const reserve = a.training ? (x.tensor([1]) as TfTensor) : null;
    const result = tidy(() => {
      const r = run(a, d);
      const output = tf.stack(r.outs, 1);
      const keep = reserve ? r.saved.flat() : [];
      return { output, hT: r.hs[d.T]!, cT: r.cs[d.T] ?? tf.zeros([1]), keep };
    });
    set(a.output, result.output);
    set(a.hT, result.hT);
    if (a.cT) set(a.cT, result.cT);
    else result.cT.dispose();
    if (reserve) reserve.extra = result.keep;
    return reserve;
  }

  function backward(a: RnnBackwardArgs): Float64Array | null {
    const d = dims(a);
    const res = a.reserve as TfTensor;
    const per = (d.kind === 'lstm' ? 6 : d.kind === 'gru' ? 4 : 1) + 1;
    if (!(res instanceof TfTensor) || res.extra.length !== d.T * per)
      throw new InvalidArgumentError('reserve', `the reserve of a training rnnForward over ${d.T} steps`, res);
    const cell = a.cell;
    const out = tidy(() => {
      const p = params(a, d);
      const masks = stepMasks(d.lengths, d.B, d.T);
      const saved = (t: number) => res.extra.slice(t * per, (t + 1) * per);
      // h_{t-1} for every step: h0, then the states kept in the reserve
      const hPrev: tfc.Tensor[] = [own('h0', a.h0)];
      for (let t = 1; t < d.T; t++) hPrev.push(saved(t - 1)[per - 1]!);
      const dOut = a.dOutput ? tf.unstack(tf.transpose(own('dOutput', a.dOutput), [1, 0, 2])) : null;
      const dhT = a.dhT ? own('dhT', a.dhT) : null;
      const dcT = a.dcT ? own('dcT', a.dcT) : null;
      const UT = tf.transpose(p.U);
      const UzrT = p.Uzr ? tf.transpose(p.Uzr) : null;
      const UnT = p.Un ? tf.transpose(p.Un) : null;
      let dh: tfc.Tensor = tf.zeros([d.B, d.H]);
      let dc: tfc.Tensor = tf.zeros([d.B, d.H]);
      const dAx: tfc.Tensor[] = [];
      const dAh: tfc.Tensor[] = [];
      const norms: tfc.Tensor[] = [];
      for (let t = d.T - 1; t >= 0; t--) {
        // the gradient arriving at h_t: from the next step, this step's output, and the final state at the
        // sample's last step; zero on padding
        if (dOut) dh = tf.add(dh, dOut[t]!);
        if (masks) {
          if (dhT) dh = tf.add(dh, tf.mul(dhT, masks.last[t]!));
          if (dcT) dc = tf.add(dc, tf.mul(dcT, masks.last[t]!));
        } else if (t === d.T - 1) {
          if (dhT) dh = tf.add(dh, dhT);
          if (dcT) dc = tf.add(dc, dcT);
        }
        if (masks) {
          dh = tf.mul(dh, masks.valid[t]!);
          dc = tf.mul(dc, masks.valid[t]!);
        }
        if (a.stepGradNorms) norms.push(tf.sum(tf.square(dh)));
        const hp = hPrev[t]!;
        const s = saved(t);
        if (d.kind === 'rnn') {
          const da = dact(cell.activation, s[0]!, dh);
          dAx.push(da);
          dh = mm(da, UT);
        } else if (d.kind === 'lstm') {
          const [i, f, g, o, , tc] = s as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor];
          // c_{t-1}: for every row with a gradient (a valid step), all earlier steps were valid too
          const cPrevState = t === 0 ? own('c0', a.c0) : (saved(t - 1)[4] as tfc.Tensor);
          const gc = tf.add(dc, dact(cell.activation, tc, tf.mul(dh, o)));
          const da = tf.concat(
            [
              dact(cell.recurrentActivation, i, tf.mul(gc, g)),
              dact(cell.recurrentActivation, f, tf.mul(gc, cPrevState)),
              dact(cell.activation, g, tf.mul(gc, i)),
              dact(cell.recurrentActivation, o, tf.mul(dh, tc)),
            ],
            1,
          );
          dAx.push(da);
          dc = tf.mul(gc, f);
          dh = mm(da, UT);
        } else {
          const [z, r, n, k] = s as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor];
          const dz = dact(cell.recurrentActivation, z, tf.mul(dh, tf.sub(hp, n)));
          const dn = dact(cell.activation, n, tf.mul(dh, tf.sub(1, z)));
          const direct = tf.mul(dh, z);
          if (d.resetAfter) {
            const dr = dact(cell.recurrentActivation, r, tf.mul(dn, k));
            dAx.push(tf.concat([dz, dr, dn], 1));
            const dah = tf.concat([dz, dr, tf.mul(dn, r)], 1);
            dAh.push(dah);
            dh = tf.add(direct, mm(dah, UT));
          } else {
            const drh = mm(dn, UnT!);
            const dr = dact(cell.recurrentActivation, r, tf.mul(drh, hp));
            const dzr = tf.concat([dz, dr], 1);
            dAx.push(tf.concat([dz, dr, dn], 1));
            dh = tf.add(tf.add(direct, tf.mul(drh, r)), mm(dzr, UzrT!));
          }
        }
      }
      dAx.reverse();
      dAh.reverse();
      // weight gradients: one matMul each over all steps (time-major rows)
      const A = tf.concat(dAx, 0);
      const xTm = timeMajor(own('x', a.x), d.B, d.T, d.I);
      const HpTm = tf.concat(hPrev, 0);
      const dW = mm(tf.transpose(xTm), A);
      const db = tf.sum(A, 0);
      let dU: tfc.Tensor;
      let dbh: tfc.Tensor | null = null;
      if (d.kind === 'gru' && d.resetAfter) {
        const Ah = tf.concat(dAh, 0);
        dU = mm(tf.transpose(HpTm), Ah);
        dbh = tf.sum(Ah, 0);
      } else if (d.kind === 'gru') {
        const Azr = tf.slice(A, [0, 0], [d.T * d.B, 2 * d.H]);
        const An = tf.slice(A, [0, 2 * d.H], [d.T * d.B, d.H]);
        const RH = tf.concat(
          Array.from({ length: d.T }, (_, t) => saved(t)[3]!),
          0,
        );
        dU = tf.concat([mm(tf.transpose(HpTm), Azr), mm(tf.transpose(RH), An)], 1);
      } else dU = mm(tf.transpose(HpTm), A);
      const dx = a.dx ? batchMajor(mm(A, tf.transpose(p.W)), d.B, d.T, d.I) : null;
      const norm = norms.length ? tf.sqrt(tf.stack(norms.reverse())) : null;
      return {
        kernel: tf.add(own('grads.kernel', a.grads.kernel), tf.reshape(dW, a.grads.kernel.shape as number[])),
        recurrentKernel: tf.add(own('grads.recurrentKernel', a.grads.recurrentKernel), dU),
        bias: tf.add(own('grads.bias', a.grads.bias), tf.reshape(db, a.grads.bias.shape as number[])),
        recurrentBias: dbh
          ? tf.add(own('grads.recurrentBias', a.grads.recurrentBias), tf.reshape(dbh, a.grads.recurrentBias!.shape as number[]))
          : null,
        dx,
        dh0: dh,
        dc0: d.kind === 'lstm' ? dc : null,
        norm,
      };
    });
    set(a.grads.kernel, out.kernel);
    set(a.grads.recurrentKernel, out.recurrentKernel);
    set(a.grads.bias, out.bias);
    if (out.recurrentBias) set(a.grads.recurrentBias!, out.recurrentBias);
    if (a.dx && out.dx) set(a.dx, out.dx);
    else out.dx?.dispose();
    if (a.dh0) set(a.dh0, out.dh0);
    else out.dh0.dispose();
    if (a.dc0 && out.dc0) set(a.dc0, out.dc0);
    else out.dc0?.dispose();
    if (!out.norm) return null;
    const values = Float64Array.from(out.norm.dataSync());
    out.norm.dispose();
    return values;
  }

  return { forward, backward };
}
