/**
 * Reads a stopped node's database directly: the state at a block, walked key by key, with entries
 * and bytes tallied per storage item (the 32-byte `blake2b128(module) ++ blake2b128(item)` prefix
 * every key starts with), named from the runtime modules' storage declarations.
 */
import { join } from "node:path";
import { toHex } from "../../primitives/bytes.ts";
import { MerkleTrie } from "../../primitives/trie/trie.ts";
import { Database } from "../../node/db/database.ts";
import { ChainDatabase } from "../../node/db/repositories.ts";
import * as auraStorage from "../../runtime/modules/aura/storage.ts";
import * as balancesStorage from "../../runtime/modules/balances/storage.ts";
import * as devicesStorage from "../../runtime/modules/devices/storage.ts";
import * as pogStorage from "../../runtime/modules/pog/storage.ts";
import * as recsStorage from "../../runtime/modules/recs/storage.ts";
import * as rewardsStorage from "../../runtime/modules/rewards/storage.ts";
import * as stakingStorage from "../../runtime/modules/staking/storage.ts";
import * as systemStorage from "../../runtime/modules/system/storage.ts";

const STORAGES: Record<string, Record<string, unknown>> = {
  aura: auraStorage,
  balances: balancesStorage,
  devices: devicesStorage,
  pog: pogStorage,
  recs: recsStorage,
  rewards: rewardsStorage,
  staking: stakingStorage,
  system: systemStorage,
};

/** Item names by their 32-byte key prefix (hex), from each storage module's exports. */
function itemNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const [module, exports] of Object.entries(STORAGES)) {
    for (const [name, item] of Object.entries(exports)) {
      const prefix = (item as { prefix?: unknown; key?: unknown } | null)?.prefix ?? (item as { key?: unknown } | null)?.key;
      if (prefix instanceof Uint8Array && prefix.length === 32) names.set(toHex(prefix), `${module}.${name}`);
    }
  }
  return names;
}

export interface ItemSize {
  entries: number;
  /** Key and value bytes. */
  bytes: number;
}

export interface StateSize {
  entries: number;
  bytes: number;
  items: Record<string, ItemSize>;
}

/** The node's database folder under `--base-path`. */
export function dbPath(basePath: string, chainId: string): string {
  return join(basePath, "chains", chainId, "db");
}

export class StoppedNodeDb {
  private readonly chain: ChainDatabase;
  private readonly names = itemNames();

  private constructor(chain: ChainDatabase) {
    this.chain = chain;
  }

  static async open(path: string): Promise<StoppedNodeDb> {
    return new StoppedNodeDb(new ChainDatabase(await Database.open(path)));
  }

  get best(): number {
    const best = this.chain.meta.getSync("best");
    if (best === undefined) throw new Error("no best block in the database");
    return best.number;
  }

  /** Entries and bytes of the state at canonical block `number`, per item; `prefix` restricts the walk. */
  stateAt(number: number, prefix?: Uint8Array): StateSize {
    const hash = this.chain.canonicalHash.getSync(number);
    const header = hash === undefined ? undefined : this.chain.header.getSync(hash);
    if (header === undefined) throw new Error(`no canonical block #${number}`);
    const trie = new MerkleTrie(header.stateRoot, this.chain.trieNode);
    const size: StateSize = { entries: 0, bytes: 0, items: {} };
    for (const [key, value] of trie.entries(prefix)) {
      const id = toHex(key.subarray(0, 32));
      const name = this.names.get(id) ?? `other:${id.slice(0, 18)}`;
      const item = (size.items[name] ??= { entries: 0, bytes: 0 });
      item.entries++;
      item.bytes += key.length + value.length;
      size.entries++;
      size.bytes += key.length + value.length;
    }
    return size;
  }

  async close(): Promise<void> {
    await this.chain.db.close();
  }
}
