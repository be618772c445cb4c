// A seeded video-like data set: short clips of small grey frames in which one bright shape performs an action.
// The action is only visible across frames (any single frame is a blob somewhere), so a classifier must read
// the sequence.
import { Rng } from '@rnn/core';

export const ACTIONS = ['move left', 'move right', 'move up', 'move down', 'grow', 'shrink'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Clip {
  action: number;
  /** [frames, size, size] intensities in [0, 1], row-major. */
  frames: Float32Array;
}

export interface ClipOptions {
  /** Frames per clip. Default 12. */
  frames?: number;
  /** Frame width and height in pixels. Default 24. */
  size?: number;
  /** Standard deviation of the pixel noise. Default 0.15. */
  noise?: number;
}

/** Draws a filled disc of radius r at (cx, cy) with soft edges onto a size×size frame. */
function disc(frame: Float32Array, offset: number, size: number, cx: number, cy: number, r: number): void {
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      frame[offset + y * size + x]! += Math.min(1, Math.max(0, r + 0.5 - d));
    }
}

/** `count` clips with balanced, shuffled actions; start position, size, speed and noise are random per clip. */
export function generateClips(count: number, seed: number, options: ClipOptions = {}): Clip[] {
  const T = options.frames ?? 12;
  const S = options.size ?? 24;
  const noise = options.noise ?? 0.15;
  const rng = new Rng(seed);
  const clips: Clip[] = [];
  for (let n = 0; n < count; n++) {
    const action = n % ACTIONS.length;
    const frames = new Float32Array(T * S * S);
    const speed = rng.uniform(0.5, 1.1); // pixels per frame
    const growth = rng.uniform(0.25, 0.45); // radius change per frame
    const moving = action < 4;
    let r = moving ? rng.uniform(2.5, 4) : action === 4 ? rng.uniform(1.5, 2.5) : rng.uniform(6.5, 8);
    // start so the whole path stays inside the frame
    const travel = moving ? speed * (T - 1) : 0;
    const margin = moving ? r + 1 : 9;
    const [dx, dy] = [
      [-1, 0],
      [1, 0],
      [0, -1],
      [0, 1],
      [0, 0],
      [0, 0],
    ][action]!;
    let cx =
      dx! < 0
        ? rng.uniform(margin + travel, S - margin)
        : dx! > 0
          ? rng.uniform(margin, S - margin - travel)
          : rng.uniform(margin, S - margin);
    let cy =
      dy! < 0
        ? rng.uniform(margin + travel, S - margin)
        : dy! > 0
          ? rng.uniform(margin, S - margin - travel)
          : rng.uniform(margin, S - margin);
    for (let t = 0; t < T; t++) {
      disc(frames, t * S * S, S, cx, cy, r);
      for (let i = t * S * S; i < (t + 1) * S * S; i++) frames[i] = Math.min(1, Math.max(0, frames[i]! + noise * rng.normal()));
      cx += dx! * speed;
      cy += dy! * speed;
      if (action === 4) r += growth;
      if (action === 5) r -= growth;
    }
    clips.push({ action, frames });
  }
  return new Rng(seed + 1).shuffle(clips);
}

export const FEATURES = 19;

/**
 * Per-frame features a vision front end would give: a 4×4 grid of mean intensities, the intensity centroid
 * (x, y) in [-1, 1] and the total mass. Each describes one frame only.
 */
export function frameFeatures(clip: Clip, size: number, frames: number): Float32Array {
  const out = new Float32Array(frames * FEATURES);
  const cell = size / 4;
  for (let t = 0; t < frames; t++) {
    const f = clip.frames.subarray(t * size * size, (t + 1) * size * size);
    const o = t * FEATURES;
    let mass = 0;
    let mx = 0;
    let my = 0;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const v = f[y * size + x]!;
        out[o + Math.floor(y / cell) * 4 + Math.floor(x / cell)]! += v / (cell * cell);
        mass += v;
        mx += v * (x + 0.5);
        my += v * (y + 0.5);
      }
    out[o + 16] = (2 * mx) / mass / size - 1;
    out[o + 17] = (2 * my) / mass / size - 1;
    out[o + 18] = mass / (size * size);
  }
  return out;
}

/** A frame as text, darkest to brightest. */
export function asciiFrame(clip: Clip, t: number, size: number): string[] {
  const ramp = ' .:-=+*#%@';
  const rows: string[] = [];
  for (let y = 0; y < size; y++) {
    let row = '';
    for (let x = 0; x < size; x++) row += ramp[Math.min(9, Math.floor(clip.frames[t * size * size + y * size + x]! * 10))];
    rows.push(row);
  }
  return rows;
}

/** A frame as a binary PGM image (P5), for any image viewer. */
export function pgm(clip: Clip, t: number, size: number): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${size} ${size}\n255\n`);
  const out = new Uint8Array(header.length + size * size);
  out.set(header);
  for (let i = 0; i < size * size; i++) out[header.length + i] = Math.round(clip.frames[t * size * size + i]! * 255);
  return out;
}
