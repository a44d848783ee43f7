import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../primitives/bytes.ts";
import { codecs } from "../../../primitives/codec/index.ts";
import { findAuraSlot } from "../../../primitives/digest.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { gossipTopic } from "../../../p2p/index.ts";
import { slotAt, slotStartMs } from "../../../consensus/aura/slots.ts";
import { loadChainSpecFile } from "../../../genesis/chainSpec.ts";
import { signExtrinsic } from "../../../runtime/extrinsic.ts";
import { Authorities } from "../../../runtime/modules/aura/storage.ts";
import { Devices } from "../../../runtime/modules/devices/storage.ts";
import { BlockOffences } from "../../../runtime/modules/staking/storage.ts";
import { registerCall, TestDevice } from "../../../harness/energy.ts";
import { ProcessScope, sleep, waitUntil, type NodeProcess } from "../../../harness/process.ts";
import { ByzantineAuthor } from "./byzantineAuthor.ts";
import { metricSum, startLocalNet, type LocalNet } from "../../../harness/localNet.ts";

const SLOT_MS = 1000;
const bob = devKeypair("Bob");

/**
 * Bob (the test, on a bare libp2p host connected to Alice only) seals two blocks for one of his
 * slots and sends them to Alice alone. Neither is forwarded (the first fails its readings
 * aggregate, the second is a slot equivocation, ignored), so only Alice can see the offence: the
 * report in a block sealed by Charlie or Dave can only have reached them by gossip.
 */
describe("e2e: an equivocation report a validator creates itself is gossiped (local chain, 1 s slots)", function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  let alice: NodeProcess;
  let bobHost: ByzantineAuthor;
  const device = new TestDevice(62, 0);

  before(async () => {
    net = await startLocalNet(scope, { slotMs: SLOT_MS, indexes: [0, 2, 3] });
    alice = net.nodes[0];
    bobHost = new ByzantineAuthor(loadChainSpecFile(net.plan.specPath), [net.plan.nodes[0].multiaddr]);
    await bobHost.start();
    const genesisHash = bobHost.genesisHash;
    // A registered device, so that Bob's blocks carry readings that pass every check but the aggregate.
    const eve = devKeypair("Eve");
    await alice.rpc("author_submitExtrinsic", [toHex(signExtrinsic(genesisHash, eve.secretSeed, registerCall(genesisHash, eve, device.key, devKeypair("Alice")), { nonce: 0 }))]);
    await waitUntil(async () => (await bobHost.sync(), Devices.get(bobHost.chain.stateAt(), 0) !== undefined), 30_000, "the device is registered", 300);
    await waitUntil(() => bobHost.host.libp2p.services.pubsub.getSubscribers(gossipTopic(genesisHash, "blocks")).length >= 1, 15_000, "Alice's block subscription reaches Bob", 100);
  });
  after(async () => {
    await bobHost?.stop();
    await scope.dispose();
  });

  it("Alice alone sees Bob's two blocks for one slot; her report reaches the others by gossip, is included, and Bob's offence is recorded", async () => {
    // Charlie's and Dave's pools, watched from before the offence: a report there came by gossip
    // (they never see Bob's second block), whoever's slot comes first afterwards.
    let watching = true;
    const gossiped = new Set<string>();
    const watcher = (async () => {
      while (watching) {
        for (const i of [2, 3]) {
          const pending = await net.nodes[i].rpc<string[]>("author_pendingExtrinsics").catch(() => []);
          if (pending.some((x) => codecs.signedExtrinsic.decode(Buffer.from(x.slice(2), "hex")).call.method === "reportBlockEquivocation")) gossiped.add(net.plan.nodes[i].name);
        }
        await sleep(25);
      }
    })();
    const slot = bobHost.nextOwnSlot(slotAt(Date.now(), SLOT_MS));
    await sleep(Math.max(0, slotStartMs(slot - 1n, SLOT_MS) + 300 - Date.now()));
    await bobHost.sync();
    for (let v = 0; v < 2; v++) {
      const readings = [{ deviceId: 0, interval: 1 + v, cumulativeWh: 1, energyWh: 1, peakW: 10 }];
      await bobHost.host.publish("blocks", codecs.block.encode(bobHost.seal(slot, readings, device.sign(bobHost.genesisHash, readings[0])))).catch(() => {});
    }
    const offence = toHex(BlockOffences.key(slot, bob.publicKey));
    await waitUntil(async () => (await alice.rpc<string | null>("state_getStorage", [offence])) !== null, 30_000, `Bob's equivocation in slot ${slot} is reported and recorded`, 200);

    // The block that carries the report, on the chain Bob's copy syncs from Alice.
    await bobHost.sync();
    let including: { author: string; number: number } | null = null;
    for (let n = bobHost.chain.best.number; n > 0 && including === null; n--) {
      const block = bobHost.chain.block(bobHost.chain.hashAt(n)!)!;
      if (!block.extrinsics.some((x) => codecs.signedExtrinsic.decode(x).call.method === "reportBlockEquivocation")) continue;
      const authorities = Authorities.get(bobHost.chain.stateAt(block.header.parentHash));
      const author = authorities[Number(findAuraSlot(block.header.digest)! % BigInt(authorities.length))];
      including = { author: net.plan.nodes.find((node) => bytesEqual(devKeypair(node.name).publicKey, author))?.name ?? toHex(author), number: n };
    }
    watching = false;
    await watcher;
    assert.ok(including !== null, "a block carries the report");
    // Another validator's block carries it, or (when Alice's own slot came first) it had reached another validator's pool.
    assert.ok(
      including.author !== "Alice" || gossiped.size > 0,
      `the report is in #${including.number}, sealed by Alice, and was never seen in Charlie's or Dave's pool`,
    );
    for (const i of [2, 3]) assert.equal(await metricSum(net.nodes[i], "arkreen_block_equivocations_total"), 0, `${net.plan.nodes[i].name} never saw the offence itself`);
    assert.equal(await metricSum(alice, "arkreen_block_equivocations_total"), 1);
  });
});
