import { toHex } from "../../primitives/bytes.ts";
import { invalidParams } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectHex } from "../server/params.ts";
import { positional, stateAtParam } from "./params.ts";

/** Keys per read proof: each costs a trie walk, and the proof grows with every key. */
const MAX_PROOF_KEYS = 1000;

export function registerStateRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("state_getStorage", {
    handler: (params) => {
      const [key, at] = positional(params, 2);
      const storageKey = expectHex(key, "key", { maxLength: 1024 });
      const value = stateAtParam(api, at).state.get(storageKey);
      return value === undefined ? null : toHex(value);
    },
  });
  server.addMethod("state_getReadProof", {
    handler: (params) => {
      const [keys, at] = positional(params, 2);
      if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_PROOF_KEYS) {
        throw invalidParams(`keys: expected an array of 1 to ${MAX_PROOF_KEYS} hex keys`);
      }
      const storageKeys = keys.map((k, i) => expectHex(k, `keys[${i}]`, { maxLength: 1024 }));
      const { hash, state } = stateAtParam(api, at);
      return { at: toHex(hash), proof: state.prove(storageKeys).map(toHex) };
    },
  });
}
