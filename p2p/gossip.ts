import { TopicValidatorResult } from "@libp2p/gossipsub";
import type { GossipSub, GossipsubMessage } from "@libp2p/gossipsub";
import type { Logger } from "../primitives/logger.ts";
import { blake2b256 } from "../primitives/hash.ts";
import type { NetworkMetrics } from "./metrics.ts";
import { GOSSIP_KINDS, GOSSIP_MAX_BYTES, gossipTopic } from "./protocols.ts";
import type { GossipKind } from "./protocols.ts";
import { NetworkError } from "./errors.ts";

/**
 * Gossip topics and their validation, Lodestar's pattern: gossipsub runs with `asyncValidation`,
 * every received message goes into a bounded queue for its topic, a validator registered by the
 * subscriber (txpool, readings pool, block import, finality gadget) decides accept / ignore /
 * reject, and only then does gossipsub forward it (accept) or drop it. Message ids are the
 * blake2b-256 of the data, so the same content from two peers is one message and gossipsub's seen
 * cache stops it being validated or forwarded twice.
 */

export type GossipValidationResult = "accept" | "ignore" | "reject";

/** Validates (and, when accepting, takes in) one message; `from` is the peer that relayed it. */
export type GossipValidator = (data: Uint8Array, from: string) => Promise<GossipValidationResult>;

export interface TopicQueueConfig {
  /** Messages waiting for validation; more are dropped (ignored) and counted. */
  maxLength: number;
  /** Validations running at once. */
  concurrency: number;
}

/**
 * Queue bounds per topic. Blocks are validated one at a time (import is sequential anyway) and a
 * backlog of more than a few dozen means we are behind and sync will do better. Readings and
 * votes are many and small and their validators batch BLS signatures, so many run at once; their
 * queues hold several blocks' worth from a full validator set. Extrinsics sit between.
 */
export const TOPIC_QUEUES: Readonly<Record<GossipKind, TopicQueueConfig>> = {
  blocks: { maxLength: 64, concurrency: 1 },
  extrinsics: { maxLength: 4096, concurrency: 16 },
  readings: { maxLength: 8192, concurrency: 64 },
  votes: { maxLength: 4096, concurrency: 64 },
};

/**
 * The gossipsub service as the router uses it. The package's exported `GossipSub` interface leaves
 * out `reportMessageValidationResult`, which its implementation has and `asyncValidation` needs.
 */
export interface ValidatingGossipSub extends GossipSub {
  reportMessageValidationResult(msgId: string, propagationSource: string, acceptance: TopicValidatorResult): void;
  getMeshPeers(topic: string): string[];
}

export interface GossipRouterDeps {
  pubsub: ValidatingGossipSub;
  genesisHash: Uint8Array;
  /** Called for every rejected or oversized message, to penalise the peer that sent it. */
  onInvalid: (peer: string, reason: "invalid_gossip" | "oversized_gossip") => void;
  logger: Logger;
  metrics: NetworkMetrics | null;
}

interface QueuedMessage {
  msgId: string;
  from: string;
  data: Uint8Array;
}

class TopicQueue {
  readonly items: QueuedMessage[] = [];
  running = 0;
}

/** The message id function given to gossipsub: blake2b-256 of the data (content addressing). */
export function gossipMessageId(msg: { data: Uint8Array }): Uint8Array {
  return blake2b256(msg.data);
}

export class GossipRouter {
  private readonly deps: GossipRouterDeps;
  private readonly topicToKind = new Map<string, GossipKind>();
  private readonly validators = new Map<GossipKind, GossipValidator>();
  private readonly queues = new Map<GossipKind, TopicQueue>();
  private readonly onMessage = (event: CustomEvent<GossipsubMessage>): void => this.receive(event.detail);

  constructor(deps: GossipRouterDeps) {
    this.deps = deps;
    for (const kind of GOSSIP_KINDS) {
      this.topicToKind.set(gossipTopic(deps.genesisHash, kind), kind);
      this.queues.set(kind, new TopicQueue());
    }
  }

  start(): void {
    this.deps.pubsub.addEventListener("gossipsub:message", this.onMessage);
  }

  stop(): void {
    this.deps.pubsub.removeEventListener("gossipsub:message", this.onMessage);
  }

  /** Registers the validator for a kind and subscribes to its topic; one validator per kind. */
  subscribe(kind: GossipKind, validator: GossipValidator): void {
    this.validators.set(kind, validator);
    this.deps.pubsub.subscribe(gossipTopic(this.deps.genesisHash, kind));
  }

  /** Peers in our gossipsub mesh for the kind's topic (those we forward to and receive full messages from). */
  meshPeers(kind: GossipKind): string[] {
    return this.deps.pubsub.getMeshPeers(gossipTopic(this.deps.genesisHash, kind));
  }

  /** Whether any connected peer subscribes to the kind's topic (anyone to publish to). */
  hasSubscribers(kind: GossipKind): boolean {
    return this.deps.pubsub.getSubscribers(gossipTopic(this.deps.genesisHash, kind)).length > 0;
  }

  unsubscribe(kind: GossipKind): void {
    this.validators.delete(kind);
    this.deps.pubsub.unsubscribe(gossipTopic(this.deps.genesisHash, kind));
  }

  /** Publishes to the kind's topic; returns how many peers it was sent to (0 with no peers yet). */
  async publish(kind: GossipKind, data: Uint8Array): Promise<number> {
    const max = GOSSIP_MAX_BYTES[kind];
    if (data.length > max) throw new NetworkError({ code: "GOSSIP_MESSAGE_TOO_LARGE", kind, size: data.length, max });
    const result = await this.deps.pubsub.publish(gossipTopic(this.deps.genesisHash, kind), data);
    this.deps.metrics?.gossipPublished.inc({ kind });
    return result.recipients.length;
  }

  private receive(message: GossipsubMessage): void {
    const { msgId, msg } = message;
    const from = message.propagationSource.toString();
    const kind = this.topicToKind.get(msg.topic);
    const validator = kind === undefined ? undefined : this.validators.get(kind);
    if (kind === undefined || validator === undefined) {
      this.report(msgId, from, "ignore");
      return;
    }
    if (msg.data.length > GOSSIP_MAX_BYTES[kind]) {
      this.deps.metrics?.gossipReceived.inc({ kind, result: "oversized" });
      this.report(msgId, from, "reject");
      this.deps.onInvalid(from, "oversized_gossip");
      return;
    }
    const queue = this.queues.get(kind) as TopicQueue;
    if (queue.items.length >= TOPIC_QUEUES[kind].maxLength) {
      this.deps.metrics?.gossipReceived.inc({ kind, result: "dropped" });
      this.report(msgId, from, "ignore");
      return;
    }
    queue.items.push({ msgId, from, data: msg.data });
    this.drain(kind, queue, validator);
  }

  private drain(kind: GossipKind, queue: TopicQueue, validator: GossipValidator): void {
    while (queue.running < TOPIC_QUEUES[kind].concurrency && queue.items.length > 0) {
      const item = queue.items.shift() as QueuedMessage;
      queue.running++;
      void this.validate(kind, item, validator).finally(() => {
        queue.running--;
        const current = this.validators.get(kind);
        if (current !== undefined) this.drain(kind, queue, current);
      });
    }
  }

  private async validate(kind: GossipKind, item: QueuedMessage, validator: GossipValidator): Promise<void> {
    let result: GossipValidationResult;
    try {
      result = await validator(item.data, item.from);
    } catch (error) {
      // A validator that throws has a bug or hit a local fault; that is not the peer's doing.
      this.deps.logger.warn("Gossip validator failed", { kind, peer: item.from }, error);
      result = "ignore";
    }
    this.deps.metrics?.gossipReceived.inc({ kind, result });
    this.report(item.msgId, item.from, result);
    if (result === "reject") this.deps.onInvalid(item.from, "invalid_gossip");
  }

  private report(msgId: string, from: string, result: GossipValidationResult): void {
    const acceptance =
      result === "accept" ? TopicValidatorResult.Accept : result === "reject" ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore;
    this.deps.pubsub.reportMessageValidationResult(msgId, from, acceptance);
  }
}
