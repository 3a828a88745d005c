/**
 * How the scoring server listens: `Deno.serve` on a Unix socket in a private temporary folder,
 * behind the {@link ConnectionGuard} on the TCP port (the header and idle timeouts), or — with
 * `headerTimeoutMs` 0, for a server behind a proxy that enforces both — `Deno.serve` on the TCP
 * port directly. Either way one graceful stop: stop accepting, finish the requests in flight,
 * close every connection.
 *
 * @module
 */

import { EnvironmentError } from "../errors.ts";
import { type ConnectionCounts, ConnectionGuard } from "./connection_guard.ts";

/** Where and how to listen. */
export interface ListenOptions {
  readonly hostname: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Time for a request head, ms; 0 = no guard. */
  readonly headerTimeoutMs: number;
  /** Time with no byte either way outside a request, ms (with the guard). */
  readonly idleTimeoutMs: number;
}

/** A listening server. */
export interface Listening {
  readonly port: number;
  /** The guard's connection counts (undefined without the guard). */
  readonly connections?: () => ConnectionCounts;
  /** Stops accepting, finishes in-flight requests, closes every connection. */
  shutdown(): Promise<void>;
}

type Handler = (req: Request) => Response | Promise<Response>;

/**
 * Serves `handler`.
 *
 * @throws {EnvironmentError} when the address cannot be listened on (in use, not an address of
 * this host) or the socket's folder cannot be made.
 * @example Serve on a free port, then stop
 * ```ts
 * import { listen } from "./listen.ts";
 *
 * const s = await listen(() => new Response("ok"), {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   headerTimeoutMs: 10_000,
 *   idleTimeoutMs: 75_000,
 * });
 * await s.shutdown();
 * ```
 */
export async function listen(handler: Handler, options: ListenOptions): Promise<Listening> {
  const where = `${options.hostname}:${options.port}`;
  if (options.headerTimeoutMs === 0) {
    const server = tryTo(
      `listen on ${where}`,
      () =>
        Deno.serve({ hostname: options.hostname, port: options.port, onListen: () => {} }, handler),
    );
    return { port: server.addr.port, shutdown: () => server.shutdown() };
  }
  const dir = await Deno.makeTempDir({ prefix: "serve-" }).catch((error) => {
    throw new EnvironmentError(`cannot make the server's socket folder: ${error}`, {
      cause: error,
    });
  });
  const path = `${dir}/http.sock`;
  const server = Deno.serve({ transport: "unix", path, onListen: () => {} }, handler);
  const removeDir = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  let guard: ConnectionGuard;
  try {
    guard = tryTo(`listen on ${where}`, () => new ConnectionGuard({ ...options, upstream: path }));
  } catch (error) {
    await server.shutdown();
    await removeDir();
    throw error;
  }
  return {
    port: guard.port,
    connections: () => guard.counts(),
    async shutdown() {
      guard.stopAccepting();
      await server.shutdown();
      await guard.close();
      await removeDir();
    },
  };
}

/** `f()`, its error an {@link EnvironmentError} saying what could not be done. */
function tryTo<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw new EnvironmentError(
      `cannot ${what}: ${error instanceof Error ? error.message : error}`,
      {
        cause: error,
      },
    );
  }
}
