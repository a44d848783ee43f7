import { toHex } from "../../primitives/bytes.ts";
import { equivocationProofCodec, type EquivocationProof } from "../../primitives/finality/vote.ts";
import { keypairFromSeed } from "../../primitives/keys/ed25519.ts";
import type { Logger } from "../../primitives/logger.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { getAccount } from "../../runtime/modules/system/accounts.ts";
import { reportEquivocationArgsCodec } from "../../runtime/modules/staking/types.ts";
import type { Chain } from "../chain/chain.ts";
import type { ValidTransaction } from "../txpool/types.ts";

/** The part of the transaction pool the reporter uses (`node/txpool/pool.ts` fits it). */
export interface EquivocationReportPool {
  submit(bytes: Uint8Array): ValidTransaction;
  nextNonce(sender: string, accountNonce: number): number;
}

export interface EquivocationReporterOpts {
  genesisHash: Uint8Array;
  /** ed25519 seed of the account that signs and pays for reports (the validator's account); null: only log. */
  accountSeed: Uint8Array | null;
}

export interface EquivocationReporterDeps {
  chain: Chain;
  pool: EquivocationReportPool;
  logger: Logger;
}

/**
 * Turns the gadget's equivocation proofs into `staking.reportEquivocation` extrinsics in the pool.
 * The runtime slashes a validator once per set, so one report per (set, signer) is sent; a
 * report that the pool refuses (the offence was reported by someone else, no funds for the fee)
 * is logged and not retried.
 */
export class EquivocationReporter {
  private readonly opts: EquivocationReporterOpts;
  private readonly deps: EquivocationReporterDeps;
  private readonly sender: Uint8Array | null;
  private readonly reported = new Set<string>();

  constructor(opts: EquivocationReporterOpts, deps: EquivocationReporterDeps) {
    this.opts = opts;
    this.deps = deps;
    this.sender = opts.accountSeed === null ? null : keypairFromSeed(opts.accountSeed).publicKey;
  }

  report(proof: EquivocationProof): void {
    const { setId, round, stage } = proof.first.vote;
    const offender = proof.first.signer;
    const key = `${setId}/${offender}`;
    if (this.reported.has(key)) return;
    if (this.opts.accountSeed === null || this.sender === null) {
      this.deps.logger.warn("Finality equivocation not reported: the node has no account key", { setId, round, stage, signer: offender });
      return;
    }
    this.reported.add(key);
    const call = { module: "staking", method: "reportEquivocation", args: reportEquivocationArgsCodec.encode({ proof: equivocationProofCodec.encode(proof) }) };
    try {
      const tx = this.deps.pool.submit(signExtrinsic(this.opts.genesisHash, this.opts.accountSeed, call, { nonce: this.nextNonce(this.sender) }));
      this.deps.logger.info("Reported a finality equivocation", { setId, round, stage, signer: offender, tx: tx.hash });
    } catch (error) {
      this.deps.logger.warn("Equivocation report refused by the pool", { setId, round, stage, signer: offender }, error);
    }
  }

  /** The account's next nonce counting its pooled transactions, as `system_accountNextIndex` answers. */
  private nextNonce(account: Uint8Array): number {
    return this.deps.pool.nextNonce(toHex(account), getAccount(this.deps.chain.stateAt(), account).nonce);
  }
}
