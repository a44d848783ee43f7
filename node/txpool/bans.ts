/**
 * Hashes of transactions that were included or found invalid, refused for a while so that
 * re-gossip of the same bytes costs a map lookup instead of a signature check (Substrate's
 * `PoolRotator`). Time is measured in blocks, so no wall clock is needed; the count is bounded
 * so that a flood of distinct invalid transactions cannot grow memory without limit.
 */
export class BanList {
  /** Hash (0x-hex) → last block number at which the ban holds. Insertion order is ban order. */
  private readonly until = new Map<string, number>();
  private readonly banBlocks: number;
  private readonly maxEntries: number;

  constructor(opts: { banBlocks: number; maxEntries: number }) {
    this.banBlocks = opts.banBlocks;
    this.maxEntries = opts.maxEntries;
  }

  get size(): number {
    return this.until.size;
  }

  ban(hashHex: string, blockNumber: number): void {
    // Re-inserting keeps the map ordered by ban time, which `expire` relies on.
    this.until.delete(hashHex);
    this.until.set(hashHex, blockNumber + this.banBlocks);
    if (this.until.size > this.maxEntries) {
      const oldest = this.until.keys().next().value as string;
      this.until.delete(oldest);
    }
  }

  isBanned(hashHex: string, blockNumber: number): boolean {
    const until = this.until.get(hashHex);
    return until !== undefined && blockNumber <= until;
  }

  /** Forgets bans that ended before `blockNumber`. */
  expire(blockNumber: number): void {
    for (const [hash, until] of this.until) {
      if (until >= blockNumber) break;
      this.until.delete(hash);
    }
  }
}
