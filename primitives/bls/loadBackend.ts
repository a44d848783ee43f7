import type { Logger } from "../logger.ts";
import type { BlsBackend, BlsBackendName } from "./backend.ts";
import { createBlstBackend, type BlstModule } from "./blstBackend.ts";
import { BlsVerifierError } from "./errors.ts";
import { createHerumiBackend, type HerumiModule } from "./herumiBackend.ts";

/** "auto": the native binding when it loads, else the WASM fallback (with a warning). */
export type BlsBackendChoice = "auto" | BlsBackendName;

export interface LoadBlsBackendDeps {
  logger: Logger;
  /** How to load each library; replaced in tests to simulate a platform without the binding. */
  importNative?: () => Promise<BlstModule>;
  importWasm?: () => Promise<HerumiModule>;
}

const importNativeDefault = (): Promise<BlstModule> => import("@chainsafe/blst");
const importWasmDefault = (): Promise<HerumiModule> => import("@chainsafe/bls/herumi");

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function loadBlsBackend(choice: BlsBackendChoice, deps: LoadBlsBackendDeps): Promise<BlsBackend> {
  const importNative = deps.importNative ?? importNativeDefault;
  const importWasm = deps.importWasm ?? importWasmDefault;

  const loadWasm = async (): Promise<BlsBackend> => {
    try {
      return createHerumiBackend(await importWasm()) as BlsBackend;
    } catch (error) {
      throw new BlsVerifierError({ code: "BLS_BACKEND_UNAVAILABLE", backend: "herumi-wasm", reason: reasonOf(error) });
    }
  };

  if (choice === "herumi-wasm") return loadWasm();
  try {
    return createBlstBackend(await importNative()) as BlsBackend;
  } catch (error) {
    if (choice === "blst-native") {
      throw new BlsVerifierError({ code: "BLS_BACKEND_UNAVAILABLE", backend: "blst-native", reason: reasonOf(error) });
    }
    deps.logger.warn("Native BLS binding unavailable, using the WASM fallback (about 10x slower)", {
      binding: "@chainsafe/blst",
      fallback: "@chainsafe/bls/herumi",
      reason: reasonOf(error),
    });
    return loadWasm();
  }
}
