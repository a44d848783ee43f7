import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

/**
 * The layer rules of eslint.config.js, shown on fixtures: `npm test` runs the linter over the
 * tree, so an import that goes the wrong way fails it. Each case lints one import line as if it
 * were in a file of the given folder.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function refusals(filePath: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const used = value;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layering: imports that go the wrong way fail the lint", function () {
  this.timeout(60_000);

  const refused: Array<[string, string, string, RegExp]> = [
    ["runtime into node", "runtime/modules/pog/fixture.ts", 'import { value } from "../../../node/service.ts";', /the runtime imports only primitives/],
    ["runtime into consensus", "runtime/fixture.ts", 'import { value } from "../consensus/aura/slotWorker.ts";', /the runtime imports only primitives/],
    ["node into rpc", "node/fixture.ts", 'import { value } from "../rpc/server/index.ts";', /node\/ never imports rpc\//],
    ["node into cli", "node/chain/fixture.ts", 'import { value } from "../../cli/program.ts";', /node\/ never imports rpc\//],
    ["node into a module's storage", "node/fixture.ts", 'import { value } from "../runtime/modules/devices/storage.ts";', /through runtime\/api\.ts/],
    ["rpc into a module's storage", "rpc/namespaces/fixture.ts", 'import { value } from "../../runtime/modules/pog/storage.ts";', /through runtime\/api\.ts/],
    ["primitives into runtime", "primitives/fixture.ts", 'import { value } from "../runtime/api.ts";', /primitives import nothing/],
    ["cli into test", "cli/fixture.ts", 'import { value } from "../test/utils/runtime.ts";', /never imports tooling/],
    ["benchmarks into test", "benchmarks/scenarios/fixture.ts", 'import { value } from "../../test/utils/runtime.ts";', /only tests import test\//],
    ["node into forecast", "node/fixture.ts", 'import { value } from "../forecast/service.ts";', /node\/ never imports .*forecast\//],
    ["runtime into forecast", "runtime/fixture.ts", 'import { value } from "../forecast/pv.ts";', /the runtime imports only primitives/],
    ["forecast into node", "forecast/fixture.ts", 'import { value } from "../node/chain/types.ts";', /forecast\/ \(non-consensus\) imports only primitives/],
    ["forecast into a module's storage", "forecast/fixture.ts", 'import { value } from "../runtime/modules/pog/storage.ts";', /through runtime\/api\.ts/],
    ["harness into test", "harness/fixture.ts", 'import { value } from "../test/utils/runtime.ts";', /only tests import test\//],
    ["client into the runtime API (it loads the executive and node:crypto)", "client/fixture.ts", 'import { value } from "../runtime/api.ts";', /runtime\/wire\.ts/],
    ["client into node", "client/fixture.ts", 'import { value } from "../node/service.ts";', /client\/ imports only primitives/],
    ["client into rpc", "client/fixture.ts", 'import { value } from "../rpc/server/index.ts";', /client\/ imports only primitives/],
    ["client into a Node built-in", "client/fixture.ts", 'import { value } from "node:fs";', /runs in browsers/],
    ["client into ws", "client/fixture.ts", 'import value from "ws";', /runs in browsers/],
    ["rpc into client (a value)", "rpc/namespaces/fixture.ts", 'import { value } from "../../client/index.ts";', /rpc\/ imports from client\/ only the JSON types of its answers/],
    ["light into node (the verifier trusts nothing of the node)", "light/fixture.ts", 'import { value } from "../node/finality/finalityProver.ts";', /light\/ \(the offline verifier\) imports only primitives/],
    ["light into the runtime", "light/fixture.ts", 'import { value } from "../runtime/wire.ts";', /light\/ \(the offline verifier\) imports only primitives/],
    ["light into consensus", "light/fixture.ts", 'import { value } from "../consensus/finality/justification.ts";', /light\/ \(the offline verifier\) imports only primitives/],
    ["light into native blst", "light/fixture.ts", 'import { value } from "@chainsafe/blst";', /no native BLS/],
    ["light into a Node built-in", "light/fixture.ts", 'import { value } from "node:crypto";', /light\/ runs in browsers/],
    ["light into @chainsafe/bls (its Node entry loads native blst)", "light/fixture.ts", 'import { value } from "@chainsafe/bls";', /no native BLS/],
    ["primitives into light", "primitives/fixture.ts", 'import { value } from "../light/index.ts";', /primitives import nothing/],
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
    ["runtime into primitives", "runtime/modules/pog/fixture.ts", 'import { value } from "../../../primitives/bytes.ts";'],
    ["node into the runtime's API", "node/fixture.ts", 'import { value } from "../runtime/api.ts";'],
    ["rpc into node", "rpc/namespaces/fixture.ts", 'import { value } from "../../node/chain/types.ts";'],
    ["cli into rpc and node", "cli/fixture.ts", 'import { value } from "../rpc/server/index.ts";'],
    ["a test into anything", "test/unit/fixture.ts", 'import { value } from "../../runtime/modules/devices/storage.ts";'],
    ["rpc into forecast", "rpc/namespaces/fixture.ts", 'import { value } from "../../forecast/service.ts";'],
    ["forecast into primitives and the runtime's API", "forecast/fixture.ts", 'import { value } from "../runtime/api.ts";'],
    ["benchmarks into harness", "benchmarks/scenarios/fixture.ts", 'import { value } from "../../harness/process.ts";'],
    ["client into primitives", "client/fixture.ts", 'import { value } from "../primitives/bytes.ts";'],
    ["client into the runtime's wire formats", "client/fixture.ts", 'import { value } from "../runtime/wire.ts";'],
    ["client into @noble", "client/fixture.ts", 'import { value } from "@noble/curves/bls12-381.js";'],
    ["light into primitives", "light/fixture.ts", 'import { value } from "../primitives/trie/proof.ts";'],
    ["light into @noble (ed25519)", "light/fixture.ts", 'import { value } from "@noble/curves/ed25519.js";'],
    ["light into herumi's WASM BLS", "light/fixture.ts", 'import value from "bls-eth-wasm";'],
    ["node into light (the prover writes the verifier's format)", "node/finality/fixture.ts", 'import { value } from "../../light/index.ts";'],
    ["cli into client", "cli/fixture.ts", 'import { value } from "../client/index.ts";'],
    ["rpc into client's JSON types (import type)", "rpc/namespaces/fixture.ts", 'import type { Device } from "../../client/types.ts";\nexport type Used = Device;'],
  ];
  for (const [name, file, line] of allowed) {
    it(`allows ${name}`, async () => {
      assert.deepEqual(await refusals(file, line), []);
    });
  }
});
