/**
 * Wall time per named phase of a run (features, labels, CV, fit, ONNX, tracking…), in the order
 * the phases first ran, so a summary can say where the time went.
 *
 * @module
 */

/** Accumulates milliseconds per phase name. */
export class Phases {
  readonly #ms = new Map<string, number>();

  /** Runs `fn` and adds its wall time to `name`. */
  async time<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - t0);
    }
  }

  /** Adds `ms` to `name`. */
  add(name: string, ms: number): void {
    this.#ms.set(name, (this.#ms.get(name) ?? 0) + ms);
  }

  /** Milliseconds per phase, in first-run order. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#ms);
  }
}
