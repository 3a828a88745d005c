/**
 * The drift options a config's `drift` section sets: what drift between files, drift against a
 * run and the monitor's cycle start from.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import type { DataDriftOptions } from "../drift/data_drift.ts";
import { layeredFrom } from "../drift/registry.ts";
import type { ChunkBy } from "../drift/chunks.ts";

/**
 * The data-drift options the config's `drift` section sets.
 *
 * @example PSI with 20 bins
 * ```ts
 * import { dataDriftOptions } from "./drift_options.ts";
 * import { config } from "../config/load.ts";
 * dataDriftOptions(config({ drift: { psiBins: 20 } }, { env: {} }).drift).psiBins; // 20
 * ```
 */
export function dataDriftOptions(drift: TrainingConfig["drift"]): DataDriftOptions {
  return {
    significanceLevel: drift.significanceLevel,
    correction: drift.correction,
    driftShare: drift.driftShare,
    psiBins: drift.psiBins,
    unseenShare: drift.unseenShare,
    minSamples: drift.minSamples,
    missingShareRise: drift.missingShareRise,
    ...(drift.importanceShare !== undefined ? { importanceShare: drift.importanceShare } : {}),
    tests: layeredFrom(drift.tests),
    thresholds: layeredFrom(drift.thresholds),
  };
}

/**
 * The chunking the config's `drift` section asks for (none: no chunked measures) and the PCA
 * variance share of the reconstruction error.
 *
 * @example Chunks of 500 rows
 * ```ts
 * import { chunkOptions } from "./drift_options.ts";
 * import { config } from "../config/load.ts";
 * chunkOptions(config({ drift: { chunkSize: 500 } }, { env: {} }).drift).chunking; // { size: 500 }
 * ```
 */
export function chunkOptions(
  drift: TrainingConfig["drift"],
): { chunking?: ChunkBy; reconstructionVariance: number } {
  const chunking: ChunkBy | undefined = drift.chunkSize !== undefined
    ? { size: drift.chunkSize }
    : drift.chunkCount !== undefined
    ? { count: drift.chunkCount }
    : drift.chunkBy !== undefined
    ? { period: drift.chunkBy }
    : undefined;
  return {
    ...(chunking ? { chunking } : {}),
    reconstructionVariance: drift.reconstructionVariance,
  };
}
