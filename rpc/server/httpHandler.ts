/**
 * HTTP side of the server: `POST` JSON-RPC (single and batch), `GET /health`, CORS
 * preflight, and the HTTP-level refusals (403 origin, 405 method, 413 body, 415 type).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../primitives/logger.ts";
import { RpcErrorCode } from "../errors.ts";
import { bodyBytes, type RpcDispatcher } from "./dispatcher.ts";
import type { RpcMetrics } from "./metrics.ts";
import { isLoopbackAddress } from "./options.ts";
import type { CallRateLimiter } from "./rateLimit.ts";

export interface HttpHandlerOpts {
  maxRequestBytes: number;
  /** `--rpc-cors all`: answer `Access-Control-Allow-Origin: *`. */
  anyOrigin: boolean;
}

export interface HttpHandlerDeps {
  dispatcher: RpcDispatcher;
  originAllowed: (origin: string) => boolean;
  /** The call budget of the connection a request came on (shared by its keep-alive requests). */
  rateLimitFor: (req: IncomingMessage) => CallRateLimiter | null;
  health: () => unknown;
  logger: Logger;
  metrics: RpcMetrics | null;
}

// jsonrpsee's accepted JSON-RPC content types.
const JSON_CONTENT_TYPES = new Set(["application/json", "application/json-rpc", "application/jsonrequest"]);

export class HttpHandler {
  private readonly opts: HttpHandlerOpts;
  private readonly deps: HttpHandlerDeps;

  constructor(opts: HttpHandlerOpts, deps: HttpHandlerDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!this.deps.originAllowed(origin)) {
        this.deps.metrics?.rejected.inc({ reason: "cors" });
        return this.text(res, 403, "Origin not allowed");
      }
      res.setHeader("Access-Control-Allow-Origin", this.opts.anyOrigin ? "*" : origin);
      res.setHeader("Vary", "Origin");
    }
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "OPTIONS") return this.preflight(req, res);
    if (req.method === "GET" && path === "/health") return this.health(res);
    if (req.method === "POST") return this.rpc(req, res);
    res.setHeader("Allow", "POST, GET, OPTIONS");
    return this.text(res, 405, "Used HTTP Method is not allowed. POST or OPTIONS is required");
  }

  /** Answers 429 on a connection beyond `maxConnections`, and closes it. */
  tooManyConnections(res: ServerResponse): void {
    res.setHeader("Connection", "close");
    this.text(res, 429, "Too many connections. Please try again later.");
  }

  private preflight(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] ?? "content-type");
    res.setHeader("Access-Control-Max-Age", "3600");
    res.writeHead(204).end();
  }

  private async health(res: ServerResponse): Promise<void> {
    let body: string | undefined;
    try {
      body = JSON.stringify(await this.deps.health());
    } catch (err) {
      this.deps.logger.warn("Health callback failed", {}, err);
    }
    if (body === undefined) return this.text(res, 500, "Internal error");
    this.json(res, 200, body);
  }

  private async rpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (!JSON_CONTENT_TYPES.has(contentType)) {
      return this.text(res, 415, "Supplied content type is not allowed. Content-Type: application/json is required");
    }
    const body = await this.readBody(req, res);
    if (body === null) return;
    const remoteAddress = req.socket.remoteAddress ?? "";
    const rateLimit = this.deps.rateLimitFor(req);
    const ctx = { transport: "http" as const, remoteAddress, isLocal: isLoopbackAddress(remoteAddress), budget: rateLimit };
    const reply = await this.deps.dispatcher.handle(body, { ctx, connection: req.socket, subscriptions: null, rateLimit });
    // Only notifications: nothing to answer, but HTTP needs a response (200, empty body).
    this.json(res, 200, reply ? reply.body : "");
    // Calls were refused: the connection's next request is not read before the backoff (see rateLimit.ts).
    const backoff = rateLimit?.backoffMs() ?? 0;
    if (backoff > 0) {
      req.socket.pause();
      setTimeout(() => req.socket.resume(), backoff).unref();
    }
  }

  /** The request body, or null when it was refused (413 already sent) or the client went away. */
  private readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
    const limit = this.opts.maxRequestBytes;
    if (Number(req.headers["content-length"] ?? "0") > limit) {
      this.tooBig(res);
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (body: Buffer | null): void => {
        if (settled) return;
        settled = true;
        resolve(body);
      };
      req.on("data", (chunk: Buffer) => {
        if (settled) return; // the rest of a refused body is read and discarded until the connection closes
        size += chunk.length;
        if (size > limit) {
          this.tooBig(res);
          settle(null);
        } else {
          chunks.push(chunk);
        }
      });
      req.on("end", () => settle(Buffer.concat(chunks, size)));
      req.on("close", () => settle(null));
    });
  }

  private tooBig(res: ServerResponse): void {
    this.deps.metrics?.rejected.inc({ reason: "request_too_big" });
    const error = { code: RpcErrorCode.OversizedRequest, message: "Request is too big", data: `Exceeded max limit of ${this.opts.maxRequestBytes}` };
    // The connection closes once the answer is out, whatever of the body is still coming.
    res.setHeader("Connection", "close");
    this.json(res, 413, JSON.stringify({ jsonrpc: "2.0", id: null, error }));
  }

  private json(res: ServerResponse, status: number, body: string | readonly string[]): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": bodyBytes(body) });
    if (typeof body === "string") return void res.end(body);
    for (const piece of body) res.write(piece);
    res.end();
  }

  private text(res: ServerResponse, status: number, body: string): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body) }).end(body);
  }
}
