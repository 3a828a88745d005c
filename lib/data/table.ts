/**
 * A table as a file reader gives it: named columns of cells, before any column is given a kind.
 *
 * @module
 */

/** A cell as read: CSV gives strings; Parquet gives typed values (null = missing). */
export type Cell = string | number | bigint | boolean | null | undefined;

/** Columns of cells with their names, as read from a file. */
export interface Table {
  /** Column names from the header. */
  readonly names: readonly string[];
  /**
   * One array of cells per column: numeric Parquet columns as `Float64Array` (NaN = null), no
   * cell objects; anything else as cells.
   */
  readonly columns: readonly ArrayLike<Cell>[];
  /** Number of data rows. */
  readonly rows: number;
}
