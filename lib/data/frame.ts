/**
 * A columnar frame: named `Float64Array` columns of equal length. Missing values are `NaN`;
 * booleans are 0/1; categoricals are small integer codes.
 *
 * @module
 */

import { DataError } from "../errors.ts";

/**
 * Named numeric columns of equal length.
 *
 * @example Two columns, one value missing
 * ```ts
 * import { Frame } from "./frame.ts";
 * const frame = new Frame(["a", "b"], [Float64Array.of(1, 2), Float64Array.of(3, NaN)]);
 * frame.column("b")[1]; // NaN (missing)
 * frame.take(Int32Array.of(1)).rows; // 1
 * ```
 */
export class Frame {
  /** Column names, in order. */
  readonly names: readonly string[];
  /** Column data, parallel to `names`. */
  readonly columns: readonly Float64Array[];
  /** Number of rows. */
  readonly rows: number;
  readonly #index: Map<string, number>;

  /**
   * @param names Column names (unique).
   * @param columns One array per name, all of the same length.
   * @throws {RangeError} when lengths differ or a name repeats.
   */
  constructor(names: readonly string[], columns: readonly Float64Array[]) {
    if (names.length !== columns.length) {
      throw new RangeError(
        `Expected one column per name (${names.length}) but found ${columns.length} columns`,
      );
    }
    this.#index = new Map();
    names.forEach((name, i) => {
      if (this.#index.has(name)) throw new RangeError(`Column name "${name}" appears twice`);
      this.#index.set(name, i);
    });
    const rows = columns[0]?.length ?? 0;
    columns.forEach((c, i) => {
      if (c.length !== rows) {
        throw new RangeError(
          `Expected every column to have ${rows} rows but "${names[i]}" has ${c.length}`,
        );
      }
    });
    this.names = names;
    this.columns = columns;
    this.rows = rows;
  }

  /** Number of columns. */
  get width(): number {
    return this.names.length;
  }

  /** True when the frame has a column of that name. */
  has(name: string): boolean {
    return this.#index.has(name);
  }

  /**
   * The column of that name.
   *
   * @throws {RangeError} for an unknown name.
   */
  column(name: string): Float64Array {
    const i = this.#index.get(name);
    if (i === undefined) throw new RangeError(`No column named "${name}"`);
    return this.columns[i]!;
  }

  /** A new frame with the rows at `indices`, in that order. */
  take(indices: ArrayLike<number>): Frame {
    const n = indices.length;
    const cols = this.columns.map((src) => {
      const dst = new Float64Array(n);
      for (let i = 0; i < n; i++) dst[i] = src[indices[i]!]!;
      return dst;
    });
    return new Frame(this.names, cols);
  }

  /** A new frame with just these columns, in this order (data shared, not copied). */
  select(names: readonly string[]): Frame {
    return new Frame(names, names.map((name) => this.column(name)));
  }

  /** Deep copy. */
  clone(): Frame {
    return new Frame(this.names, this.columns.map((c) => c.slice()));
  }
}

/** Picks `values[indices[i]]` for each i into a new array of the same kind. */
export function takeValues<T extends Float64Array | Uint8Array | Int32Array>(
  values: T,
  indices: ArrayLike<number>,
): T {
  const out = new (values.constructor as { new (n: number): T })(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  return out;
}

/**
 * A model's input columns of `frame`, in the model's feature order.
 *
 * @throws {DataError} naming the first feature the frame lacks.
 */
export function modelColumns(frame: Frame, features: readonly string[]): Float64Array[] {
  return features.map((name) => {
    if (!frame.has(name)) {
      throw new DataError(`the input lacks feature "${name}" that the model needs`);
    }
    return frame.column(name);
  });
}
