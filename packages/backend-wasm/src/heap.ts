// The allocator for WebAssembly linear memory, kept entirely on the TypeScript side (no headers in memory).
// Blocks are 16-byte aligned and rounded up to a size class: multiples of 16 up to 256 bytes, then four classes
// per power of two (at most 25% slack). Each class has a free list; a released block goes back to its list
// and the next request of that class reuses it. New blocks come from a bump pointer; memory grows (with
// headroom) when the bump pointer passes its end. Blocks are never split or merged: a training loop asks for
// the same shapes again and again, so exact-class reuse is what matters.
import { InvalidArgumentError, raw } from '@rnn/core';

const PAGE = 65536;
const MiB = 1024 * 1024;

/** Thrown when the memory cannot grow to hold a new block (its maximum, or the engine, refuses). */
export class WasmOutOfMemoryError extends InvalidArgumentError {
  constructor(argument: string, bytes: number, inUse: number, limitBytes: number, received: string) {
    super(
      argument,
      `an allocation that fits in WebAssembly memory (out of memory: ${fmt(bytes)} more needed, ${fmt(inUse)} in use, ` +
        `maximum ${fmt(limitBytes)}; raise maximumMemoryMiB or release tensors)`,
      raw(received),
    );
  }
}

const fmt = (bytes: number): string => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`);

export function sizeClass(bytes: number): number {
  if (bytes <= 256) return Math.max(16, (bytes + 15) & ~15);
  const p = 2 ** Math.floor(Math.log2(bytes - 1)); // largest power of two below bytes
  const step = p / 4;
  return Math.ceil(bytes / step) * step;
}

export class Heap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Bytes in blocks handed out and not yet freed (class sizes). */
  inUse = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxBytes: number,
  ) {
    this.top = (base + 15) & ~15;
  }

  /** A block of at least `bytes` bytes; returns its offset and class size. */
  alloc(bytes: number, argument: string, received: string): { ptr: number; cls: number } {
    const cls = sizeClass(bytes);
    const list = this.freeLists.get(cls);
    if (list?.length) {
      this.inUse += cls;
      return { ptr: list.pop()!, cls };
    }
    const end = this.top + cls;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.grow(end, cls, argument, received);
    const ptr = this.top;
    this.top = end;
    this.inUse += cls;
    return { ptr, cls };
  }

  free(ptr: number, cls: number): void {
    let list = this.freeLists.get(cls);
    if (!list) {
      list = [];
      this.freeLists.set(cls, list);
    }
    list.push(ptr);
    this.inUse -= cls;
  }

  /** Grows the memory to at least `end` bytes: 50% headroom when the maximum allows it, else exactly enough. */
  private grow(end: number, cls: number, argument: string, received: string): void {
    const have = this.memory.buffer.byteLength;
    const need = Math.ceil((end - have) / PAGE);
    const want = Math.max(need, Math.ceil((Math.min(this.maxBytes, end * 1.5) - have) / PAGE));
    for (const pages of want > need ? [want, need] : [need]) {
      if (have + pages * PAGE > this.maxBytes) continue;
      try {
        this.memory.grow(pages);
        return;
      } catch {
        // the engine refused (address space): try the exact amount, then give up
      }
    }
    throw new WasmOutOfMemoryError(argument, cls, this.inUse, this.maxBytes, received);
  }
}
