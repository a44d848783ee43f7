import { createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { fromHex, toHex, u32ToBytes, bytesToU32 } from "../../primitives/bytes.ts";
import { codecs, type ExportedBlock } from "../../primitives/codec/index.ts";
import { createLogger } from "../../primitives/logger.ts";
import { applyJustification } from "../../node/finality/finalityService.ts";
import { headerHash } from "../../node/chain/chain.ts";
import { defaultBasePath, selectChainSpec } from "../chainSelection.ts";
import { openChainOnly } from "../nodeContext.ts";

interface BlocksFlags {
  chain?: string;
  dev?: boolean;
  basePath?: string;
  binary?: boolean;
}

function withChainFlags(cmd: Command): Command {
  return cmd
    .option("--chain <id-or-path>", "dev, local, or a chain spec file")
    .option("--dev", "shortcut for --chain dev")
    .option("-d, --base-path <path>", "the node's base path")
    .option("--binary", "length-prefixed protobuf records instead of JSON");
}

function blockNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid block number: ${value}`);
  return n;
}

/** JSON export: an array of `{ number, hash, block }` with `block` the hex of a protobuf `ExportedBlock`. */
interface JsonRecord {
  number: number;
  hash: string;
  block: string;
}

export function exportBlocksCommand(): Command {
  return withChainFlags(new Command("export-blocks"))
    .description("export blocks of the canonical chain to a file (or stdout)")
    .option("--from <number>", "first block", blockNumber, 1)
    .option("--to <number>", "last block (default: best)", blockNumber)
    .argument("[output]", "output file; stdout when omitted")
    .action(async (output: string | undefined, flags: BlocksFlags & { from: number; to?: number }) => {
      const spec = selectChainSpec(flags);
      const logger = createLogger({ level: "warn", format: "human" });
      const { chain, close } = await openChainOnly(spec, flags.basePath ?? defaultBasePath(), logger);
      const out = output ? createWriteStream(output) : process.stdout;
      const write = async (chunk: string | Uint8Array): Promise<void> => {
        if (!out.write(chunk)) await once(out, "drain");
      };
      try {
        const to = Math.min(flags.to ?? chain.best.number, chain.best.number);
        if (!flags.binary) await write("[\n");
        for (let n = flags.from; n <= to; n++) {
          const hash = chain.hashAt(n) as Uint8Array;
          const record: ExportedBlock = { block: chain.block(hash)!, justification: chain.justification(hash) ?? null };
          const bytes = codecs.exportedBlock.encode(record);
          if (flags.binary) await write(Buffer.concat([u32ToBytes(bytes.length), bytes]));
          else await write(`${n > flags.from ? ",\n" : ""}${JSON.stringify({ number: n, hash: toHex(hash), block: toHex(bytes) } satisfies JsonRecord)}`);
        }
        if (!flags.binary) await write("\n]\n");
        process.stderr.write(`Exported blocks #${flags.from}..#${to}\n`);
      } finally {
        if (output) {
          out.end();
          await once(out, "finish");
        }
        await close();
      }
    });
}

function readRecords(file: string, binary: boolean): Uint8Array[] {
  const data = readFileSync(file);
  if (!binary) return (JSON.parse(data.toString("utf8")) as JsonRecord[]).map((r) => fromHex(r.block));
  const records: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; ) {
    if (offset + 4 > data.length) throw new Error("truncated block file");
    const length = bytesToU32(data.subarray(offset, offset + 4));
    if (offset + 4 + length > data.length) throw new Error("truncated block file");
    records.push(data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return records;
}

export function importBlocksCommand(): Command {
  return withChainFlags(new Command("import-blocks"))
    .description("import blocks from a file made by export-blocks, verifying and executing each")
    .argument("<input>", "file written by export-blocks")
    .action(async (input: string, flags: BlocksFlags) => {
      const spec = selectChainSpec(flags);
      const logger = createLogger({ level: "warn", format: "human" });
      const records = readRecords(input, flags.binary ?? false);
      const { chain, genesis, close } = await openChainOnly(spec, flags.basePath ?? defaultBasePath(), logger);
      const bar = new SingleBar({ format: "Importing [{bar}] {value}/{total} blocks", stream: process.stderr }, Presets.shades_classic);
      bar.start(records.length, 0);
      try {
        for (const bytes of records) {
          const { block, justification } = codecs.exportedBlock.decode(bytes);
          await chain.importBlock(block, "file");
          // A justification (instant or BLS finality) is verified against the authorities of its block.
          if (justification) await applyJustification(chain, headerHash(block.header), justification, genesis.hash);
          bar.increment();
        }
      } finally {
        bar.stop();
        await close();
      }
      process.stdout.write(`Imported ${records.length} blocks, best #${chain.best.number} (${toHex(chain.best.hash)}), finalized #${chain.finalized.number}\n`);
    });
}
