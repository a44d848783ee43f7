import { moduleEvents } from "../../framework/events.ts";

export interface StakingEvents {
  Bonded: { stash: Uint8Array; amount: bigint };
  Unbonded: { stash: Uint8Array; amount: bigint; unlockSession: number };
  Withdrawn: { stash: Uint8Array; amount: bigint };
  Validating: { stash: Uint8Array; authoringKey: Uint8Array; finalityKey: Uint8Array };
  Chilled: { stash: Uint8Array };
  /** No candidate was eligible: the last planned set carries on. */
  ElectionFallback: { session: number; validators: number };
  ValidatorsElected: { session: number; validators: number; stake: bigint };
  NewSession: { session: number; validators: number };
  NewAuthoritySet: { setId: number; authorities: number; changedAt: number };
  /** The offence: `setId` for a finality-vote equivocation, `slot` for a block equivocation. */
  Slashed: { stash: Uint8Array; setId?: number; slot?: bigint; amount: bigint };
  ReporterRewarded: { reporter: Uint8Array; amount: bigint };
  RemovedFromSet: { stash: Uint8Array; session: number };
}

export const stakingEvents = moduleEvents<StakingEvents>("staking", {
  Bonded: { stash: "bytes", amount: "bigint" },
  Unbonded: { stash: "bytes", amount: "bigint", unlockSession: "number" },
  Withdrawn: { stash: "bytes", amount: "bigint" },
  Validating: { stash: "bytes", authoringKey: "bytes", finalityKey: "bytes" },
  Chilled: { stash: "bytes" },
  ElectionFallback: { session: "number", validators: "number" },
  ValidatorsElected: { session: "number", validators: "number", stake: "bigint" },
  NewSession: { session: "number", validators: "number" },
  NewAuthoritySet: { setId: "number", authorities: "number", changedAt: "number" },
  Slashed: { stash: "bytes", setId: "number?", slot: "bigint?", amount: "bigint" },
  ReporterRewarded: { reporter: "bytes", amount: "bigint" },
  RemovedFromSet: { stash: "bytes", session: "number" },
});
