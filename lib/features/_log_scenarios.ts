/**
 * The *Fraud Detection Handbook*'s three fraud scenarios, applied in its order to transactions
 * grouped by customer: (1) an amount above a threshold; (2) every day a few terminals are drawn
 * and all their transactions in the next days are fraud; (3) every day a few customers are drawn
 * and a share of their transactions in the next days get a multiplied amount and are fraud. A row
 * keeps the code of the last scenario that marked it, as the handbook's `TX_FRAUD_SCENARIO`.
 *
 * @module
 */

import { sampleRows } from "../data/sample.ts";
import type { Rng } from "../util/rng.ts";
import { type CustomerTransactions, DAY_SECONDS } from "./_log_transactions.ts";

/** The scenarios' settings, every one given (the public options hold the defaults). */
export interface ScenarioSettings {
  readonly amountThreshold: number;
  readonly compromisedTerminalsPerDay: number;
  readonly terminalCompromiseDays: number;
  readonly compromisedCustomersPerDay: number;
  readonly customerCompromiseDays: number;
  readonly compromisedShare: number;
  readonly amountMultiplier: number;
}

/** The population the scenarios draw from, and one random stream per drawing scenario. */
export interface ScenarioWorld {
  readonly customers: number;
  readonly terminals: number;
  readonly days: number;
  readonly terminalRng: Rng;
  readonly customerRng: Rng;
}

/** Labels and scenario codes by row (grouped by customer), and the draws behind them. */
export interface ScenarioMarks {
  readonly label: Uint8Array;
  readonly scenario: Uint8Array;
  /** Day d's compromised terminals: `[d × perDay, (d + 1) × perDay)`. */
  readonly compromisedTerminals: Int32Array;
  /** Day d's compromised customers: `[d × perDay, (d + 1) × perDay)`. */
  readonly compromisedCustomers: Int32Array;
}

/** Marks the frauds of the three scenarios; scenario 3 multiplies `tx.amount` in place. */
export function markFraud(
  tx: CustomerTransactions,
  world: ScenarioWorld,
  settings: ScenarioSettings,
): ScenarioMarks {
  const label = new Uint8Array(tx.rows), scenario = new Uint8Array(tx.rows);
  const mark = (i: number, code: number) => {
    label[i] = 1;
    scenario[i] = code;
  };
  for (let i = 0; i < tx.rows; i++) if (tx.amount[i]! > settings.amountThreshold) mark(i, 1);
  const compromisedTerminals = compromiseTerminals(tx, world, { settings, mark });
  const compromisedCustomers = compromiseCustomers(tx, world, { settings, mark });
  return { label, scenario, compromisedTerminals, compromisedCustomers };
}

/** How a scenario marks a row, and the settings it reads. */
interface Marking {
  readonly settings: ScenarioSettings;
  readonly mark: (row: number, code: number) => void;
}

/**
 * Scenario 2: each day, `compromisedTerminalsPerDay` distinct terminals; every transaction on one
 * from that day through the next `terminalCompromiseDays − 1` days is fraud.
 */
function compromiseTerminals(
  tx: CustomerTransactions,
  world: ScenarioWorld,
  { settings, mark }: Marking,
): Int32Array {
  const perDay = settings.compromisedTerminalsPerDay, span = settings.terminalCompromiseDays;
  const drawn = new Int32Array(world.days * perDay);
  const windows = new Map<number, number[]>();
  for (let day = 0; day < world.days; day++) {
    const picked = sampleRows(world.terminals, perDay, world.terminalRng.nextUint32());
    drawn.set(picked, day * perDay);
    for (const t of picked) {
      const days = windows.get(t);
      if (days) days.push(day);
      else windows.set(t, [day]);
    }
  }
  for (let i = 0; i < tx.rows; i++) {
    const starts = windows.get(tx.terminal[i]!);
    if (!starts) continue;
    const day = Math.floor(tx.second[i]! / DAY_SECONDS);
    if (starts.some((s) => day >= s && day < s + span)) mark(i, 2);
  }
  return drawn;
}

/**
 * Scenario 3: each day, `compromisedCustomersPerDay` distinct customers; of their transactions from
 * that day through the next `customerCompromiseDays − 1` days, ⌊n × compromisedShare⌋ drawn
 * together have their amount multiplied by `amountMultiplier` and are fraud. Days are applied in
 * order, so a row drawn twice is multiplied twice (as in the handbook).
 */
function compromiseCustomers(
  tx: CustomerTransactions,
  world: ScenarioWorld,
  { settings, mark }: Marking,
): Int32Array {
  const perDay = settings.compromisedCustomersPerDay, span = settings.customerCompromiseDays;
  const drawn = new Int32Array(world.days * perDay);
  for (let day = 0; day < world.days; day++) {
    const picked = sampleRows(world.customers, perDay, world.customerRng.nextUint32());
    drawn.set(picked, day * perDay);
    const rows: number[] = [];
    for (const c of picked) {
      for (let i = tx.customerStart[c]!; i < tx.customerStart[c + 1]!; i++) {
        const d = Math.floor(tx.second[i]! / DAY_SECONDS);
        if (d >= day && d < day + span) rows.push(i);
      }
    }
    const k = Math.floor(rows.length * settings.compromisedShare + 1e-9);
    for (const j of sampleRows(rows.length, k, world.customerRng.nextUint32())) {
      const i = rows[j]!;
      tx.amount[i] = Math.round(tx.amount[i]! * settings.amountMultiplier * 100) / 100;
      mark(i, 3);
    }
  }
  return drawn;
}
