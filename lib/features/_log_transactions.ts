/**
 * The simulator's legitimate spending, as the *Fraud Detection Handbook*'s
 * `generate_transactions_table`: each customer, each day, a Poisson number of transactions around
 * noon at terminals near them, with amounts from their own normal distribution. Columns, grouped
 * by customer and in day order within a customer (not yet by time).
 *
 * @module
 */

import type { Rng } from "../util/rng.ts";
import { resized } from "../util/typed_array.ts";
import type { CustomerProfiles, NearbyTerminals } from "./_log_profiles.ts";

/** Seconds in a day. */
export const DAY_SECONDS = 86_400;

/** Transactions by customer: customer c's rows are `customerStart[c] .. customerStart[c + 1]`. */
export interface CustomerTransactions {
  readonly rows: number;
  readonly customer: Int32Array;
  readonly terminal: Int32Array;
  /** Whole seconds since the simulation's start (day × 86,400 + second of the day). */
  readonly second: Uint32Array;
  /** Amount, rounded to cents. */
  readonly amount: Float64Array;
  readonly customerStart: Int32Array;
}

/** What the generator draws from: customers, their terminals, the days and the random stream. */
export interface SpendingInputs {
  readonly rng: Rng;
  readonly customers: CustomerProfiles;
  readonly nearby: NearbyTerminals;
  readonly days: number;
}

/** Growable transaction columns. */
class Columns {
  rows = 0;
  customer: Int32Array;
  terminal: Int32Array;
  second: Uint32Array;
  amount: Float64Array;

  constructor(capacity: number) {
    this.customer = new Int32Array(capacity);
    this.terminal = new Int32Array(capacity);
    this.second = new Uint32Array(capacity);
    this.amount = new Float64Array(capacity);
  }

  /** Room for one more row. */
  reserve(): void {
    if (this.rows < this.amount.length) return;
    const n = this.amount.length * 2 + 1024;
    this.customer = resized(this.customer, n);
    this.terminal = resized(this.terminal, n);
    this.second = resized(this.second, n);
    this.amount = resized(this.amount, n);
  }
}

/** Every customer's transactions over `days` days, drawn customer by customer. */
export function customerTransactions(inputs: SpendingInputs): CustomerTransactions {
  const { customers, days } = inputs;
  const count = customers.meanPerDay.length;
  let expected = 0;
  for (let c = 0; c < count; c++) expected += customers.meanPerDay[c]! * days;
  const out = new Columns(Math.ceil(expected * 1.05) + 1024);
  const customerStart = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) {
    customerStart[c] = out.rows;
    spend(inputs, c, out);
  }
  customerStart[count] = out.rows;
  const n = out.rows;
  return {
    rows: n,
    customer: out.customer.slice(0, n),
    terminal: out.terminal.slice(0, n),
    second: out.second.slice(0, n),
    amount: out.amount.slice(0, n),
    customerStart,
  };
}

/**
 * One customer's days. As in the handbook: a time of day drawn from N(noon, 20,000 s) and kept
 * only inside the day (about 97% are), an amount from N(mean, mean / 2) redrawn uniform on
 * [0, 2 × mean] when negative, and a terminal drawn uniformly from the nearby ones (a customer
 * with none makes no transactions).
 */
function spend(inputs: SpendingInputs, c: number, out: Columns): void {
  const { rng, customers, nearby, days } = inputs;
  const from = nearby.start[c]!, usable = nearby.start[c + 1]! - from;
  const mean = customers.meanAmount[c]!, rate = customers.meanPerDay[c]!;
  for (let day = 0; day < days; day++) {
    const k = rng.poisson(rate);
    for (let j = 0; j < k; j++) {
      const time = Math.trunc(DAY_SECONDS / 2 + 20_000 * rng.normal());
      if (time <= 0 || time >= DAY_SECONDS) continue;
      let amount = mean + (mean / 2) * rng.normal();
      if (amount < 0) amount = rng.next() * 2 * mean;
      if (usable === 0) continue;
      out.reserve();
      const i = out.rows++;
      out.customer[i] = c;
      out.terminal[i] = nearby.terminal[from + rng.int(usable)]!;
      out.second[i] = day * DAY_SECONDS + time;
      out.amount[i] = Math.round(amount * 100) / 100;
    }
  }
}
