import { toHex } from "../../primitives/bytes.ts";
import { equivocationProofCodec, type EquivocationProof } from "../../primitives/finality/vote.ts";
import { keypairFromSeed } from "../../primitives/keys/ed25519.ts";
import type { Logger } from "../../primitives/logger.ts";
import { signExtrinsic, staking } from "../../runtime/api.ts";
import { nextAccountNonce, type AccountNonceSources } from "../accountNonce.ts";
import type { DetectedBlockEquivocation } from "../chain/blockEquivocation.ts";
import type { ValidTransaction } from "../txpool/types.ts";

/** An offence the node saw: two headers sealed by one author for one slot, or two finality votes by one voter for one round and stage. */
export type Offence = { kind: "blockEquivocation"; detected: DetectedBlockEquivocation } | { kind: "finalityEquivocation"; proof: EquivocationProof };

/** Where offences go (the finality service and the chain's import hand them on). */
export interface OffenceSink {
  report(offence: Offence): void;
}

/** The part of the transaction pool the reporter uses (`node/txpool/pool.ts` fits it). */
export interface OffenceReportPool {
  submit(bytes: Uint8Array): ValidTransaction;
  nextNonce(sender: string, accountNonce: number): number;
}

export interface OffenceReporterOpts {
  genesisHash: Uint8Array;
  /** ed25519 seed of the account that signs and pays for reports (the validator's account); null: only log. */
  accountSeed: Uint8Array | null;
}

export interface OffenceReporterDeps {
  chain: AccountNonceSources["chain"];
  pool: OffenceReportPool;
  logger: Logger;
}

interface Report {
  /** The runtime slashes once per key: one report is sent for it. */
  key: string;
  method: "reportBlockEquivocation" | "reportEquivocation";
  proof: Uint8Array;
  what: string;
  fields: Record<string, unknown>;
}

function reportOf(offence: Offence): Report {
  if (offence.kind === "blockEquivocation") {
    const { proof, slot, author } = offence.detected;
    return { key: `block/${slot}/${toHex(author)}`, method: "reportBlockEquivocation", proof: staking.blockEquivocationProofCodec.encode(proof), what: "block equivocation", fields: { slot, author } };
  }
  const { setId, round, stage } = offence.proof.first.vote;
  const signer = offence.proof.first.signer;
  return { key: `vote/${setId}/${signer}`, method: "reportEquivocation", proof: equivocationProofCodec.encode(offence.proof), what: "finality equivocation", fields: { setId, round, stage, signer } };
}

/**
 * Turns offences into `staking` report extrinsics signed by the node's account, submitted to the
 * local pool (which announces them to the network like any local submission). One report per
 * offence key; a report the pool refuses (already reported by someone else, no funds for the
 * fee) is logged and not retried. A report that succeeds costs the account nothing (the runtime
 * refunds its fee, Substrate's `Pays::No`), but the fee is withdrawn up front, so the account
 * must hold it when the report is submitted (docs/staking.md#who-pays-for-a-report).
 */
export class OffenceReporter implements OffenceSink {
  private readonly opts: OffenceReporterOpts;
  private readonly deps: OffenceReporterDeps;
  private readonly account: Uint8Array | null;
  private readonly reported = new Set<string>();

  constructor(opts: OffenceReporterOpts, deps: OffenceReporterDeps) {
    this.opts = opts;
    this.deps = deps;
    this.account = opts.accountSeed === null ? null : keypairFromSeed(opts.accountSeed).publicKey;
  }

  report(offence: Offence): void {
    const { key, method, proof, what, fields } = reportOf(offence);
    if (this.reported.has(key)) return;
    if (this.opts.accountSeed === null || this.account === null) {
      this.deps.logger.warn(`A ${what} not reported: the node has no account key`, fields);
      return;
    }
    this.reported.add(key);
    const call = { module: "staking", method, args: staking.reportEquivocationArgsCodec.encode({ proof }) };
    try {
      const nonce = nextAccountNonce(this.deps, this.account);
      const tx = this.deps.pool.submit(signExtrinsic(this.opts.genesisHash, this.opts.accountSeed, call, { nonce }));
      this.deps.logger.info(`Reported a ${what}`, { ...fields, tx: tx.hash });
    } catch (error) {
      this.deps.logger.warn(`A ${what} report refused by the pool`, fields, error);
    }
  }
}
