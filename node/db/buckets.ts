/**
 * One-byte key prefixes of the database's buckets (Lodestar's `Bucket`): every key is
 * `prefix ++ key`, so buckets never collide and each can be iterated on its own.
 * Values are stable: never renumber, only add.
 */
export const Bucket = {
  /** block hash → encoded Header */
  header: 0x01,
  /** block hash → encoded BlockBody (the extrinsics) */
  blockBody: 0x02,
  /** block number (u32 BE) → hash of the canonical block at that height */
  canonicalHash: 0x03,
  /** trie node hash → encoded trie node */
  trieNode: 0x04,
  /** meta key → value (best head, finalized head, genesis hash) */
  chainMeta: 0x05,
  /** block hash → encoded Justification */
  justification: 0x06,
  /** (set id u32 BE, vote stage u8) → this validator's latest finality vote of that stage in that set */
  votes: 0x08,
  /** set id u32 BE → round u32 BE ++ block number u32 BE ++ block hash: the base of our latest round's votes */
  voteBases: 0x09,
  /**
   * trie node hash → u32 BE: how many node occurrences the kept states and the pending journals
   * account for (state pruning only; node/chain/statePruner.ts). At 0 the node and its count go.
   */
  trieNodeRefs: 0x0a,
  /**
   * block number u32 BE ++ block hash → encoded StateJournal: the trie nodes a block inserted and
   * the stored nodes it replaced, kept until the block is settled by finality (pruned or discarded).
   * With an archive state it holds empty journals: the index of blocks not yet settled.
   */
  stateJournal: 0x0b,
  // 0x20/0x21: finality set hand-overs (node/finality/setChangeRepository.ts); 0x22: reading signatures (node/readings/signatureStore.ts).
} as const;

export type BucketId = (typeof Bucket)[keyof typeof Bucket];
