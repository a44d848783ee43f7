/** `npm run verifier -- [--port <port>]`: serves the offline proof verifier page on 127.0.0.1 (docs/proofs.md). */
import { Command } from "commander";
import { DEFAULT_VERIFIER_PORT, startVerifier } from "./verifierPage.ts";

const program = new Command("verifier")
  .description("Serves the proof verifier page on 127.0.0.1: drop a trust anchor and a proof file; they are checked in the browser")
  .option("--port <port>", "the page's port", String(DEFAULT_VERIFIER_PORT))
  .parse();
const opts = program.opts<{ port: string }>();
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected a port number, got ${opts.port}`);
  process.exit(2);
}
try {
  const verifier = await startVerifier({ port });
  console.log(`Proof verifier on ${verifier.url} (bundle built in ${verifier.buildMs} ms)`);
  const stop = () => void verifier.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
