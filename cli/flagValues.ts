import { Option } from "commander";

/**
 * Flag values read as Substrate's CLI reads them (clap with `ignore_case`): `--rpc-methods Unsafe`,
 * `--output-type Json`. commander's `.choices()` is case-sensitive, so such flags use this parser.
 */
export function oneOf<T extends string>(flag: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    const v = value.toLowerCase();
    if (!(values as readonly string[]).includes(v)) throw new Error(`invalid --${flag} "${value}": expected one of ${values.join(", ")}`);
    return v as T;
  };
}

/** Where the CLI's RPC subcommands (`tx`, `device`) find the node: `--rpc`, else `$ARKREEN_RPC_URL`, else the local node. */
export const RPC_URL_ENV = "ARKREEN_RPC_URL";

export function rpcUrlOption(): Option {
  return new Option("--rpc <url>", `node WebSocket RPC endpoint (or $${RPC_URL_ENV})`).env(RPC_URL_ENV).default("ws://127.0.0.1:9944");
}
