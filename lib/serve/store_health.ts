/**
 * What is wrong with the feature store's connection, read from the client's own events: an
 * authentication failure (Redis answers `WRONGPASS` or `NOAUTH` to the connection's `AUTH`) is
 * named — reconnecting will not fix a wrong password — where the client's status alone says
 * "reconnecting" forever. Cleared once the connection is ready again.
 *
 * @module
 */

import { type RedisConnection, redisFailure } from "../features/redis/client.ts";

/** The feature store's known problem, if any. */
export class StoreHealth {
  #problem: string | undefined;
  readonly #onChange: (problem: string | undefined) => void;

  /**
   * Listens to `conn`'s client (and, on a cluster, its nodes).
   *
   * @param conn The serving connection.
   * @param onChange Called when a problem appears or clears (for the server's log).
   */
  constructor(conn: RedisConnection, onChange: (problem: string | undefined) => void = () => {}) {
    this.#onChange = onChange;
    const seen = (error: unknown) => {
      const why = redisFailure(error);
      if (why.startsWith("authentication failed")) this.#set(why);
    };
    conn.client.on("error", seen);
    conn.client.on("node error", seen);
    conn.client.on("ready", () => this.#set(undefined));
  }

  /** The problem, as a phrase (`authentication failed (…)`), or undefined. */
  get problem(): string | undefined {
    return this.#problem;
  }

  #set(problem: string | undefined): void {
    if (problem === this.#problem) return;
    this.#problem = problem;
    this.#onChange(problem);
  }
}
