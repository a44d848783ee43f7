import type { DigestItem, MessageCodec } from "../../primitives/codec/index.ts";
import type { RuntimeConfig } from "../config.ts";
import type { EventCollector } from "./events.ts";
import type { OverlayState, State } from "./state.ts";

/** Who dispatched a call. Root is reserved for governance calls (none exposed yet). */
export type Origin = { kind: "signed"; who: Uint8Array } | { kind: "root" };

/** Everything a call or hook may touch while a block executes. */
export interface BlockContext {
  readonly state: OverlayState;
  /** Signed payloads (registrations, receipts) bind to it: a signature for one chain is void on another. */
  readonly genesisHash: Uint8Array;
  readonly number: number;
  readonly parentHash: Uint8Array;
  readonly digest: DigestItem[];
  readonly config: RuntimeConfig;
  readonly events: EventCollector;
  /** Call weight used by the block's extrinsics so far (bounded by `config.maxBlockWeight`). */
  weight: bigint;
  /** The block author's account (from the slot digest), once the consensus hook has run. */
  author: Uint8Array | null;
}

/**
 * What a call that succeeded says about its fee (Substrate's `PostDispatchInfo`): `pays: "no"`
 * refunds the whole fee (Substrate's `Pays::No`), as valid equivocation reports are free; the tip
 * is never refunded, and a call that fails always pays, so failed attempts still cost.
 */
export interface PostDispatchInfo {
  readonly pays: "yes" | "no";
}

export interface CallDefinition<A extends object> {
  /** The protobuf type of the call's arguments. */
  readonly args: MessageCodec<A>;
  /** Execution cost in weight units (priced by `weightFeePerUnit`). */
  weight(args: A): bigint;
  /** Throws `DispatchError` on failure; the executive rolls back this call's writes. Nothing returned: the fee is paid. */
  dispatch(ctx: BlockContext, origin: Origin, args: A): void | PostDispatchInfo;
}

export interface ModuleHooks {
  onInitialize?(ctx: BlockContext): void;
  onFinalize?(ctx: BlockContext): void;
}

/** What the runtime's genesis is built from: a chain spec's (non-raw) genesis. */
export interface RuntimeGenesis {
  /** `genesis.runtimeGenesis.config`: one section per module, by module name. */
  readonly sections: Readonly<Record<string, unknown>>;
  /** The spec's `properties.ss58Format`, kept in the runtime config. */
  readonly ss58Format: number;
}

/**
 * Genesis of a module, from its own chain-spec section (`genesis.runtimeGenesis.config.<name>`):
 * it validates the JSON (throwing `GenesisConfigError`) and writes the module's genesis state,
 * including its config, which the module reads back from state so raw specs carry it. Modules
 * build in runtime order, so one may read what an earlier one wrote (balances, the system config).
 */
export interface ModuleGenesis {
  build(state: State, section: unknown, genesis: RuntimeGenesis): void;
}

/** A runtime module (pallet): its calls and hooks; storage, events and errors live beside it. */
export interface RuntimeModule {
  readonly name: string;
  readonly genesis?: ModuleGenesis;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each call has its own argument type
  readonly calls: Readonly<Record<string, CallDefinition<any>>>;
  readonly hooks?: ModuleHooks;
}
