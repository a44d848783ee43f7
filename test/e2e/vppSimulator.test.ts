/**
 * `device simulate --batteries --flex mixed` against a node process, driven by `tx flex.*` as an
 * operator would (docs/vpp.md): the simulated devices receive a fleet event on the downlink,
 * the following and half-following ones opt in with signed responses, the ignoring ones reject
 * the command, the batteries discharge during the event, and the event settles. The dev chain is
 * young, so no device has the ten days a baseline needs: each settles as NoBaseline and nothing
 * is paid (test/e2e/vpp.test.ts covers payments).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FlexEvent, FlexResponse, FlexSettlement } from "../../client/index.ts";
import { fastDevSpec } from "../../harness/devNode.ts";
import { ProcessScope, waitUntil, type CliProcess, type NodeProcess } from "../../harness/process.ts";

const INTERVAL_SECS = 2;
/** 2 solar meters and 2 batteries in mixed mode: indices 0 follow, 1 half-follows (per kind); 3 solar make index 2 ignore. */
const SOLAR = 3;
const BATTERIES = 2;

interface GenerationJson {
  intervals: Array<{ interval: number; energyWh: number }>;
}

describe("e2e: device simulate with batteries and flex behaviours, driven by tx flex.* (node and CLI processes)", function () {
  this.timeout(90_000);
  const scope = new ProcessScope();
  let node: NodeProcess;
  let simulator: CliProcess;
  after(() => scope.dispose());

  async function txOk(call: string, signer: string, args: object): Promise<void> {
    const r = await scope.run(["tx", call, "--signer", signer, "--args", JSON.stringify(args), "--rpc", node.wsUrl], 20_000);
    assert.equal(r.code, 0, `${call} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  }

  it("delivers a fleet event to simulated devices, which opt in, reject or discharge by their behaviour, and settles it", async () => {
    const dir = scope.tempDir("vpp-sim");
    const spec = fastDevSpec(500);
    if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
    Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { readingIntervalSecs: INTERVAL_SECS, acceptanceWindowIntervals: 3 });
    const chain = join(dir, "vpp-sim.json");
    writeFileSync(chain, JSON.stringify(spec, null, 2));
    node = await scope.startNode({ chain, basePath: join(dir, "base"), args: ["--alice"] });
    simulator = scope.spawn(["device", "simulate", "--devices", String(SOLAR), "--batteries", String(BATTERIES), "--flex", "mixed", "--owner", "//Bob", "--duration", "80", "--rpc", node.wsUrl]);
    await simulator.waitForOutput(/5 devices registered: ids 0…4/, 20_000);

    await txOk("flex.createProgram", "//Charlie", { name: "sim fleet", deviceKinds: [1, 3], region: "", pricePerKwh: "1000000000000000", budget: "1000000000000000000", baselineMethod: 1, maxEventIntervals: 10 });
    for (let id = 0; id < SOLAR + BATTERIES; id++) await txOk("flex.enrol", "//Bob", { programId: 0, deviceId: id, committedW: 1000 });
    const start = Math.floor(Date.now() / 1000 / INTERVAL_SECS) + 4;
    await txOk("flex.createEvent", "//Charlie", { programId: 0, wholeFleet: true, startInterval: start, durationIntervals: 3, payloadType: 2, intervals: [{ watts: 3000 }, { watts: 3000 }, { watts: 3000 }] });

    // Followers and half-followers (indices 0 and 1 of each kind: ids 0, 1, 3, 4) opt in; the ignorer (id 2) rejects.
    await waitUntil(async () => (await node.rpc<FlexResponse[]>("flex_responses", [0])).length === 4, 20_000, "four responses");
    const responses = await node.rpc<FlexResponse[]>("flex_responses", [0]);
    assert.deepEqual(responses.map((r) => [r.deviceId, r.status]).sort((a, b) => (a[0] as number) - (b[0] as number)), [[0, "OptIn"], [1, "OptIn"], [3, "OptIn"], [4, "OptIn"]]);
    await simulator.waitForOutput(/device 2 rejected command \d+/, 20_000);

    // The batteries export more during the event: the follower its idle share plus up to 3 kW.
    await waitUntil(async () => (await node.rpc<FlexEvent>("flex_event", [0])).phase === "Settled", 40_000, "the event settled");
    const battery = await node.rpc<GenerationJson>("pog_generation", [3, start, start + 2]);
    const follower = battery.intervals.reduce((a, i) => a + i.energyWh, 0);
    const half = (await node.rpc<GenerationJson>("pog_generation", [4, start, start + 2])).intervals.reduce((a, i) => a + i.energyWh, 0);
    assert.ok(follower > half && half > 0, `the following battery exported ${follower} Wh, the half-following one ${half} Wh`);
    const settlements = await node.rpc<FlexSettlement[]>("flex_settlements", [0]);
    assert.deepEqual(settlements.map((s) => s.outcome).sort(), ["NoBaseline", "NoBaseline", "NoBaseline", "NoBaseline", "NoBaseline"]);
  });
});
