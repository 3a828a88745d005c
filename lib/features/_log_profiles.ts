/**
 * The simulator's people and places, as in the *Fraud Detection Handbook*'s transaction data
 * simulator: customers with a location, a spending profile and a daily transaction rate;
 * terminals with a location; and, for each customer, the terminals within a radius of them.
 *
 * @module
 */

import type { Rng } from "../util/rng.ts";

/** The side of the square (0..GRID × 0..GRID) customers and terminals are placed on. */
const GRID = 100;

/** Customers' profiles in columns, indexed by customer code. */
export interface CustomerProfiles {
  /** Location, uniform on the 100 × 100 square. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Mean amount, uniform on [5, 100]; the amount's standard deviation is half of it. */
  readonly meanAmount: Float64Array;
  /** Mean number of transactions per day (Poisson), uniform on [0, 4]. */
  readonly meanPerDay: Float64Array;
}

/** Terminals' locations, uniform on the 100 × 100 square, indexed by terminal code. */
export interface TerminalProfiles {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Each customer's usable terminals: `terminal[start[c] .. start[c + 1])`, ascending codes. */
export interface NearbyTerminals {
  readonly start: Int32Array;
  readonly terminal: Int32Array;
}

/** `count` customers drawn from `rng` (the handbook's `generate_customer_profiles_table`). */
export function customerProfiles(rng: Rng, count: number): CustomerProfiles {
  const x = new Float64Array(count), y = new Float64Array(count);
  const meanAmount = new Float64Array(count), meanPerDay = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    x[c] = rng.next() * GRID;
    y[c] = rng.next() * GRID;
    meanAmount[c] = 5 + rng.next() * 95;
    meanPerDay[c] = rng.next() * 4;
  }
  return { x, y, meanAmount, meanPerDay };
}

/** `count` terminals drawn from `rng` (the handbook's `generate_terminal_profiles_table`). */
export function terminalProfiles(rng: Rng, count: number): TerminalProfiles {
  const x = new Float64Array(count), y = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    x[t] = rng.next() * GRID;
    y[t] = rng.next() * GRID;
  }
  return { x, y };
}

/**
 * The terminals strictly closer than `radius` to each customer (the handbook's
 * `get_list_terminals_within_radius`), found through a grid of `radius`-sized cells so that only
 * the 3 × 3 cells around a customer are searched.
 */
export function nearbyTerminals(
  customers: CustomerProfiles,
  terminals: TerminalProfiles,
  radius: number,
): NearbyTerminals {
  const cells = Math.max(1, Math.min(1024, Math.floor(GRID / radius)));
  const cellOf = (v: number) => Math.min(cells - 1, Math.floor((v / GRID) * cells));
  const grid = bucketTerminals(terminals, cells, cellOf);
  const start = new Int32Array(customers.x.length + 1);
  const found: number[] = [];
  const r2 = radius * radius;
  for (let c = 0; c < customers.x.length; c++) {
    start[c] = found.length;
    const cx = customers.x[c]!, cy = customers.y[c]!;
    const gx = cellOf(cx), gy = cellOf(cy);
    const mine: number[] = [];
    for (let i = Math.max(0, gx - 1); i <= Math.min(cells - 1, gx + 1); i++) {
      for (let j = Math.max(0, gy - 1); j <= Math.min(cells - 1, gy + 1); j++) {
        const cell = i * cells + j;
        for (let k = grid.start[cell]!; k < grid.start[cell + 1]!; k++) {
          const t = grid.terminal[k]!;
          const dx = terminals.x[t]! - cx, dy = terminals.y[t]! - cy;
          if (dx * dx + dy * dy < r2) mine.push(t);
        }
      }
    }
    // Ascending codes, as the handbook's list: the draws do not depend on the grid's layout.
    for (const t of mine.sort((a, b) => a - b)) found.push(t);
  }
  start[customers.x.length] = found.length;
  return { start, terminal: Int32Array.from(found) };
}

/** Terminals by grid cell (`cells` × `cells`), in ascending code within a cell. */
function bucketTerminals(
  terminals: TerminalProfiles,
  cells: number,
  cellOf: (v: number) => number,
): NearbyTerminals {
  const n = terminals.x.length;
  const cell = new Int32Array(n);
  const start = new Int32Array(cells * cells + 1);
  for (let t = 0; t < n; t++) {
    cell[t] = cellOf(terminals.x[t]!) * cells + cellOf(terminals.y[t]!);
    start[cell[t]! + 1]!++;
  }
  for (let k = 0; k < cells * cells; k++) start[k + 1]! += start[k]!;
  const at = start.slice(0, -1);
  const terminal = new Int32Array(n);
  for (let t = 0; t < n; t++) terminal[at[cell[t]!]!++] = t;
  return { start, terminal };
}
