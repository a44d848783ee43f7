/** `npm run dashboard -- [--rpc <ws-url>] [--port <port>]` (docs/dashboard.md). */
import { Command } from "commander";
import { DEFAULT_DASHBOARD_PORT, DEFAULT_RPC_URL, startDashboard } from "./server.ts";

const program = new Command("dashboard")
  .description("Serves the web dashboard on 127.0.0.1; the browser reads the node's RPC directly")
  .option("--rpc <url>", "the node's RPC WebSocket URL (ws:// or wss://)", DEFAULT_RPC_URL)
  .option("--port <port>", "the dashboard's port", String(DEFAULT_DASHBOARD_PORT))
  .parse();
const opts = program.opts<{ rpc: string; port: string }>();
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected a port number, got ${opts.port}`);
  process.exit(2);
}
try {
  const dashboard = await startDashboard({ rpc: opts.rpc, port });
  console.log(`Dashboard on ${dashboard.url} (node RPC ${opts.rpc}; bundle built in ${dashboard.buildMs} ms)`);
  const stop = () => void dashboard.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
