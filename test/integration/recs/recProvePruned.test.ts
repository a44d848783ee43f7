import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import type { Call } from "../../../primitives/codec/index.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../../../primitives/keys/ed25519.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { certifyArgs, requestArgs } from "../../../runtime/modules/recs/types.ts";
import { NodeService } from "../../../cli/nodeService.ts";
import { registerCall, TestDevice } from "../../../harness/energy.ts";
import { fastDevSpec, httpRpc, waitFor } from "../../../harness/devNode.ts";

const alice = devKeypair("Alice");
const bob = devKeypair("Bob");
const INTERVAL_MS = 60_000;

/**
 * rec_prove on a node that prunes: bodies kept for the last 4 finalized blocks and states for the
 * last 8. A REC whose readings' crediting block lost its body answers 4021 BODY_PRUNED; a REC at
 * an `at` whose state is gone answers 4004.
 */
describe("rec_prove with --blocks-pruning 4 --state-pruning 8 (in-process dev node, LevelDB)", function () {
  this.timeout(60_000);
  let service: NodeService;
  let url: string;
  let basePath: string;
  const nonces = new Map<Ed25519Keypair, number>();

  async function call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await httpRpc(url, method, params);
    if (res.error) throw new Error(`${method}: ${res.error.message} ${JSON.stringify(res.error.data)}`);
    return res.result as T;
  }
  async function submit(genesisHash: Uint8Array, signer: Ed25519Keypair, c: Call): Promise<void> {
    const nonce = nonces.get(signer) ?? 0;
    nonces.set(signer, nonce + 1);
    await call("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, signer.secretSeed, c, { nonce }))]);
    await waitFor(async () => Number((await call<{ nonce: string }>("system_account", [encodeAddress(signer.publicKey)])).nonce) === nonce + 1, 10_000, "included");
  }

  before(async () => {
    basePath = mkdtempSync(join(tmpdir(), "arkreen-recprune-"));
    service = await NodeService.start(
      {
        spec: fastDevSpec(150),
        basePath,
        name: "prune-test",
        validatorSeed: alice.secretSeed,
        finalitySecretKey: null,
        rpc: { host: "127.0.0.1", port: 0 },
        prometheus: null,
        network: null,
        pruning: { state: 8, blocks: 4 },
      },
      { logger: nullLogger() },
    );
    url = `http://127.0.0.1:${service.rpcAddress!.port}`;
  });
  after(async () => {
    await service.stop();
    rmSync(basePath, { recursive: true, force: true });
  });

  it("answers BODY_PRUNED once the crediting block's body is gone, and 4004 for an at whose state is pruned", async () => {
    const genesisHash = fromHex(await call<string>("chain_getBlockHash", [0]));
    const device = new TestDevice(5, 0);
    await submit(genesisHash, bob, registerCall(genesisHash, bob, device.key, alice));
    const first = Math.floor(Date.now() / INTERVAL_MS) - 2;
    const readings = [10, 20].map((wh, i) => device.json(genesisHash, device.next(first + i, wh)));
    assert.ok((await call<Array<{ accepted: boolean }>>("pog_submitReadings", [readings])).every((r) => r.accepted));
    await waitFor(async () => (await call<{ totalWh: number }>("pog_generation", [0, first, first + 1])).totalWh === 30, 10_000, "credited");
    const creditedAt = await call<string>("chain_getFinalizedHead");
    await submit(genesisHash, bob, { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [0], fromInterval: first, toInterval: first + 1 }) });
    await submit(genesisHash, alice, { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "P-1" }) });
    const credited = (await call<{ intervals: Array<{ block: number }> }>("pog_generation", [0, first, first + 1])).intervals[0].block;
    await waitFor(async () => Number((await call<{ number: string }>("chain_getHeader", [await call<string>("chain_getFinalizedHead")])).number) > credited + 12, 20_000, "past the windows");
    const res = await httpRpc(url, "rec_prove", [1]);
    assert.equal(res.error?.code, 4021, JSON.stringify(res));
    assert.deepEqual(res.error?.data, { code: "BODY_PRUNED", block: credited, deviceId: 0, interval: first });
    const old = await httpRpc(url, "rec_prove", [1, 0, creditedAt]);
    assert.equal(old.error?.code, 4004, JSON.stringify(old));
  });
});
