/**
 * Monotone and interaction constraints, as XGBoost reads them (`monotone_constraints`,
 * `interaction_constraints`) and enforces them in `hist`: parsed and resolved against the
 * training frame's feature names, then applied node by node — a node's weight bounds and the
 * features its path allows.
 *
 * @module
 */

import { ConfigError } from "../../errors.ts";

/** A monotone constraint as given: XGBoost's string `"(1,0,-1)"`, a list, or numbers by feature name. */
export type MonotoneParam = string | readonly number[] | Readonly<Record<string, number>>;

/** Interaction sets as given: XGBoost's JSON string `"[[0,1],[2,3]]"`, or lists of indices or names. */
export type InteractionParam = string | ReadonlyArray<ReadonlyArray<number | string>>;

/** The constraints of one fit, resolved to feature indices. */
export interface TreeConstraints {
  /** Per feature: 1 increasing, −1 decreasing, 0 free; undefined when no monotone constraint is set. */
  readonly monotone?: Int32Array;
  /** Sets of feature indices that may interact; undefined when none are set. */
  readonly interactions?: ReadonlyArray<ReadonlySet<number>>;
}

/**
 * Resolves the parameters against the feature names.
 *
 * @throws {ConfigError} one line per problem, naming `model.params.monotone_constraints` or
 *   `model.params.interaction_constraints`.
 * @example Increasing in amount, decreasing in age; amount and count may interact
 * ```ts
 * import { resolveConstraints } from "./constraints.ts";
 * const c = resolveConstraints(
 *   { monotone_constraints: { amount: 1, age: -1 }, interaction_constraints: [["amount", "count"]] },
 *   ["amount", "age", "count"],
 * );
 * c.monotone; // Int32Array [1, -1, 0]
 * c.interactions; // [Set {0, 2}]
 * ```
 */
export function resolveConstraints(
  p: {
    monotone_constraints?: MonotoneParam | undefined;
    interaction_constraints?: InteractionParam | undefined;
  },
  names: readonly string[],
): TreeConstraints {
  const problems: string[] = [];
  const monotone = p.monotone_constraints === undefined
    ? undefined
    : monotoneOf(p.monotone_constraints, names, problems);
  const interactions = p.interaction_constraints === undefined
    ? undefined
    : interactionsOf(p.interaction_constraints, names, problems);
  if (problems.length) throw new ConfigError(problems);
  return { ...(monotone ? { monotone } : {}), ...(interactions ? { interactions } : {}) };
}

const MONO = "model.params.monotone_constraints";
const INTER = "model.params.interaction_constraints";

function monotoneOf(m: MonotoneParam, names: readonly string[], problems: string[]): Int32Array {
  const out = new Int32Array(names.length);
  let values: number[] = [];
  if (typeof m === "string") {
    const body = /^\s*\((.*)\)\s*$/.exec(m)?.[1] ?? m;
    values = body.split(",").map((s) => s.trim().replace(/L$/, "")).filter((s) => s !== "")
      .map(Number);
    if (values.some((v) => !Number.isFinite(v))) {
      problems.push(`${MONO}: must look like "(1,0,-1)", got ${JSON.stringify(m)}`);
      return out;
    }
  } else if (Array.isArray(m)) values = [...m];
  else {
    for (const [name, v] of Object.entries(m)) {
      const j = names.indexOf(name);
      if (j < 0) problems.push(`${MONO}: no feature "${name}" (features: ${names.join(", ")})`);
      else out[j] = Math.sign(v);
    }
    return out;
  }
  if (values.length > names.length) {
    problems.push(`${MONO}: ${values.length} constraints for ${names.length} features`);
  }
  values.slice(0, names.length).forEach((v, j) => (out[j] = Math.sign(v)));
  return out;
}

function interactionsOf(
  m: InteractionParam,
  names: readonly string[],
  problems: string[],
): Array<Set<number>> {
  let sets: unknown = m;
  if (typeof m === "string") {
    try {
      sets = JSON.parse(m);
    } catch {
      problems.push(`${INTER}: must look like "[[0,1],[2,3]]", got ${JSON.stringify(m)}`);
      return [];
    }
  }
  if (!Array.isArray(sets) || !sets.every(Array.isArray)) {
    problems.push(`${INTER}: must be a list of lists of features, got ${JSON.stringify(m)}`);
    return [];
  }
  return (sets as unknown[][]).map((set) =>
    new Set(set.flatMap((f) => {
      const j = typeof f === "string" ? names.indexOf(f) : Number.isInteger(f) ? (f as number) : -1;
      if (j < 0 || j >= names.length) {
        problems.push(`${INTER}: no feature ${JSON.stringify(f)} (features: ${names.join(", ")})`);
        return [];
      }
      return [j];
    }))
  );
}

/**
 * The features a node may split on, given those its path used (XGBoost's rule): any at the root;
 * below, the used ones and every set that holds them all.
 */
export function allowedFeatures(
  sets: ReadonlyArray<ReadonlySet<number>>,
  path: readonly number[],
): Set<number> | undefined {
  if (path.length === 0) return undefined; // every feature
  const out = new Set(path);
  for (const set of sets) if (path.every((f) => set.has(f))) { for (const f of set) out.add(f); }
  return out;
}
