/**
 * What the scoring server's routes share: the model slot, the metrics, the request limits, the
 * online feature store and what is known to be wrong with it, and the sinks for scored rows,
 * labels and unexpected errors.
 *
 * @module
 */

import type { Loaded, ModelSlot } from "./model_slot.ts";
import type { OnlineStore } from "./entity_features.ts";
import type { BodyLimits } from "./read_body.ts";
import type { ServeMetrics } from "./serve_metrics.ts";
import type { Rollout } from "./rollout.ts";

/** A scored row as the prediction log keeps it. */
export interface LoggedRow {
  readonly entityId: string | null;
  readonly features: readonly number[];
  readonly probability: number;
  readonly label: number;
  readonly model: Loaded;
  /** Who the row was scored for: the answer (champion or canary), or the shadow. */
  readonly role?: "champion" | "canary" | "shadow";
  /** The request row it belongs to (`<request>:<row>`): pairs a shadow score with the answer. */
  readonly request?: string;
  /** Model features with no value (`null`, an absent key or store field). */
  readonly missing: number;
  /** Model features with a value that could not be read (scored as missing). */
  readonly unreadable: number;
}

/** What the routes need. */
export interface ServeContext {
  readonly slot: ModelSlot;
  /** A challenger in shadow and/or canary (none: the champion alone). */
  readonly rollout?: Rollout;
  readonly metrics: ServeMetrics;
  /** Body size and time, and the least share of a row's features present to score it. */
  readonly limits: BodyLimits & { readonly minPresentShare: number };
  /** The online feature store (entity-id requests need it). */
  readonly online?: OnlineStore;
  /** What is known to be wrong with the feature store (`authentication failed (…)`), if any. */
  readonly storeProblem?: () => string | undefined;
  /** Receives scored rows (the prediction log); failures there never fail a request. */
  readonly logRows?: (rows: LoggedRow[]) => void;
  /** Stores labels that arrived later (`POST /v1/feedback`), by entity id. */
  readonly feedback?: (labels: ReadonlyArray<readonly [string, 0 | 1]>) => Promise<void>;
  /** Receives an error no route expected (the request is answered 500). */
  readonly onError?: (error: unknown) => void;
}
