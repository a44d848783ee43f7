/**
 * A chain without a node, for runtime tests: genesis from a chain spec, state in a `MerkleTrie`
 * over a `MemoryNodeStore`, blocks authored by driving the `Executive` the way the slot worker
 * does (initialize → apply each extrinsic → finalize → apply the writes to the trie).
 */
import { bigintToBytes } from "../../primitives/bytes.ts";
import type { Block, Call, Header } from "../../primitives/codec/index.ts";
import { auraPreDigest } from "../../primitives/digest.ts";
import { devKeypair } from "../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { MemoryNodeStore } from "../../primitives/trie/nodeStore.ts";
import { MerkleTrie, orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { buildGenesisBlock, type GenesisBlock } from "../../genesis/build.ts";
import type { ChainSpec } from "../../genesis/chainSpec.ts";
import { devChainSpec } from "../../genesis/presets.ts";
import { applyStateChanges, headerHash } from "../../node/chain/chain.ts";
import type { RuntimeConfig } from "../../runtime/config.ts";
import { decodeEvent } from "../../runtime/events.ts";
import { Executive, type ApplyOutcome } from "../../runtime/executive.ts";
import { signExtrinsic, type ExtrinsicParams } from "../../runtime/extrinsic.ts";
import { InvalidTransaction } from "../../runtime/framework/errors.ts";
import type { StateChange } from "../../runtime/framework/state.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import { TotalIssuance } from "../../runtime/modules/balances/storage.ts";
import { getAccount } from "../../runtime/modules/system/accounts.ts";
import { Account, Config, Events, type AccountData } from "../../runtime/modules/system/storage.ts";
import { remarkArgs } from "../../runtime/modules/system/types.ts";

export const AKRE = 10n ** 18n;

/** The weight `balances.transfer` and `transferKeepAlive` declare (runtime/modules/balances/calls.ts). */
export const TRANSFER_WEIGHT = 50_000n;

export interface HeadInfo {
  hash: Uint8Array;
  header: Header;
  slot: bigint;
}

/** One authored block: its extrinsics are those that were applied; `results` has one entry per candidate. */
export interface AuthoredBlock {
  block: Block;
  hash: Uint8Array;
  /** The state root before the block. */
  parentRoot: Uint8Array;
  changes: StateChange[];
  results: Array<ApplyOutcome | InvalidTransaction>;
}

/** An event with its data parsed back from canonical JSON. */
export interface DecodedEvent {
  phase: number;
  extrinsicIndex: number;
  module: string;
  name: string;
  data: Record<string, unknown>;
}

export class TestChain {
  readonly genesis: GenesisBlock;
  readonly executive: Executive;
  readonly store = new MemoryNodeStore();
  head: HeadInfo;

  constructor(spec: ChainSpec = devChainSpec()) {
    this.genesis = buildGenesisBlock(spec);
    this.store.putNodes(this.genesis.trieNodes);
    this.executive = new Executive(this.genesis.hash);
    this.head = { hash: this.genesis.hash, header: this.genesis.header, slot: 0n };
  }

  /** A fresh view of the state at the head (or at `root`). */
  state(root: Uint8Array = this.head.header.stateRoot): MerkleTrie {
    return new MerkleTrie(root, this.store);
  }

  config(): RuntimeConfig {
    return Config.get(this.state());
  }

  account(who: Uint8Array): AccountData {
    return getAccount(this.state(), who);
  }

  totalIssuance(): bigint {
    return TotalIssuance.get(this.state());
  }

  /** Sum of free + reserved over every stored account, read straight from the trie. */
  sumOfBalances(): bigint {
    let sum = 0n;
    for (const [, raw] of this.state().entries(Account.prefix)) {
      const a = Account.decodeValue(raw);
      sum += a.free + a.reserved;
    }
    return sum;
  }

  /** The events of the head block, each checked against its module's declaration (`decodeEvent` throws otherwise). */
  events(): DecodedEvent[] {
    return Events.get(this.state()).map((e) => ({ phase: e.phase, extrinsicIndex: e.extrinsicIndex, ...decodeEvent(e) }));
  }

  sign(signer: Ed25519Keypair | string, call: Call, params: ExtrinsicParams): Uint8Array {
    const keypair = typeof signer === "string" ? devKeypair(signer) : signer;
    return signExtrinsic(this.genesis.hash, keypair.secretSeed, call, params);
  }

  /** Produces empty blocks until the head is block `n`. */
  advanceTo(n: number): void {
    while (this.head.header.number < n) this.produceBlock([]);
  }

  /**
   * Authors a block on the head as the slot worker does (`readings`: encoded pog readings,
   * applied before the extrinsics; their signatures are the importer's business, not checked here):
   * an extrinsic rejected with
   * `InvalidTransaction` is left out (its error is in `results`), any other error propagates.
   */
  produceBlock(candidates: Uint8Array[], opts: { slot?: bigint; readings?: Uint8Array[] } = {}): AuthoredBlock {
    const slot = opts.slot ?? this.head.slot + 1n;
    const parentRoot = this.head.header.stateRoot;
    const trie = this.state(parentRoot);
    const digest = [auraPreDigest(slot)];
    const number = this.head.header.number + 1;
    const ctx = this.executive.initializeBlock(trie, { number, parentHash: this.head.hash, digest });
    const readings = opts.readings ?? [];
    this.executive.applyReadings(ctx, readings);
    const included: Uint8Array[] = [];
    const results: Array<ApplyOutcome | InvalidTransaction> = [];
    for (const xt of candidates) {
      try {
        results.push(this.executive.applyExtrinsic(ctx, xt, included.length));
        included.push(xt);
      } catch (e) {
        if (!(e instanceof InvalidTransaction)) throw e;
        results.push(e);
      }
    }
    const changes = this.executive.finalizeBlock(ctx);
    const { root, nodes } = applyStateChanges(trie, changes);
    this.store.putNodes(nodes);
    const readingsRoot = readings.length > 0 ? orderedTrieRoot(readings) : new Uint8Array(0);
    const header: Header = { parentHash: this.head.hash, number, stateRoot: root, extrinsicsRoot: orderedTrieRoot(included), digest, readingsRoot };
    const hash = headerHash(header);
    this.head = { hash, header, slot };
    return { block: { header, extrinsics: included, readings }, hash, parentRoot, changes, results };
  }
}

export function transferCall(dest: Uint8Array, value: bigint, method: "transfer" | "transferKeepAlive" = "transfer"): Call {
  return { module: "balances", method, args: transferArgs.encode({ dest, value: bigintToBytes(value) }) };
}

export function remarkCall(remark: Uint8Array): Call {
  return { module: "system", method: "remark", args: remarkArgs.encode({ remark }) };
}

export function publicKeyOf(name: string): Uint8Array {
  return devKeypair(name).publicKey;
}

/** The outcome of an applied extrinsic, or a failure naming what went wrong. */
export function expectApplied(result: ApplyOutcome | InvalidTransaction | undefined): ApplyOutcome {
  if (result === undefined) throw new Error("no result");
  if (result instanceof InvalidTransaction) throw new Error(`extrinsic rejected: ${result.code}`);
  return result;
}
