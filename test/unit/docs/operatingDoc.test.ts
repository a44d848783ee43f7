import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command, Option } from "commander";
import { createProgram } from "../../../cli/program.ts";

/**
 * docs/operating.md against the CLI: every flag it names is a visible option of some command, and
 * every numeric default in its flag table is the one the CLI applies or states in `--help`.
 */
const doc = readFileSync(fileURLToPath(new URL("../../../docs/operating.md", import.meta.url)), "utf8");

function visibleOptions(): Map<string, Option> {
  const options = new Map<string, Option>();
  const walk = (command: Command): void => {
    for (const option of command.options) if (option.long && !option.hidden) options.set(option.long, option);
    for (const sub of command.commands) walk(sub as Command);
  };
  walk(createProgram());
  return options;
}

describe("docs/operating.md matches the CLI", () => {
  const options = visibleOptions();

  it("names only flags the CLI has (none hidden, none made up)", () => {
    const named = new Set([...doc.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]+)/g)].map((m) => m[1]));
    assert.ok(named.size > 30, `${named.size} flags found`);
    assert.deepEqual([...named].filter((flag) => !options.has(flag)), []);
  });

  it("never redirects `npm run`'s output to a file (npm prints its banner on stdout first: use npx or npm run -s)", () => {
    const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n"));
    assert.ok(commands.length > 20, `${commands.length} shell lines found`);
    assert.deepEqual(commands.filter((line) => /\bnpm run (?!-s\b|--silent\b)[^|#]*>/.test(line)), []);
  });

  it("gives each numeric default in its flag table as the CLI has it", () => {
    const rows = [...doc.matchAll(/^\| `(--[a-z][a-z0-9-]+)[^`]*` \| ([\d,]+) \|/gm)].map(([, flag, value]) => ({ flag, value: Number(value.replace(/,/g, "")) }));
    assert.ok(rows.length >= 4, `${rows.length} rows with a numeric default`);
    for (const { flag, value } of rows) {
      const option = options.get(flag)!;
      const stated = option.defaultValue ?? Number(/\(default: ([\d.]+)\)/.exec(option.description)?.[1]);
      assert.equal(stated, value, `${flag}: docs say ${value}, the CLI ${String(stated)}`);
    }
  });
});
