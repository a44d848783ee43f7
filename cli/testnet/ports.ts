import { createServer } from "node:net";
import { TestnetError } from "./errors.ts";
import type { TestnetPlan } from "./plan.ts";

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Fails before anything starts if a port is taken, rather than with one node dying among four. */
export async function checkPorts(plan: TestnetPlan): Promise<void> {
  for (const node of plan.nodes) {
    const uses: Array<[string, number | null]> = [["p2p", node.ports.p2p], ["rpc", node.ports.rpc], ["prometheus", node.ports.prometheus]];
    for (const [use, port] of uses) {
      if (port !== null && !(await portIsFree(port))) {
        throw new TestnetError({ code: "PORT_IN_USE", port, node: node.name, use }, `port ${port} (${node.name}'s ${use}) is in use on 127.0.0.1; pick other ports`);
      }
    }
  }
}
