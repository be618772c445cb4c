// Property test of the safetensors reader on hostile input: random bytes, random JSON headers, truncations,
// appended bytes, bit flips, huge header lengths and huge shapes of valid files. The reader either returns
// the right tensors or throws CorruptModelError — never another error, never a hang.
// `pnpm fuzz` runs these with 10,000 cases on a fresh seed (RNN_FUZZ_RUNS, RNN_FUZZ_SEED).
import { CorruptModelError, Rng } from '@rnn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ITEM_SIZE,
  readSafetensors,
  SAFETENSORS_DTYPES,
  type Safetensors,
  type SafetensorsDType,
  type TensorInput,
  writeSafetensors,
} from './safetensors.js';

const RUNS = Number(process.env.RNN_FUZZ_RUNS ?? 300);
if (!Number.isInteger(RUNS) || RUNS <= 0)
  throw new Error(`RNN_FUZZ_RUNS: expected a positive integer, received ${process.env.RNN_FUZZ_RUNS}`);
const SEED = Number(process.env.RNN_FUZZ_SEED ?? 20240611); // fixed in CI: the unit test is deterministic

/** Valid values for a dtype, from a seeded stream. */
function values(dtype: SafetensorsDType, n: number, seed: number): TensorInput['data'] {
  const rng = new Rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));
  if (dtype === 'I64') return BigInt64Array.from({ length: n }, () => BigInt(int(-1e9, 1e9)) * 9_000_000_000n);
  if (dtype === 'U64') return BigUint64Array.from({ length: n }, () => BigInt(int(0, 1e9)) * 9_000_000_000n);
  const ranges: Partial<Record<SafetensorsDType, [number, number]>> = {
    I32: [-(2 ** 31), 2 ** 31 - 1],
    U32: [0, 2 ** 32 - 1],
    I16: [-32768, 32767],
    U16: [0, 65535],
    I8: [-128, 127],
    U8: [0, 255],
    BOOL: [0, 1],
  };
  const r = ranges[dtype];
  return Array.from({ length: n }, () => (r ? int(r[0], r[1]) : rng.uniform(-100, 100)));
}

const tensorSpec = fc.record({
  name: fc.string({ maxLength: 6 }).filter((s) => s !== '__metadata__'),
  dtype: fc.constantFrom(...SAFETENSORS_DTYPES),
  shape: fc.array(fc.nat(3), { maxLength: 3 }),
  seed: fc.nat(),
});

const validFile = fc
  .tuple(
    fc.uniqueArray(tensorSpec, { selector: (t) => t.name, maxLength: 4 }),
    fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }))),
  )
  .map(([specs, metadata]) => {
    const tensors = new Map<string, TensorInput>(
      specs.map((s) => [
        s.name,
        {
          dtype: s.dtype,
          shape: s.shape,
          data: values(
            s.dtype,
            s.shape.reduce((a, b) => a * b, 1),
            s.seed,
          ),
        },
      ]),
    );
    return writeSafetensors(tensors, metadata ?? {});
  });

type Outcome = { file: Safetensors } | { error: CorruptModelError };

function outcome(bytes: Uint8Array): Outcome {
  try {
    return { file: readSafetensors(bytes) };
  } catch (e) {
    if (e instanceof CorruptModelError) return { error: e };
    throw e; // any other error type fails the property
  }
}

/** A successful read must be self-consistent: writing it back and reading again gives the same tensors. */
function checkConsistent(file: Safetensors): void {
  const again = readSafetensors(writeSafetensors(file.tensors, file.metadata));
  expect(again.tensors).toEqual(file.tensors);
  expect(again.metadata).toEqual(file.metadata);
}

const sameValue = (a: unknown, b: unknown): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function headerOf(bytes: Uint8Array): {
  n: number;
  header: Record<string, { dtype: SafetensorsDType; shape: number[]; data_offsets: [number, number] }>;
} {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) };
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), bits: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('length' as const), n: fc.bigInt(2n ** 32n, 2n ** 64n - 1n) }),
  fc.record({
    kind: fc.constant('hugeShape' as const),
    which: fc.nat(),
    dims: fc.array(fc.integer({ min: 2 ** 20, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 4 }),
  }),
);

describe(`safetensors reader under fuzzing (${RUNS} runs per property)`, () => {
  it('fuzz: valid files read back exactly', () => {
    fc.assert(
      fc.property(validFile, (bytes) => {
        const r = outcome(bytes);
        expect('file' in r).toBe(true);
        if ('file' in r) checkConsistent(r.file);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('fuzz: mutated valid files: right tensors or CorruptModelError', () => {
    fc.assert(
      fc.property(validFile, mutation, (original, m) => {
        const bytes = Uint8Array.from(original);
        const { n, header } = headerOf(original);
        const dataStart = 8 + n;
        if (m.kind === 'flip') {
          const positions = m.bits.map((b) => b % (bytes.length * 8));
          for (const p of positions) bytes[p >> 3]! ^= 1 << (p & 7);
          const r = outcome(bytes);
          const touched = new Set(positions.map((p) => p >> 3));
          if ([...touched].every((p) => p >= dataStart) && new Set(positions).size === positions.length) {
            // only tensor bytes changed: the header still parses, and only elements holding a flipped byte differ
            const names = Object.keys(header).filter((k) => k !== '__metadata__');
            const hit = (name: string): Set<number> => {
              const { dtype, data_offsets } = header[name]!;
              return new Set(
                [...touched]
                  .filter((p) => p - dataStart >= data_offsets[0] && p - dataStart < data_offsets[1])
                  .map((p) => Math.floor((p - dataStart - data_offsets[0]) / ITEM_SIZE[dtype])),
              );
            };
            if ('error' in r) {
              // only a BOOL byte that stopped being 0 or 1 can make the data invalid
              expect(names.some((k) => header[k]!.dtype === 'BOOL' && hit(k).size > 0)).toBe(true);
              return;
            }
            const before = readSafetensors(original);
            for (const name of names) {
              const a = before.tensors.get(name)!.data;
              const b = r.file.tensors.get(name)!.data;
              const allowed = hit(name);
              for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) expect(allowed.has(i)).toBe(true);
            }
          } else if ('file' in r) checkConsistent(r.file);
          return;
        }
        if (m.kind === 'truncate') {
          const r = outcome(bytes.subarray(0, m.at % bytes.length));
          expect('error' in r).toBe(true);
        } else if (m.kind === 'append') {
          const longer = new Uint8Array(bytes.length + m.extra.length);
          longer.set(bytes);
          longer.set(m.extra, bytes.length);
          expect('error' in outcome(longer)).toBe(true);
        } else if (m.kind === 'length') {
          new DataView(bytes.buffer).setBigUint64(0, m.n, true);
          expect('error' in outcome(bytes)).toBe(true);
        } else {
          const names = Object.keys(header).filter((k) => k !== '__metadata__');
          if (names.length === 0) return;
          const name = names[m.which % names.length]!;
          const edited = { ...header, [name]: { ...header[name]!, shape: m.dims } };
          const json = new TextEncoder().encode(JSON.stringify(edited));
          const huge = new Uint8Array(8 + json.length + (bytes.length - dataStart));
          new DataView(huge.buffer).setBigUint64(0, BigInt(json.length), true);
          huge.set(json, 8);
          huge.set(bytes.subarray(dataStart), 8 + json.length);
          const r = outcome(huge);
          expect('error' in r).toBe(true);
          if ('error' in r) expect(r.error.message).toContain(`safetensors["${name}"]`);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('fuzz: random bytes and random headers: CorruptModelError or a consistent file', () => {
    const randomHeader = fc.dictionary(
      fc.string({ maxLength: 4 }),
      fc.oneof(
        fc.record({
          dtype: fc.oneof(fc.constantFrom(...SAFETENSORS_DTYPES), fc.string({ maxLength: 4 })),
          shape: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }),
          data_offsets: fc.tuple(fc.integer({ min: -1, max: 40 }), fc.integer({ min: -1, max: 40 })),
        }),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      { maxKeys: 3 },
    );
    const candidates = fc.oneof(
      fc.uint8Array({ maxLength: 128 }),
      fc.tuple(fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 64 })).map(([text, data]) => frame(text, data)),
      fc.tuple(randomHeader, fc.uint8Array({ maxLength: 40 })).map(([h, data]) => frame(JSON.stringify(h), data)),
    );
    fc.assert(
      fc.property(candidates, (bytes) => {
        const r = outcome(bytes);
        if ('file' in r) checkConsistent(r.file);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

function frame(header: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
