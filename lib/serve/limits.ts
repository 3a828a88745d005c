/**
 * The scoring server's limits against broken or hostile clients, with their defaults in one
 * place: the largest request body and how long it may take to arrive, how long a connection may
 * take to send a request head or sit idle, and the least share of its features a row needs present
 * to be scored.
 *
 * @module
 */

import { z } from "zod";

/**
 * The limits (a zod schema: parse `{}` for the defaults).
 *
 * @example Limits with a smaller body
 * ```ts
 * import { ServeLimitsSchema } from "./limits.ts";
 *
 * const limits = ServeLimitsSchema.parse({ maxBodyBytes: 1 << 20 });
 * limits.bodyTimeoutMs; // 10_000
 * ```
 */
export const ServeLimitsSchema = z.strictObject({
  /**
   * The largest request body, bytes: a larger one is refused (413) before it is buffered.
   * @default 8 MiB — room for `MAX_ROWS` (10,000) rows of the fraud view's 17 features written at
   * full precision (about 6.4 MB), so the row limit and the byte limit agree.
   */
  maxBodyBytes: z.number().int().min(1).default(8 * 1024 * 1024),
  /** Time for a request's whole body to arrive once its head has, ms (then 408). @default 10_000 */
  bodyTimeoutMs: z.number().int().min(1).default(10_000),
  /**
   * Time a connection has to send a request head (counted from connecting, then from the first
   * byte of each next request), ms. 0 = no guard: `Deno.serve` takes connections itself, with no
   * header or idle timeout (for use behind a proxy that enforces both).
   * @default 10_000
   */
  headerTimeoutMs: z.number().int().min(0).default(10_000),
  /**
   * Time a connection may pass with no byte either way outside a request (kept alive between
   * requests, or a client that does not read its answer), ms.
   * @default 75_000 — longer than the 60 s idle timeout of common load balancers, so that they,
   * not the server, close a kept-alive connection first.
   */
  idleTimeoutMs: z.number().int().min(1).default(75_000),
  /**
   * The least share of the model's features a row must have present and readable, whether sent
   * (a `null` is not present) or an entity read by id; below it the request is refused (422, one
   * line per such row).
   * @default 0.5
   */
  minPresentShare: z.number().min(0).max(1).default(0.5),
});

/** The server's limits. */
export type ServeLimits = z.infer<typeof ServeLimitsSchema>;
