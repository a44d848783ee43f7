/**
 * Block authorship and finality participation (`chain_getAuthorship`, docs/rpc.md): the JSON of
 * one block, and the per-validator summary of a window of blocks that the dashboard's validators
 * panel shows (docs/dashboard.md).
 */

/** One block's author and finality signers, as `chain_getAuthorship` answers them. */
export interface BlockAuthorship {
  number: number;
  hash: string;
  /** The Aura slot the header's digest names, decimal. */
  slot: string;
  /** `slot mod n` over the parent state's n Aura authorities; null when that state is pruned. */
  authorIndex: number | null;
  /** The author's Aura (ed25519) key, 0x-hex; null when the parent's state is pruned. */
  authoringKey: string | null;
  /**
   * The author's account, 0x-hex: the staking finality set's account at `authorIndex` (staking
   * writes the Aura authorities and the finality set from one elected list, in one order); without
   * staking, the Aura key, which on a dev chain is the authority's account. Null when unknown.
   */
  author: string | null;
  /** The block's stored justification; null when it has none (a later block's justification finalized it). */
  justification: {
    /** "bfin" (the BLS finality gadget), "inst" (dev instant finality: the single authority), or another engine id in hex. */
    engine: string;
    setId: number | null;
    round: number | null;
    /** Accounts (0x-hex) whose signatures it carries, in set order; null when the set cannot be read. */
    signers: string[] | null;
  } | null;
}

/** One validator over a window of blocks. */
export interface ValidatorParticipation {
  /** Account, 0x-hex. */
  account: string;
  /** Blocks of the window it authored. */
  authored: number;
  /** Justifications of the window whose signers include it. */
  signed: number;
}

export interface AuthorshipSummary {
  from: number;
  to: number;
  blocks: number;
  /** Blocks whose author could not be read (their parent's state pruned). */
  unknownAuthors: number;
  /** Blocks of the window with a stored justification. */
  justifications: number;
  /** Justifications whose signer set could not be read. */
  unknownSigners: number;
  /** Engines of the window's justifications, e.g. ["inst"]. */
  engines: string[];
  /** Authors and signers, most blocks authored first (then by account). */
  validators: ValidatorParticipation[];
}

/** Sums a window of `chain_getAuthorship` answers per validator. */
export function summarizeAuthorship(blocks: readonly BlockAuthorship[]): AuthorshipSummary {
  const byAccount = new Map<string, ValidatorParticipation>();
  const entry = (account: string): ValidatorParticipation => {
    let v = byAccount.get(account);
    if (!v) byAccount.set(account, (v = { account, authored: 0, signed: 0 }));
    return v;
  };
  let unknownAuthors = 0;
  let justifications = 0;
  let unknownSigners = 0;
  const engines = new Set<string>();
  for (const b of blocks) {
    if (b.author === null) unknownAuthors++;
    else entry(b.author).authored++;
    if (b.justification === null) continue;
    justifications++;
    engines.add(b.justification.engine);
    if (b.justification.signers === null) unknownSigners++;
    else for (const s of b.justification.signers) entry(s).signed++;
  }
  const validators = [...byAccount.values()].sort((a, b) => b.authored - a.authored || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return {
    from: blocks.length ? blocks[0].number : 0,
    to: blocks.length ? blocks[blocks.length - 1].number : 0,
    blocks: blocks.length,
    unknownAuthors,
    justifications,
    unknownSigners,
    engines: [...engines].sort(),
    validators,
  };
}
