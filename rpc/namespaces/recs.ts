import { bytesToBigint, toHex } from "../../primitives/bytes.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import type { Rec as RecJson, RecDetail as RecDetailJson, Retirement as RetirementJson } from "../../client/types.ts";
import { recs, type IterableStateReader, type StateReader } from "../../runtime/api.ts";

export type { RecDetailJson, RecJson, RetirementJson };
import { RecProofError, type RecProofWork } from "../../node/recs/recProver.ts";
import { RpcError, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectHex, expectNumber } from "../server/params.ts";
import type { RpcCallContext } from "../server/types.ts";
import { chargeCalls, chargeProofBytes } from "./finality.ts";
import { accountParam, positional, stateAtParam } from "./params.ts";

/**
 * RECs per `rec_listByOwner` page: a trader may hold thousands of splits; 1,000 summaries keep a
 * response near 400 KiB. Further pages start after the last id returned (storage order).
 */
export const MAX_RECS_PER_PAGE = 1000;

/** A REC as `rec_listByOwner` shows it, or null if there is none with that id. */
export function recSummary(state: StateReader, id: number, ss58Format: number): RecJson | null {
  const rec = recs.rec(state, id);
  if (!rec) return null;
  const origin = rec.origin === 0 ? rec : recs.rec(state, rec.origin);
  const decided = origin !== undefined && origin.decidedAt !== 0;
  return {
    id,
    status: recs.REC_STATUS_NAMES[rec.status],
    owner: encodeAddress(rec.owner, ss58Format),
    energyWh: rec.energyWh,
    retiredWh: rec.retiredWh,
    fee: bytesToBigint(rec.fee).toString(),
    createdAt: rec.createdAt,
    decidedAt: decided ? origin.decidedAt : null,
    issuer: origin && origin.issuer.length > 0 ? encodeAddress(origin.issuer, ss58Format) : null,
    serial: origin && origin.serial !== "" ? origin.serial : null,
    rejectReason: rec.rejectReason !== "" ? rec.rejectReason : null,
    parent: rec.parent === 0 ? null : rec.parent,
    origin: rec.origin === 0 ? null : rec.origin,
  };
}

/** `rec_get`: the REC with the slots it traces to. */
export function recDetail(state: StateReader, id: number, ss58Format: number): RecDetailJson | null {
  const summary = recSummary(state, id, ss58Format);
  if (!summary) return null;
  const slots = recs.recSlots(state, id).map((s) => ({ deviceId: s.deviceId, interval: s.interval, energyWh: s.energyWh, readingHash: toHex(s.readingHash), creditedBlock: s.creditedBlock }));
  return { ...summary, slots };
}

/**
 * `rec_listByOwner`: the RECs `owner` holds or requested (cancelled ones excepted), in storage
 * order (by the hash of the id) after the id `startAfter`, at most `MAX_RECS_PER_PAGE`: the owner
 * index is entered at `startAfter`, so a page costs its own size.
 */
export function recsOfOwner(state: IterableStateReader, owner: Uint8Array, ss58Format: number, startAfter?: number): RecJson[] {
  return recs.recIdsOfOwnerPage(state, owner, MAX_RECS_PER_PAGE, startAfter).map((id) => recSummary(state, id, ss58Format)!);
}

export function retirement(state: StateReader, id: number, ss58Format: number): RetirementJson | null {
  const r = recs.retirement(state, id);
  if (!r) return null;
  return { id, recId: r.recId, owner: encodeAddress(r.owner, ss58Format), amountWh: r.amountWh, beneficiary: r.beneficiary, message: r.message, block: r.block };
}

function idParam(value: unknown, name: string): number {
  return expectNumber(value, name, { integer: true, min: 0, max: 0xffffffff });
}

/**
 * Code of a REC bundle the node cannot build (`rec_prove`): an unknown or uncertified REC, a
 * crediting block whose body was pruned, a bundle over the size bound (`RecProofError`'s code in
 * the error's data). A finality proof it cannot give answers 4020, a pruned state 4004.
 */
export const REC_PROOF_CODE = 4021;
registerErrorMapping(RecProofError, (e) => new RpcError(REC_PROOF_CODE, e.message, e.toObject()));

/**
 * Crediting-block bodies a `rec_prove` reads per call of the connection's budget: one. Reading a
 * body decodes the block and hashes every reading in it to find the REC's (a block carries up to
 * thousands), about the work of a `pog_submitReadings` call's decoding, and a REC of 10,000 slots
 * reads up to 10,000 bodies: at one call per bundle that was free to repeat thousands of times a
 * minute. Charged before the bodies are read, so a refused call does not do the work.
 */
const BODIES_PER_CALL = 1;
/** `Retirements` entries read per call of the budget: a trie lookup each, like a state query's (at most ~10,000 a bundle). */
const RETIREMENT_READS_PER_CALL = 256;

function chargeRecProofWork(ctx: RpcCallContext, work: RecProofWork): void {
  const units = Math.ceil(work.bodies / BODIES_PER_CALL) + Math.ceil(work.retirementsRead / RETIREMENT_READS_PER_CALL);
  chargeCalls(ctx, units, "rec_prove", `one call per crediting block read (${work.bodies}) and per ${RETIREMENT_READS_PER_CALL} retirements read (${work.retirementsRead})`);
}

/** `rec_*`: reads of the recs module's state at the best block or at `at`; `rec_prove` builds a proof bundle at the finalized block. */
export function registerRecsRpc(server: RpcServer, api: RpcNodeApi): void {
  const ss58 = () => api.runtimeConfig.ss58Format;
  server.addMethod("rec_get", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      return recDetail(stateAtParam(api, at).state, idParam(id, "id"), ss58());
    },
  });
  server.addMethod("rec_listByOwner", {
    handler: (params) => {
      const [owner, at, startAfter] = positional(params, 3);
      const after = startAfter === undefined || startAfter === null ? undefined : idParam(startAfter, "startAfter");
      return recsOfOwner(stateAtParam(api, at).state, accountParam(owner, "owner"), ss58(), after);
    },
  });
  server.addMethod("rec_prove", {
    handler: async (params, ctx) => {
      const [id, from, at] = positional(params, 3);
      const recId = idParam(id, "id");
      const fromSetId = from === undefined || from === null ? 0 : expectNumber(from, "fromSetId", { integer: true, min: 0, max: 0xffffffff });
      const atHash = at === undefined || at === null ? undefined : expectHex(at, "at", { length: 32 });
      if (!api.recProofs) throw new RpcError(REC_PROOF_CODE, "This node serves no REC proofs");
      const bundle = await api.recProofs.prove(recId, fromSetId, atHash, (work) => chargeRecProofWork(ctx, work));
      chargeProofBytes(ctx, bundle.length, "rec_prove");
      return toHex(bundle);
    },
  });
  server.addMethod("rec_getRetirement", {
    handler: (params) => {
      const [id, at] = positional(params, 2);
      return retirement(stateAtParam(api, at).state, idParam(id, "id"), ss58());
    },
  });
}
