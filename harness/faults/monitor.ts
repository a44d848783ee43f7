/**
 * What every node reports as it happens: each new best block and each new finalized head, with
 * the time the test saw it (`chain_subscribeNewHeads` / `chain_subscribeFinalizedHeads` over
 * WebSocket). A node that restarts is followed again under the same index, so its finalized
 * heads before and after the restart form one sequence, which must never go down.
 */
import WebSocket from "ws";
import type { HeaderJson } from "../../rpc/format.ts";
import type { NodeProcess } from "../process.ts";
import { blockRefOf, type BlockRef } from "./rpc.ts";

export interface HeadEvent extends BlockRef {
  /** `Date.now()` when the notification arrived. */
  at: number;
}

export class HeadMonitor {
  /** Per node index, every new best block in arrival order. */
  readonly best: HeadEvent[][];
  /** Per node index, every new finalized head in arrival order, across restarts. */
  readonly finalized: HeadEvent[][];
  private readonly sockets: Array<WebSocket | null>;

  constructor(size: number) {
    this.best = Array.from({ length: size }, () => []);
    this.finalized = Array.from({ length: size }, () => []);
    this.sockets = Array.from({ length: size }, () => null);
  }

  /** Follows node `index` (again, after a restart: the previous connection is dropped). */
  async attach(index: number, node: NodeProcess): Promise<void> {
    this.sockets[index]?.close();
    const ws = new WebSocket(node.wsUrl);
    this.sockets[index] = ws;
    // Request id → where its subscription's notifications go; then subscription id → the same.
    const requests = new Map<number, HeadEvent[]>([
      [1, this.best[index]],
      [2, this.finalized[index]],
    ]);
    const subscriptions = new Map<string, HeadEvent[]>();
    const subscribed = new Promise<void>((resolve, reject) => {
      ws.on("message", (data) => {
        const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; params?: { subscription: string | number; result: HeaderJson } };
        if (msg.id !== undefined) {
          subscriptions.set(String(msg.result), requests.get(msg.id) as HeadEvent[]);
          if (subscriptions.size === requests.size) resolve();
        } else if (msg.params) {
          subscriptions.get(String(msg.params.subscription))?.push({ ...blockRefOf(msg.params.result), at: Date.now() });
        }
      });
      ws.once("open", () => {
        ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain_subscribeNewHeads", params: [] }));
        ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "chain_subscribeFinalizedHeads", params: [] }));
      });
      // A node killed mid-scenario resets the connection: that ends its events, nothing more.
      ws.on("error", reject);
    });
    await subscribed;
  }

  close(): void {
    for (const ws of this.sockets) ws?.close();
    this.sockets.fill(null);
  }

  /** Distinct blocks that became best on any of the nodes between `from` and `to`. */
  blocksBetween(from: number, to: number, nodes: readonly number[] = this.best.map((_, i) => i)): BlockRef[] {
    const seen = new Map<string, BlockRef>();
    for (const i of nodes) for (const e of this.best[i]) if (e.at >= from && e.at <= to) seen.set(e.hash, e);
    return [...seen.values()];
  }

  /**
   * The longest time node `index` went without a new best block between `from` and `to`,
   * counting from `from` to its first one and from its last one to `to`.
   */
  longestGap(index: number, from: number, to: number): number {
    let last = from;
    let longest = 0;
    for (const e of this.best[index]) {
      if (e.at < from || e.at > to) continue;
      longest = Math.max(longest, e.at - last);
      last = e.at;
    }
    return Math.max(longest, to - last);
  }

  /** Per node, the finalized heads lower than one that node reported before (must be none). */
  finalizedDecreases(): string[] {
    const out: string[] = [];
    this.finalized.forEach((events, i) => {
      let highest = -1;
      for (const e of events) {
        if (e.number < highest) out.push(`node ${i}: finalized #${e.number} after #${highest}`);
        highest = Math.max(highest, e.number);
      }
    });
    return out;
  }

  /** Every finalized head any node reported: number → the distinct hashes reported for it. */
  finalizedByNumber(): Map<number, Set<string>> {
    const out = new Map<number, Set<string>>();
    for (const events of this.finalized) {
      for (const e of events) {
        const hashes = out.get(e.number) ?? new Set<string>();
        hashes.add(e.hash);
        out.set(e.number, hashes);
      }
    }
    return out;
  }
}
