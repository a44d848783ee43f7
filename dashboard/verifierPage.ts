/**
 * The proof verifier page (light/web/, docs/proofs.md "The verifier page"): light/web/main.ts
 * bundled with esbuild (the light verifier, herumi's BLS WASM embedded), and its static HTML. The
 * dashboard serves it at /verify; `npm run verifier -- --port <p>` serves it alone on 127.0.0.1.
 * The page fetches nothing but its own script: the files it verifies never leave the browser.
 */
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { browserBundle } from "./browserBundle.ts";

export const DEFAULT_VERIFIER_PORT = 9951;
const WEB = join(dirname(fileURLToPath(import.meta.url)), "..", "light", "web");

export interface VerifierPage {
  html: string;
  js: string;
  /** Milliseconds the bundle took to build. */
  buildMs: number;
}

/** Bundles light/web/main.ts (ESM: light/bls.ts initialises its WASM with a top-level await). */
export async function buildVerifierPage(): Promise<VerifierPage> {
  const started = performance.now();
  const js = await browserBundle(join(WEB, "main.ts"));
  return { html: readFileSync(join(WEB, "index.html"), "utf8"), js, buildMs: Math.round(performance.now() - started) };
}

/**
 * Answers the page's two paths: `page` (the HTML; its script is the relative `verify.js`) and
 * `/verify.js`. False for any other path.
 */
export function serveVerifier(page: VerifierPage, htmlPaths: readonly string[], path: string, send: (type: string, body: string) => void): boolean {
  if (htmlPaths.includes(path)) send("text/html; charset=utf-8", page.html);
  else if (path === "/verify.js") send("text/javascript; charset=utf-8", page.js);
  else return false;
  return true;
}

export interface Verifier {
  readonly url: string;
  readonly port: number;
  readonly buildMs: number;
  close(): Promise<void>;
}

/** Serves the verifier page alone (at / and /verify) until `close()`. */
export async function startVerifier(opts: { port: number; host?: string }): Promise<Verifier> {
  const page = await buildVerifierPage();
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (type: string, body: string) => {
      res.writeHead(200, { "content-type": type, "cache-control": "no-cache" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") res.writeHead(405).end();
    else if (!serveVerifier(page, ["/", "/index.html", "/verify"], path, send)) res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return { url: `http://${host}:${port}/`, port, buildMs: page.buildMs, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
