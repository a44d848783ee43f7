/**
 * The composition root: the node service with its JSON-RPC server on top. node/ knows nothing of
 * RPC; this file hands the RPC namespaces what they read of the node (`RpcNodeApi`), starts the
 * server once the node runs, and stops it first.
 *
 *   const service = await NodeService.start({ ...nodeOpts, rpc: { port: 9944 } }, { logger });
 *   service.rpcAddress; // { host, port }
 *   await service.stop();
 */
import type { DatabaseError } from "../node/db/database.ts";
import { ArkreenNode, NODE_VERSION, type NodeOpts } from "../node/service.ts";
import type { Logger } from "../primitives/logger.ts";
import type { AuthorKeystore } from "../rpc/namespaces/author.ts";
import { registerNodeRpc } from "../rpc/namespaces/index.ts";
import { createRpcMetrics, RpcServer, type RpcServerOpts } from "../rpc/server/index.ts";

export interface NodeServiceOpts extends NodeOpts {
  /** The JSON-RPC server (HTTP and WebSocket on one port); null: none. */
  rpc: Partial<RpcServerOpts> | null;
  /** The keystore the author_* key methods use (cli/keystore.ts); absent: none. */
  keystore?: AuthorKeystore | null;
}

export class NodeService {
  readonly node: ArkreenNode;
  readonly rpcAddress: { host: string; port: number } | null;
  private readonly rpc: RpcServer | null;

  private constructor(node: ArkreenNode, rpc: RpcServer | null, rpcAddress: { host: string; port: number } | null) {
    this.node = node;
    this.rpc = rpc;
    this.rpcAddress = rpcAddress;
  }

  static async start(opts: NodeServiceOpts, deps: { logger: Logger; onFatal?: (error: DatabaseError) => void }): Promise<NodeService> {
    const node = await ArkreenNode.start(opts, deps);
    if (!opts.rpc) return new NodeService(node, null, null);
    try {
      const rpc = new RpcServer(opts.rpc, { logger: deps.logger.child("rpc"), metrics: createRpcMetrics(node.register), health: () => node.health() });
      registerNodeRpc(rpc, {
        chain: node.chain,
        // What the pools accept from RPC is gossiped by the network's announcer.
        pool: node.pool,
        network: node.network,
        readings: node.readings,
        executive: node.executive,
        spec: node.spec,
        runtimeConfig: node.runtimeConfig,
        nodeName: node.name,
        version: NODE_VERSION,
        health: () => node.health(),
        keystore: opts.keystore ?? null,
        finalityProofs: node.finalityProofs,
        recProofs: node.recProofs,
      });
      return new NodeService(node, rpc, await rpc.listen());
    } catch (e) {
      await node.stop();
      throw e;
    }
  }

  /** Closes the RPC server (WebSocket sessions and subscriptions first), then stops the node. */
  async stop(): Promise<void> {
    await this.rpc?.close();
    await this.node.stop();
  }
}
