// Named workspaces: a layer asks for a tensor by name and shape; while the shape stays the same
// (same batch size and sequence length) the same tensor comes back, so steady-state training allocates nothing.
import type { Backend, Tensor } from './contract.js';

export class Workspace {
  private readonly tensors = new Map<string, Tensor>();

  constructor(private readonly backend: Backend) {}

  get(name: string, shape: readonly number[]): Tensor {
    const have = this.tensors.get(name);
    if (have && have.shape.length === shape.length && have.shape.every((d, i) => d === shape[i])) return have;
    if (have) this.backend.release(have);
    const t = this.backend.tensor(shape);
    this.tensors.set(name, t);
    return t;
  }

  /** Like get, but zero-filled every time. */
  zeros(name: string, shape: readonly number[]): Tensor {
    const t = this.get(name, shape);
    this.backend.fill(t, 0);
    return t;
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  peek(name: string): Tensor | undefined {
    return this.tensors.get(name);
  }

  dispose(): void {
    for (const t of this.tensors.values()) this.backend.release(t);
    this.tensors.clear();
  }
}
