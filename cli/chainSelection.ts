import { homedir } from "node:os";
import { join } from "node:path";
import { loadChainSpecFile, type ChainSpec } from "../genesis/chainSpec.ts";
import { PRESETS } from "../genesis/presets.ts";

export interface ChainFlags {
  dev?: boolean;
  chain?: string;
  basePath?: string;
  tmp?: boolean;
}

/** `--chain dev|local|<path>`; `--dev` means `--chain dev`. Without either: `local`. */
export function selectChainSpec(flags: ChainFlags): ChainSpec {
  const id = flags.chain ?? (flags.dev ? "dev" : "local");
  const preset = PRESETS[id];
  return preset ? preset() : loadChainSpecFile(id);
}

/** Substrate's default base path: `$XDG_DATA_HOME/arkreen-node` or `~/.local/share/arkreen-node`. */
export function defaultBasePath(): string {
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "arkreen-node");
}

/**
 * The base path, or null for a temporary one: `--tmp`, or `--dev` without `--base-path`
 * (Substrate's `--dev` implies `--tmp` unless a base path is given).
 */
export function selectBasePath(flags: ChainFlags): string | null {
  if (flags.basePath) return flags.basePath;
  if (flags.tmp || flags.dev) return null;
  return defaultBasePath();
}
