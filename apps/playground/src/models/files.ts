// File names, sizes and dates as the model pages show them, and the browser's download of bytes as a file.
import { modelKind } from './kinds.js';

/** "LSTM 64 · Tiny Shakespeare · 300 steps" → "lstm-64-tiny-shakespeare-300-steps" (ASCII letters, digits, dashes). */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'model';
}

/** The download name of a model of `kind` titled `title`: its slug and the kind's extension. */
export function modelFileName(title: string, kind: string): string {
  return `${slug(title)}${modelKind(kind).extension}`;
}

/** 1234567 → "1.2 MB" (decimal units, as browsers show downloads). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let v = bytes / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** A saved-at time as "2026-11-26 00:17" (local time). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Lets the browser save `bytes` as `name` (an object URL on a temporary link). */
export function downloadBytes(name: string, bytes: Uint8Array | ArrayBuffer, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // after the browser has started reading it
}

/** A chosen file's bytes. */
export async function fileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}
