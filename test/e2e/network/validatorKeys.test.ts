import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AUTHORING_KEY_ENV } from "../../../cli/validatorKeys.ts";
import { testnetNodeKey } from "../../../cli/testnet/plan.ts";
import type { ChainSpec, RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { nodeKeyHex, peerIdOfNodeKey } from "../../../p2p/nodeKey.ts";
import { toHex } from "../../../primitives/bytes.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { keypairFromSuri } from "../../../primitives/keys/suri.ts";
import { finalityKeypairFromAuthoringSeed } from "../../../runtime/modules/staking/keys.ts";
import { freePorts, ProcessScope, type NodeProcess } from "../../../harness/process.ts";
import { waitFinalized } from "../../../harness/localNet.ts";

const SLOT_MS = 1000;
const AKRE = 10n ** 18n;
const BOND = 100_000n * AKRE;
/** Two operators' own keys: not from the dev phrase, so a Live chain accepts them. */
const PHRASE = "legal winner thank year wave sausage worth useful legal winner thank yellow";
const SURIS = [`${PHRASE}//validator//1`, `${PHRASE}//validator//2`];

/**
 * A Live chain whose two genesis validators are non-dev keys with equal bonds, each authoring with
 * its own account key and voting with the finality key derived from it. With two equal weights,
 * > 2/3 of the weight is both votes: a finalized block proves that each node's precommits count.
 */
function liveSpec(): ChainSpec {
  const spec = { ...localChainSpec(), name: "Keys Live", id: "keys_live", chainType: "Live" as const };
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  config.system.slotDurationMs = SLOT_MS;
  config.system.maxBlockWeight = Math.floor(SLOT_MS / 3) * 1_000_000;
  const validators = SURIS.map((suri) => {
    const authoring = keypairFromSuri(suri);
    return { address: encodeAddress(authoring.publicKey), finalityKey: finalityKeypairFromAuthoringSeed(authoring.secretSeed).publicKey };
  });
  config.balances.balances.push(...validators.map((v): [string, string] => [v.address, (2n * BOND).toString()]));
  config.aura.authorities = validators.map((v) => v.address);
  const staking = config.staking as Record<string, unknown>;
  staking.validators = validators.map((v) => [v.address, BOND.toString(), v.address, toHex(v.finalityKey)]);
  return spec;
}

describe("e2e: validators with their own keys on a Live chain", function () {
  this.timeout(90_000);
  const scope = new ProcessScope();
  after(() => scope.dispose());

  let specPath: string;
  let keyFile: string;
  before(() => {
    const dir = scope.tempDir("keys");
    specPath = join(dir, "live.json");
    writeFileSync(specPath, JSON.stringify(liveSpec(), null, 2));
    keyFile = join(dir, "validator-1.key");
    writeFileSync(keyFile, SURIS[0] + "\n", { mode: 0o600 });
  });

  it("one reading its key from a file, one from the environment: both vote, and the chain finalizes", async () => {
    const ports = await freePorts(2);
    const peers = await Promise.all(SURIS.map((_, i) => peerIdOfNodeKey(testnetNodeKey(`keys-${i}`))));
    const addr = (i: number): string => `/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${peers[i]}`;
    const args = (i: number): string[] => ["--validator", "--port", String(ports[i]), "--listen-addr", "127.0.0.1", "--node-key", nodeKeyHex(testnetNodeKey(`keys-${i}`)), "--bootnodes", addr(1 - i)];
    const nodes: NodeProcess[] = await Promise.all([
      scope.startNode({ chain: specPath, basePath: scope.tempDir("v1"), args: [...args(0), "--authoring-key-file", keyFile] }),
      scope.startNode({ chain: specPath, basePath: scope.tempDir("v2"), args: args(1), env: { [AUTHORING_KEY_ENV]: SURIS[1] } }),
    ]);
    await waitFinalized(nodes, 3, 30 * SLOT_MS, "block #3 finalized by both validators' votes");

    const sources = ["--authoring-key-file", AUTHORING_KEY_ENV];
    nodes.forEach((node, i) => {
      const finality = toHex(finalityKeypairFromAuthoringSeed(keypairFromSuri(SURIS[i]).secretSeed).publicKey);
      assert.match(node.proc.output, new RegExp(`Validator keys from ${sources[i]}: authoring \\S+, finality ${finality}`));
      assert.match(node.proc.output, /BLS finality gadget: voting/);
      assert.doesNotMatch(node.proc.output, /not in the current finality set/);
      assert.ok(!node.proc.output.includes(PHRASE), "the secret is never logged");
    });
  });

  it("--validator with no session keys in the keystore warns and follows the chain instead of failing", async () => {
    const node = await scope.startNode({ chain: specPath, basePath: scope.tempDir("nokeys"), args: ["--validator"], prometheus: false });
    await node.proc.waitForOutput(/--validator: no aura \(authoring\) and gran \(finality\) session key in \S+keystore: this node follows the chain/, 10_000);
    assert.equal((await node.rpc<{ isSyncing: boolean }>("system_health")).isSyncing !== undefined, true);
    assert.deepEqual(await node.stop(10_000), { code: 0, signal: null });
  });

  it("refuses to start a dev key or a key file others can read", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--alice"], /dev key, whose secret anyone can derive: refused on a Live chain/],
      [["--validator", "--authoring-key", "//Charlie//validator"], /dev key.*refused on a Live chain/],
    ];
    const loose = join(scope.tempDir("loose"), "validator.key");
    writeFileSync(loose, SURIS[0]);
    chmodSync(loose, 0o644);
    cases.push([["--validator", "--authoring-key-file", loose], /permissions 0644 .* are too open/]);
    for (const [flags, message] of cases) {
      const run = await scope.run(["--chain", specPath, "--tmp", "--no-prometheus", ...flags]);
      assert.equal(run.code, 1, `${flags.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.ok(!run.stderr.includes(PHRASE));
    }
  });
});
