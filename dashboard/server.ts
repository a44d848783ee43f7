/**
 * The dashboard's web server (docs/dashboard.md): bundles the browser code (dashboard/web/, which
 * talks to the node's RPC with the client library) with esbuild at start, and serves it with the
 * node's RPC URL on 127.0.0.1. The browser connects to the node directly: a node's default CORS
 * allows http://127.0.0.1:* and http://localhost:* origins, so no proxy is needed.
 */
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { browserBundle } from "./browserBundle.ts";
import { buildVerifierPage, serveVerifier } from "./verifierPage.ts";

export const DEFAULT_DASHBOARD_PORT = 9950;
export const DEFAULT_RPC_URL = "ws://127.0.0.1:9944";

const HERE = dirname(fileURLToPath(import.meta.url));

export interface DashboardOpts {
  /** The node's RPC (ws:// or http://) that the browser talks to. */
  rpc: string;
  /** 0: any free port. */
  port: number;
  host?: string;
}

export interface Dashboard {
  readonly url: string;
  readonly port: number;
  /** Milliseconds the browser bundle took to build. */
  readonly buildMs: number;
  close(): Promise<void>;
}

/** The browser bundle: dashboard/web/main.ts with the client library and uPlot, minified. */
export async function bundle(): Promise<{ js: string; css: string }> {
  const js = await browserBundle(join(HERE, "web", "main.ts"));
  const css = readFileSync(join(HERE, "..", "node_modules", "uplot", "dist", "uPlot.min.css"), "utf8") + readFileSync(join(HERE, "web", "style.css"), "utf8");
  return { js, css };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(rpc: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>arkreen dashboard</title><link rel="stylesheet" href="/app.css"></head>
<body data-rpc="${escapeHtml(rpc)}">
<header><strong>arkreen</strong><nav>
<a href="#/network">Network</a><a href="#/accounts">Accounts</a><a href="#/devices">Devices</a><a href="#/certificates">Certificates</a><a href="#/forecasts">Forecasts</a>
</nav><span id="conn" class="muted">connecting…</span></header>
<main id="app"></main>
<script type="module" src="/app.js"></script></body></html>`;
}

/** Builds the bundle and serves the dashboard until `close()`. */
export async function startDashboard(opts: DashboardOpts): Promise<Dashboard> {
  // The pages live on subscriptions, which only a WebSocket carries.
  if (!/^wss?:\/\//i.test(opts.rpc)) throw new Error(`--rpc: expected the node's WebSocket URL (ws:// or wss://), got ${opts.rpc}`);
  const started = performance.now();
  const [{ js, css }, verifier] = await Promise.all([bundle(), buildVerifierPage()]);
  const buildMs = Math.round(performance.now() - started);
  const html = page(opts.rpc);
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (type: string, body: string, cache = "no-cache") => {
      res.writeHead(200, { "content-type": type, "cache-control": cache });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
    } else if (path === "/" || path === "/index.html") send("text/html; charset=utf-8", html);
    else if (path === "/app.js") send("text/javascript; charset=utf-8", js);
    else if (path === "/app.css") send("text/css; charset=utf-8", css);
    else if (path === "/health") send("text/plain", "ok");
    else if (serveVerifier(verifier, ["/verify"], path, send)) return;
    else res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return {
    url: `http://${host}:${port}/`,
    port,
    buildMs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
