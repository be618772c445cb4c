// Loaders for the data sets shipped in ../data (each folder has its source and licence in a README).
import { readFileSync } from 'node:fs';

/** The data folder; the same relative path from src/ (tests) and dist/ (built). */
const dataFile = (path: string): URL => new URL(`../data/${path}`, import.meta.url);

/** Tiny Shakespeare (public domain text, via karpathy/char-rnn): 1,115,394 characters. */
export function loadTinyShakespeare(): string {
  return readFileSync(dataFile('tiny-shakespeare/input.txt'), 'utf8');
}
