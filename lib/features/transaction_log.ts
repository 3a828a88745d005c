/**
 * A transaction log in columns: what a fraud team has (one row per transaction, the card, the
 * terminal or merchant, the time, the amount, the label, and when the label became known). The
 * point-in-time features, the delay-aware split and the fraud metrics all read this shape.
 *
 * @module
 */

/** A transaction log, sorted by time (ties keep their order in the source). */
export interface TransactionLog {
  /** Number of transactions. */
  readonly rows: number;
  /** Transaction ids as given (or `tx_<n>`), parallel to the rows. */
  readonly ids: readonly string[];
  /** The entity (card or customer) of each row, as a code into {@link entityNames}. */
  readonly entity: Int32Array;
  /** Entity ids by code. */
  readonly entityNames: readonly string[];
  /** The counterparty (terminal or merchant) of each row, as a code into {@link counterpartyNames}. */
  readonly counterparty: Int32Array;
  /** Counterparty ids by code. */
  readonly counterpartyNames: readonly string[];
  /** Transaction time, epoch milliseconds (ascending). */
  readonly time: Float64Array;
  /** Amount. */
  readonly amount: Float64Array;
  /** 1 for a (confirmed) fraud, else 0. */
  readonly label: Uint8Array;
  /**
   * When the label became known, epoch milliseconds: the confirmation time of a fraud from a
   * label-time column, else the transaction's own time (the configured label delay then models
   * how late labels arrive).
   */
  readonly labelTime: Float64Array;
  /** Row weights, when the log has a weight column. */
  readonly weights?: Float64Array;
}

/** Days: `DAY_MS` and `dayOf` live with the data layer (`lib/data/days.ts`). */
export { DAY_MS, dayOf } from "../data/days.ts";
