import { writeFileSync } from "node:fs";
import { Command } from "commander";
import { generateNodeKeySecret, nodeKeyHex, peerIdOfNodeKey } from "../../p2p/nodeKey.ts";

/**
 * `arkreen-node key generate-node-key [--file <path>] [--bin]`, as Substrate's: a fresh 32-byte
 * ed25519 node key; its peer id goes to stderr, the secret (hex, or raw bytes with `--bin`) to
 * stdout or to the file. The printed secret is what `--node-key` takes.
 */

export interface NodeKeyCommandIo {
  out(data: string | Uint8Array): void;
  err(text: string): void;
}

const processIo: NodeKeyCommandIo = {
  out: (data) => process.stdout.write(data),
  err: (text) => process.stderr.write(text),
};

export interface GenerateNodeKeyOptions {
  file?: string;
  bin?: boolean;
}

/** Generates a node key, writes it where the options say and returns its peer id. */
export async function generateNodeKey(opts: GenerateNodeKeyOptions, io: NodeKeyCommandIo): Promise<string> {
  const secret = generateNodeKeySecret();
  const encoded = opts.bin === true ? secret : nodeKeyHex(secret);
  if (opts.file !== undefined) writeFileSync(opts.file, encoded, { mode: 0o600, flag: "wx" });
  else io.out(encoded);
  const peerId = await peerIdOfNodeKey(secret);
  io.err(peerId + "\n");
  return peerId;
}

export function generateNodeKeyCommand(io: NodeKeyCommandIo = processIo): Command {
  return new Command("generate-node-key")
    .description("Generate a random node key, print its peer id on stderr and the secret on stdout (or into --file)")
    .option("--file <path>", "write the secret to this file instead of stdout (refuses to overwrite)")
    .option("--bin", "write the secret as raw bytes instead of hex")
    .action(async (opts: GenerateNodeKeyOptions) => {
      await generateNodeKey(opts, io);
    });
}
