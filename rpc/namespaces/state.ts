import { toHex } from "../../primitives/bytes.ts";
import { EventPhase } from "../../primitives/codec/index.ts";
import { decodeEvent, system } from "../../runtime/api.ts";
import { StateError } from "../../node/chain/errors.ts";
import { invalidParams, RpcError, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectHex } from "../server/params.ts";
import { positional, stateAtParam } from "./params.ts";

/**
 * Code of a state query at a known block whose state this node pruned (`--state-pruning`): next to
 * Substrate's 4003 "Unknown block"; Substrate answers such a query with "State already discarded".
 * Every method that reads a state at a block (state_*, the modules' `at`, payment, runtime calls)
 * goes through `Chain.stateAt`, which decides by the block's number and chain, so they all answer this.
 */
export const STATE_PRUNED_CODE = 4004;
registerErrorMapping(StateError, (e) => new RpcError(STATE_PRUNED_CODE, e.message, e.toObject()));

/** Keys per read proof or multi-key query: each costs a trie walk, and the answer grows with every key. */
const MAX_KEYS = 1000;

function expectKeys(keys: unknown): Uint8Array[] {
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw invalidParams(`keys: expected an array of 1 to ${MAX_KEYS} hex keys`);
  }
  return keys.map((k, i) => expectHex(k, `keys[${i}]`, { maxLength: 1024 }));
}

const PHASE_NAMES: Readonly<Record<number, string>> = {
  [EventPhase.Initialization]: "initialization",
  [EventPhase.ApplyExtrinsic]: "applyExtrinsic",
  [EventPhase.Finalization]: "finalization",
};

export function registerStateRpc(server: RpcServer, api: RpcNodeApi): void {
  /**
   * `state_getEvents(at?)`: the block's events, decoded — `{ block, events: [{ phase, extrinsicIndex,
   * module, name, data }] }`, `extrinsicIndex` null outside `applyExtrinsic`, `data` the event's
   * fields (amounts as decimal strings, bytes and accounts as 0x-hex). Substrate clients decode the
   * `system.Events` storage with metadata; this node has none, so it decodes for them.
   */
  server.addMethod("state_getEvents", {
    handler: (params) => {
      const { hash, state } = stateAtParam(api, positional(params, 1)[0]);
      const events = system.events(state).map((record) => {
        const { module, name, data } = decodeEvent(record);
        const phase = PHASE_NAMES[record.phase];
        return { phase, extrinsicIndex: record.phase === EventPhase.ApplyExtrinsic ? record.extrinsicIndex : null, module, name, data };
      });
      return { block: toHex(hash), events };
    },
  });
  server.addMethod("state_getStorage", {
    handler: (params) => {
      const [key, at] = positional(params, 2);
      const storageKey = expectHex(key, "key", { maxLength: 1024 });
      const value = stateAtParam(api, at).state.get(storageKey);
      return value === undefined ? null : toHex(value);
    },
  });
  // Substrate's shape: one change set at the block, each key with its value or null.
  server.addMethod("state_queryStorageAt", {
    handler: (params) => {
      const [keys, at] = positional(params, 2);
      const storageKeys = expectKeys(keys);
      const { hash, state } = stateAtParam(api, at);
      const changes = storageKeys.map((key) => {
        const value = state.get(key);
        return [toHex(key), value === undefined ? null : toHex(value)];
      });
      return [{ block: toHex(hash), changes }];
    },
  });
  server.addMethod("state_getReadProof", {
    handler: (params) => {
      const [keys, at] = positional(params, 2);
      const storageKeys = expectKeys(keys);
      const { hash, state } = stateAtParam(api, at);
      return { at: toHex(hash), proof: state.prove(storageKeys).map(toHex) };
    },
  });
}
