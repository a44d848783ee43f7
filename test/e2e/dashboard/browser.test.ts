/**
 * The dashboard in a real browser: headless Chromium (Debian's `chromium`, driven by
 * puppeteer-core) loads each page against a dev node process with simulated devices and a
 * certified REC, checks what it shows against the node's RPC answers, times each page's load and
 * saves a screenshot of each (in a temp dir; `DASHBOARD_SCREENSHOTS=<dir>` keeps them).
 * Without Chromium the test fails: `.ci/run` installs it (`apt-get install -y chromium`).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { fastDevSpec } from "../../../harness/devNode.ts";
import { devAddress } from "../../../harness/devChain.ts";
import { ProcessScope, waitUntil, type NodeProcess } from "../../../harness/process.ts";
import { startDashboard, type Dashboard } from "../../../dashboard/server.ts";
import type { Device, Generation, RecDetail } from "../../../client/index.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** 4 s intervals: forecast_device's one hour (its least) is 900 intervals, within its 1,440. */
const INTERVAL_SECS = 4;
/** Five meters at longitudes around the globe (the simulator's seed 1): one is always in daylight. */
const DEVICES = 5;

describe("e2e: the dashboard in headless Chromium against a dev node with simulated devices", function () {
  this.timeout(60_000);
  const scope = new ProcessScope();
  let node: NodeProcess;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  let shots: string;
  /** The device with the most energy in the backfilled intervals (in daylight). */
  let sunny = 0;
  const loadMs: Record<string, number> = {};

  /** Loads `#/<route>` afresh (bundle, connection and data), waits for the page to mark itself ready, and saves a screenshot. */
  async function open(route: string, name: string): Promise<void> {
    await page.goto("about:blank");
    const started = performance.now();
    await page.goto(`${dashboard.url}#/${route}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(`body[data-ready="${route.split("/")[0]}"]`, { timeout: 15_000 });
    loadMs[name] = Math.round(performance.now() - started);
    const error = await page.$eval("main", (m) => m.querySelector("[data-k=error]")?.textContent ?? null);
    assert.equal(error, null, `${name}: the page shows an error`);
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }
  const text = (key: string) => page.$eval(`[data-k="${key}"]`, (e) => (e.textContent ?? "").trim());
  const rows = (key: string) => page.$$eval(`[data-k="${key}"] tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())));

  before(async function () {
    assert.ok(
      existsSync(CHROMIUM),
      `Chromium not found at ${CHROMIUM}: the browser tests need it (Debian: apt-get install -y chromium; or set CHROMIUM_PATH). .ci/run installs it.`,
    );
    const dir = scope.tempDir("dashboard");
    shots = process.env.DASHBOARD_SCREENSHOTS ?? join(dir, "screenshots");
    mkdirSync(shots, { recursive: true });
    const spec = fastDevSpec(500, { mint: true });
    if (!("runtimeGenesis" in spec.genesis)) throw new Error("dev spec is not a runtime genesis spec");
    Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { readingIntervalSecs: INTERVAL_SECS, epochLengthBlocks: 10 });
    const chain = join(dir, "dashboard-dev.json");
    writeFileSync(chain, JSON.stringify(spec));
    [node, browser] = await Promise.all([
      scope.startNode({ chain, basePath: join(dir, "base"), args: ["--alice"] }),
      puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] }),
    ]);
    const simulator = scope.spawn(["device", "simulate", "--devices", String(DEVICES), "--owner", "//Bob", "--capacity", "1000000", "--duration", "120", "--rpc", node.wsUrl]);
    dashboard = await startDashboard({ rpc: node.wsUrl, port: 0 });
    await simulator.waitForOutput(/devices registered/, 20_000);
    // A certified REC over the backfilled intervals that every device has credited with energy.
    let gens: Generation[] = [];
    const now = () => Math.floor(Date.now() / 1000 / INTERVAL_SECS);
    await waitUntil(
      async () => {
        gens = await Promise.all([...Array(DEVICES).keys()].map((id) => node.rpc<Generation>("pog_generation", [id, now() - 20, now()])));
        return gens.every((g) => g.intervals.length >= 3) && gens.some((g) => g.totalWh > 0);
      },
      20_000,
      "backfilled readings credited",
      250,
    );
    sunny = gens.reduce((best, g, id) => (g.totalWh > gens[best].totalWh ? id : best), 0);
    const fromInterval = Math.max(...gens.map((g) => g.intervals[0].interval));
    const toInterval = Math.min(...gens.map((g) => g.intervals[g.intervals.length - 1].interval));
    for (const [call, signer, args] of [
      ["recs.request", "//Bob", { deviceIds: [...Array(DEVICES).keys()], fromInterval, toInterval }],
      ["recs.certify", "//Alice", { recId: 1, serial: "AKRE-DASH-000001" }],
    ] as const) {
      const r = await scope.run(["tx", call, "--signer", signer, "--args", JSON.stringify(args), "--rpc", node.wsUrl], 20_000);
      assert.equal(r.code, 0, `${call}: ${r.stdout}${r.stderr}`);
    }
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
  });
  after(async () => {
    console.log(`      dashboard page loads (ms, headless Chromium, ${DEVICES} devices): ${JSON.stringify(loadMs)}; bundle built in ${dashboard?.buildMs} ms`);
    await browser?.close();
    await dashboard?.close();
    await scope.dispose();
  });

  it("network: best and finalized heads, peers, recent blocks and their events as the node answers", async () => {
    await open("network", "network");
    const best = parseInt((await node.rpc<{ number: string }>("chain_getHeader")).number, 16);
    await waitUntil(async () => Number((await text("best")).slice(1)) >= best, 5_000, "the best head followed live");
    const finalized = Number((await text("finalized")).slice(1));
    assert.ok(finalized > 0 && finalized <= Number((await text("best")).slice(1)));
    assert.equal(await text("peers"), String((await node.rpc<{ peers: number }>("system_health")).peers));
    await waitUntil(async () => (await rows("blocks")).length >= 5, 5_000, "recent blocks listed");
    const [number, , extrinsics, events] = (await rows("blocks"))[1];
    const hash = await node.rpc<string>("chain_getBlockHash", [Number(number.slice(1))]);
    const block = await node.rpc<{ block: { extrinsics: string[] } }>("chain_getBlock", [hash]);
    const ev = await node.rpc<{ events: unknown[] }>("state_getEvents", [hash]);
    assert.deepEqual([Number(extrinsics), Number(events)], [block.block.extrinsics.length, ev.events.length], `block ${number}`);
  });

  it("network: validators with the blocks they authored and their finality participation over the last 256 blocks, as chain_getBlock shows", async () => {
    // The dev chain: Alice authors every block and finalizes it alone (instant finality), so she
    // must show every block of the window and every justification chain_getBlock holds in it.
    let last = "";
    await waitUntil(
      async () => {
        // A string, evaluated in the page: one snapshot of the window and its rows.
        const shown = (await page.evaluate(`(() => {
          const k = (key) => (document.querySelector('[data-k="' + key + '"]')?.textContent ?? "").trim();
          const rows = [...document.querySelectorAll('[data-k="validators"] tbody tr')].map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim()));
          return { from: Number(k("authFrom").slice(1)), to: Number(k("authTo").slice(1)), justifications: Number(k("authJustifications")), rows };
        })()`)) as { from: number; to: number; justifications: number; rows: string[][] };
        let justified = 0;
        for (let n = shown.from; n <= shown.to; n++) {
          const hash = await node.rpc<string>("chain_getBlockHash", [n]);
          if ((await node.rpc<{ justifications: unknown[] | null }>("chain_getBlock", [hash])).justifications !== null) justified++;
        }
        const blocks = shown.to - shown.from + 1;
        const expected = [[devAddress("Alice"), String(blocks), "100.0 %", String(justified), justified ? "100.0 %" : "—"]];
        last = JSON.stringify({ shown, expected, justified });
        return shown.from >= 1 && blocks >= 5 && shown.justifications === justified && JSON.stringify(shown.rows.map((r) => r.slice(0, 5))) === JSON.stringify(expected);
      },
      10_000,
      "the validators panel agrees with the chain",
      250,
    ).catch((e: Error) => assert.fail(`${e.message}: ${last}`));
  });

  it("accounts: //Bob's nonce and reserved balance, and his REC fee's events", async () => {
    await open(`accounts/${devAddress("Bob")}`, "accounts");
    const info = await node.rpc<{ nonce: number; reserved: string }>("system_account", [devAddress("Bob")]);
    assert.equal(await text("nonce"), String(info.nonce));
    assert.match(await text("reserved"), new RegExp(`^${(BigInt(info.reserved) / 10n ** 18n).toString()}(\\.\\d+)? AKRE$`));
  });

  it("devices: //Bob's devices by owner; a sunny device's record, energy series chart and commands", async () => {
    await open(`devices/${devAddress("Bob")}`, "devices-owner");
    assert.deepEqual((await rows("devices")).map((r) => Number(r[0])), [...Array(DEVICES).keys()]);
    assert.equal(await page.$("[data-k=nextPage]"), null, "one page: no link to a next one");
    // The owner's list pages on in storage order: after the first device of the node's page, the rest.
    const [first, ...rest] = await node.rpc<Device[]>("device_listByOwner", [devAddress("Bob")]);
    await open(`devices/${devAddress("Bob")}/after/${first.id}`, "devices-owner-after");
    assert.deepEqual((await rows("devices")).map((r) => Number(r[0])), rest.map((d) => d.id).sort((a, b) => a - b));
    await open(`devices/${sunny}`, "device");
    const device = await node.rpc<Device>("device_get", [sunny]);
    assert.deepEqual([await text("status"), await text("kind"), await text("capacity"), await text("location")], [device.status, device.kind, `${device.capacityW} W`, device.location]);
    assert.ok(Number(await text("credited")) >= 3, "credited intervals shown");
    assert.ok(await page.$("[data-k=chart] .uplot canvas"), "a uPlot chart of the series");
    assert.deepEqual(await rows("rejected"), [["none"]], "the simulator's readings are all accepted");
  });

  it("certificates: REC 1 certified, its slots traced to devices and intervals as rec_get answers", async () => {
    await open("certificates/1", "certificate");
    const rec = await node.rpc<RecDetail>("rec_get", [1]);
    assert.deepEqual([await text("status"), await text("energy"), await text("serial")], ["Certified", `${rec.energyWh} Wh`, "AKRE-DASH-000001"]);
    assert.deepEqual((await rows("slots")).map((r) => [Number(r[0]), Number(r[1])]), rec.slots.map((s) => [s.deviceId, s.interval]));
    await open(`certificates/${devAddress("Bob")}`, "certificates-owner");
    assert.deepEqual((await rows("recs")).map((r) => [r[0], r[1]]), [["1", "Certified"]]);
  });

  it("forecasts: a device's forecast band and accuracy as forecast_device and forecast_accuracy answer", async () => {
    await open(`forecasts/${sunny}`, "forecast");
    const [fc, acc] = await Promise.all([node.rpc<unknown[]>("forecast_device", [sunny, 1]), node.rpc<{ model: string }>("forecast_accuracy", [sunny])]);
    assert.equal(await text("intervals"), String(fc.length));
    assert.equal(await text("model"), acc.model);
    assert.ok(await page.$("[data-k=chart] .uplot canvas"), "a uPlot chart of the forecast");
    // A phone-sized viewport: the same page, one column.
    await page.setViewport({ width: 390, height: 844, isMobile: true });
    await open("network", "network-phone");
    const overflow = Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
    assert.ok(overflow <= 1, `no horizontal scrolling on a phone (${overflow} px)`);
  });
});
