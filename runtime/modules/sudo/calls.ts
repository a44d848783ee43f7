import { bytesEqual } from "../../../primitives/bytes.ts";
import type { Call } from "../../../primitives/codec/index.ts";
import { DispatchError } from "../../framework/errors.ts";
import type { BlockContext, CallDefinition, Origin } from "../../framework/module.ts";
import { ensureSigned } from "../../framework/origin.ts";
import { SudoError } from "./errors.ts";
import { Key } from "./storage.ts";
import { setKeyArgsCodec, sudoArgsCodec, type SudoSetKeyArgs, type SudoSudoArgs } from "./types.ts";
import { sudoEvents } from "./events.ts";

/** Looks a call up by name: the runtime's `findCall`, passed in so that this module need not import the runtime. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each call has its own argument type
export type CallResolver = (module: string, method: string) => CallDefinition<any> | undefined;

/** Reading the key, decoding the wrapped call and depositing the event, on top of the wrapped call's own weight. */
const SUDO_OVERHEAD_WEIGHT = 20_000n;
/** One read and one write. */
const SET_KEY_WEIGHT = 20_000n;

function ensureSudo(ctx: BlockContext, origin: Origin): Uint8Array {
  const who = ensureSigned(origin);
  if (!bytesEqual(who, Key.get(ctx.state))) throw new SudoError("RequireSudo");
  return who;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wrapped call's own argument type
function decodeCall(resolve: CallResolver, call: Call | null): { name: string; definition: CallDefinition<any>; args: object } {
  if (call === null) throw new SudoError("MalformedCall", { reason: "no call" });
  const name = `${call.module}.${call.method}`;
  // Root cannot sign, so a wrapped sudo call could only fail; refusing it also keeps `weight`
  // from decoding nested wrappers level after level.
  if (call.module === "sudo") throw new SudoError("NestedSudo", { call: name });
  const definition = resolve(call.module, call.method);
  if (!definition) throw new SudoError("UnknownCall", { call: name });
  try {
    return { name, definition, args: definition.args.decode(call.args) };
  } catch (e) {
    throw new SudoError("MalformedCall", { reason: (e as Error).message });
  }
}

/**
 * `sudo.sudo(call)` by the sudo key: dispatches `call` with the root origin. As in Substrate,
 * the outer call succeeds whatever the inner one does; the inner result is in the `Sudid` event,
 * and a failing inner call's writes and events are rolled back.
 */
export function sudoCall(resolve: CallResolver): CallDefinition<SudoSudoArgs> {
  return {
    args: sudoArgsCodec,
    weight: (args) => {
      try {
        const { definition, args: inner } = decodeCall(resolve, args.call);
        return SUDO_OVERHEAD_WEIGHT + definition.weight(inner);
      } catch {
        // An undecodable call fails in dispatch, before doing any work.
        return SUDO_OVERHEAD_WEIGHT;
      }
    },
    dispatch: (ctx, origin, args) => {
      ensureSudo(ctx, origin);
      const { name: call, definition, args: inner } = decodeCall(resolve, args.call);
      const eventsBefore = ctx.events.records.length;
      try {
        ctx.state.transactional(() => definition.dispatch(ctx, { kind: "root" }, inner));
        sudoEvents.deposit(ctx, "Sudid", { call, result: "Ok", module: null, error: null });
      } catch (e) {
        if (!(e instanceof DispatchError)) throw e;
        ctx.events.truncate(eventsBefore);
        sudoEvents.deposit(ctx, "Sudid", { call, result: "Err", module: e.type.module, error: e.type.code });
      }
    },
  };
}

/** `sudo.setKey(newKey)` by the sudo key: hands root to another account. */
export const setKey: CallDefinition<SudoSetKeyArgs> = {
  args: setKeyArgsCodec,
  weight: () => SET_KEY_WEIGHT,
  dispatch: (ctx, origin, { newKey }) => {
    const old = ensureSudo(ctx, origin);
    if (newKey.length !== 32) throw new SudoError("InvalidAccount");
    Key.set(ctx.state, newKey);
    sudoEvents.deposit(ctx, "KeyChanged", { old, new: newKey });
  },
};
