/**
 * An HTTP proxy on a free loopback port in front of a real server, for fault tests: it forwards
 * every request, and by rule it can let the server do a request and then drop the reply (close
 * the client's connection without a byte, as when a reply is lost on the way back), drop
 * requests without forwarding them (a server that is down), or run a hook (kill the server)
 * before or after forwarding a matching request.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { freePort } from "./redis_server.ts";

/** One rule: requests whose `METHOD path` matches, the first `times` of them. */
export interface FaultRule {
  readonly match: RegExp;
  /** And whose body matches. */
  readonly body?: RegExp;
  /** `reply`: the server does the request, its reply is dropped; `request`: never forwarded. */
  readonly drop?: "reply" | "request";
  /** How many matching requests the rule applies to. @default 1 */
  readonly times?: number;
  /** Runs before the request is forwarded (e.g. kills the server). */
  readonly before?: () => Promise<void>;
  /** Runs after the server replied, before the reply is passed on (or dropped). */
  readonly after?: () => Promise<void>;
}

/** The proxy. */
export class FaultProxy {
  readonly url: string;
  /** `METHOD path` of every request seen, in order. */
  readonly seen: string[] = [];
  /** `METHOD path` of the requests a rule applied to. */
  readonly faulted: string[] = [];
  readonly #server: Server;
  readonly #upstream: string;
  #rules: Array<FaultRule & { left: number }> = [];

  private constructor(server: Server, url: string, upstream: string) {
    this.#server = server;
    this.url = url;
    this.#upstream = upstream;
  }

  /** Starts a proxy to `upstream` (`http://host:port`). */
  static async start(upstream: string): Promise<FaultProxy> {
    const port = freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const proxy = new FaultProxy(server, `http://127.0.0.1:${port}`, upstream.replace(/\/+$/, ""));
    server.on("request", (req, res) => void proxy.#handle(req, res));
    return proxy;
  }

  /** Adds a rule (rules apply in the order added, one per request). */
  rule(r: FaultRule): void {
    this.#rules.push({ ...r, left: r.times ?? 1 });
  }

  /** Removes every rule. */
  clear(): void {
    this.#rules = [];
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Uint8Array[] = [];
    for await (const c of req) chunks.push(c as Uint8Array);
    const what = `${req.method} ${req.url}`;
    this.seen.push(what);
    const text = new TextDecoder().decode(concat(chunks));
    const rule = this.#rules.find((r) =>
      r.left > 0 && r.match.test(what) && (!r.body || r.body.test(text))
    );
    if (rule) {
      rule.left--;
      this.faulted.push(what);
    }
    try {
      await rule?.before?.();
      if (rule?.drop === "request") return void req.socket.destroy();
      const reply = await fetch(this.#upstream + req.url, {
        method: req.method!,
        headers: headersOf(req),
        body: chunks.length ? concat(chunks) as BodyInit : null,
      });
      const body = new Uint8Array(await reply.arrayBuffer());
      await rule?.after?.();
      if (rule?.drop === "reply") return void req.socket.destroy();
      res.writeHead(reply.status, Object.fromEntries(reply.headers));
      res.end(body);
    } catch (e) {
      if (Deno.env.get("PROXY_DEBUG")) console.error("proxy:", what, e);
      req.socket.destroy(); // the server is gone: so is the connection
    }
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || ["host", "connection", "content-length"].includes(k)) continue;
    h.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  return h;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c, at), at += c.length);
  return out;
}
