/**
 * The model a server scores with, swapped atomically: a file, or a registry reference that the
 * server follows — when the alias (`models:/name@champion`) moves, the new version is loaded in
 * the background and replaces the old in one assignment, so a request sees one whole model.
 *
 * @module
 */

import type { Classifier } from "../models/model.ts";
import { ModelFormatError } from "../errors.ts";

/** A loaded model and where it came from. */
export interface Loaded {
  readonly model: Classifier;
  /** The registered name, or the file's path. */
  readonly name: string;
  /** The registry version (`file` for a file). */
  readonly version: string;
}

/** Where models come from (the pipeline gives the tracking store and the model reader). */
export interface ModelSource {
  /** The version a reference points at now (undefined for a file: nothing to follow). */
  versionOf(ref: string): Promise<string | undefined>;
  /** Loads the model a reference points at now. */
  load(ref: string): Promise<Loaded>;
}

/** The serving model, and the swap. */
export class ModelSlot {
  #current: Loaded;
  readonly #ref: string;
  readonly #source: ModelSource;

  private constructor(ref: string, source: ModelSource, first: Loaded) {
    this.#ref = ref;
    this.#source = source;
    this.#current = first;
  }

  /** Loads `ref` once. */
  static async open(ref: string, source: ModelSource): Promise<ModelSlot> {
    return new ModelSlot(ref, source, await source.load(ref));
  }

  /** The model requests use now. */
  get current(): Loaded {
    return this.#current;
  }

  /**
   * Swaps in the version the reference points at when it moved; returns it, or undefined when
   * nothing changed. The old model keeps serving until the new one is fully loaded, and keeps
   * serving when `accept` finds a problem with the new one.
   *
   * @throws {ModelFormatError} with `accept`'s problem (the old model still serves).
   */
  async refresh(accept?: (next: Loaded) => string | undefined): Promise<Loaded | undefined> {
    const now = await this.#source.versionOf(this.#ref);
    if (now === undefined || now === this.#current.version) return undefined;
    const next = await this.#source.load(this.#ref);
    const problem = accept?.(next);
    if (problem) throw new ModelFormatError(`${this.#ref} version ${next.version}: ${problem}`);
    this.#current = next;
    return next;
  }

  /** Whether the reference follows an alias (`models:/name@alias`): refreshing can move it. */
  get follows(): boolean {
    return /^models:\/[^@/]+@/.test(this.#ref);
  }
}
