import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

/** The client's layer rules in eslint.config.js (docs/design.md, "Layers"), shown on fixtures. */
const eslint = new ESLint({ cwd: fileURLToPath(new URL("../../../", import.meta.url)) });

async function refusals(filePath: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const used = value;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layering: the client library", function () {
  this.timeout(60_000);

  const refused: Array<[string, string, string, RegExp]> = [
    ["client into the runtime API (it loads the executive and node:crypto)", "client/fixture.ts", 'import { value } from "../runtime/api.ts";', /runtime\/wire\.ts/],
    ["client into node", "client/fixture.ts", 'import { value } from "../node/service.ts";', /client\/ imports only primitives/],
    ["client into rpc", "client/fixture.ts", 'import { value } from "../rpc/server/index.ts";', /client\/ imports only primitives/],
    ["client into a Node built-in", "client/fixture.ts", 'import { value } from "node:fs";', /runs in browsers/],
    ["client into ws", "client/fixture.ts", 'import value from "ws";', /runs in browsers/],
    ["rpc into client (a value)", "rpc/namespaces/fixture.ts", 'import { value } from "../../client/index.ts";', /rpc\/ imports from client\/ only the JSON types of its answers/],
    ["node into client", "node/fixture.ts", 'import { value } from "../client/index.ts";', /node\/ never imports rpc\/, client\//],
  ];
  for (const [name, file, line, message] of refused) {
    it(`refuses ${name}`, async () => {
      const found = await refusals(file, line);
      assert.equal(found.length, 1, `${file}: ${line} → ${JSON.stringify(found)}`);
      assert.match(found[0], message);
    });
  }

  const allowed: Array<[string, string, string]> = [
    ["client into primitives", "client/fixture.ts", 'import { value } from "../primitives/bytes.ts";'],
    ["client into the runtime's wire formats", "client/fixture.ts", 'import { value } from "../runtime/wire.ts";'],
    ["client into @noble", "client/fixture.ts", 'import { value } from "@noble/curves/bls12-381.js";'],
    ["cli into client", "cli/fixture.ts", 'import { value } from "../client/index.ts";'],
    ["rpc into client's JSON types (import type)", "rpc/namespaces/fixture.ts", 'import type { Device } from "../../client/types.ts";\nexport type Used = Device;'],
  ];
  for (const [name, file, line] of allowed) {
    it(`allows ${name}`, async () => assert.deepEqual(await refusals(file, line), []));
  }
});
