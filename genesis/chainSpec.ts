import { readFileSync } from "node:fs";
import { ArkreenError } from "../primitives/errors.ts";

/**
 * Chain spec in Substrate's JSON shape. Amounts are decimal strings in base units
 * (1 AKRE = 10^18), because JSON numbers cannot hold 18-decimal balances exactly.
 */
/** Substrate's chain types. Only Development and Local chains let a validator use the dev keys, whose secrets are public. */
export const CHAIN_TYPES = ["Development", "Local", "Live", "Custom"] as const;

export interface ChainSpec {
  name: string;
  id: string;
  chainType: (typeof CHAIN_TYPES)[number];
  bootNodes: string[];
  telemetryEndpoints: null;
  protocolId: string;
  properties: { ss58Format: number; tokenDecimals: number; tokenSymbol: string };
  codeSubstitutes: Record<string, never>;
  genesis: { runtimeGenesis: { config: RuntimeGenesisConfig } } | { raw: RawGenesis };
}

export interface RawGenesis {
  top: Record<string, string>;
  childrenDefault: Record<string, never>;
}

export interface RuntimeGenesisConfig {
  system: {
    slotDurationMs: number;
    maxBlockExtrinsics: number;
    /** Sum of call weights (≈ ns of execution) a block may hold. */
    maxBlockWeight: number;
    maxBlockBytes: number;
    maxExtrinsicBytes: number;
  };
  balances: {
    existentialDeposit: string;
    /** [SS58 address or 0x public key, free balance in base units] */
    balances: Array<[string, string]>;
  };
  transactionPayment: {
    baseFee: string;
    lengthFeePerByte: string;
    weightFeePerUnit: string;
    feeBurnPercent: number;
  };
  treasury: { account: string };
  aura: { authorities: string[] };
  /** Sections of modules that read their own genesis config (see `ModuleGenesis`). */
  [module: string]: unknown;
}

export type ChainSpecErrorType =
  | { code: "UNREADABLE"; path: string; reason: string }
  | { code: "INVALID"; field: string; reason: string };

export class ChainSpecError extends ArkreenError<ChainSpecErrorType> {}

export function invalid(field: string, reason: string): never {
  throw new ChainSpecError({ code: "INVALID", field, reason }, `invalid chain spec: ${field}: ${reason}`);
}

function expectType(value: unknown, type: "string" | "number" | "object", field: string): void {
  if (typeof value !== type || value === null) invalid(field, `expected ${type}`);
}

function expectUint(value: unknown, field: string, max: number): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max) invalid(field, `expected an integer in [0, ${max}]`);
}

/** Checks the shape of a parsed chain spec; runtime values are checked again when genesis is built. */
export function validateChainSpec(json: unknown): ChainSpec {
  expectType(json, "object", "(root)");
  const spec = json as Record<string, unknown>;
  for (const f of ["name", "id", "chainType", "protocolId"]) expectType(spec[f], "string", f);
  // A typo must not pass for some other type: the node decides from it whether dev keys may run.
  if (!(CHAIN_TYPES as readonly unknown[]).includes(spec.chainType)) invalid("chainType", `expected one of ${CHAIN_TYPES.join(", ")}`);
  if (!Array.isArray(spec.bootNodes)) invalid("bootNodes", "expected an array");
  expectType(spec.properties, "object", "properties");
  const properties = spec.properties as Record<string, unknown>;
  expectUint(properties.ss58Format, "properties.ss58Format", 16383);
  expectUint(properties.tokenDecimals, "properties.tokenDecimals", 255);
  expectType(properties.tokenSymbol, "string", "properties.tokenSymbol");
  expectType(spec.genesis, "object", "genesis");
  const genesis = spec.genesis as Record<string, unknown>;
  if ("raw" in genesis) {
    expectType(genesis.raw, "object", "genesis.raw");
    expectType((genesis.raw as Record<string, unknown>).top, "object", "genesis.raw.top");
  } else if ("runtimeGenesis" in genesis) {
    expectType(genesis.runtimeGenesis, "object", "genesis.runtimeGenesis");
    expectType((genesis.runtimeGenesis as Record<string, unknown>).config, "object", "genesis.runtimeGenesis.config");
  } else {
    invalid("genesis", "expected `raw` or `runtimeGenesis`");
  }
  return spec as unknown as ChainSpec;
}

export function loadChainSpecFile(path: string): ChainSpec {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ChainSpecError({ code: "UNREADABLE", path, reason: (e as Error).message }, `cannot read chain spec ${path}: ${(e as Error).message}`);
  }
  return validateChainSpec(json);
}
