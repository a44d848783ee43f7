import type { TestnetPlan } from "./plan.ts";

/** Where the testnet command and its supervisor write what the developer sees. */
export interface TestnetOutput {
  out(text: string): void;
}

/** The table printed on start: one line per node. */
export function formatTestnetTable(plan: TestnetPlan): string {
  const header = ["name", "p2p", "rpc", "prometheus", "peer id"];
  const rows = plan.nodes.map((n) => [n.name, String(n.ports.p2p), String(n.ports.rpc), n.ports.prometheus === null ? "-" : String(n.ports.prometheus), n.peerId]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
