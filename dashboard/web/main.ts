/**
 * The dashboard in the browser (docs/dashboard.md): one page per hash route, read live from the
 * node's RPC through the client library (WebSocket: subscriptions to new and finalized heads and to
 * pending control commands). Each page marks `document.body.dataset.ready` with its name once its
 * first data is shown (what the browser test waits for and times).
 */
import uPlot from "uplot";
import { ArkreenClient, RpcCallError, blockNumber, summarizeAuthorship, type BlockAuthorship, type BlockEvent, type ControlCommand, type Device, type Header, type Subscription } from "../../client/index.ts";
import { decodeAddress, encodeAddress } from "../../primitives/keys/ss58.ts";

const RPC = document.body.dataset.rpc ?? "ws://127.0.0.1:9944";
const app = document.getElementById("app") as HTMLElement;
const conn = document.getElementById("conn") as HTMLElement;

// ---------- helpers ----------
const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const short = (h: string): string => (h.length > 20 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h);
let decimals = 18;
let symbol = "AKRE";
let ss58 = 42;
function amount(base: string | bigint): string {
  const v = BigInt(base);
  const unit = 10n ** BigInt(decimals);
  const frac = (v % unit).toString().padStart(decimals, "0").slice(0, 4).replace(/0+$/, "");
  return `${(v / unit).toString()}${frac ? `.${frac}` : ""} ${symbol}`;
}
/** SS58 of a 0x-hex account id (events carry hex). */
const address = (hex: unknown): string => {
  try {
    return typeof hex === "string" && hex.startsWith("0x") && hex.length === 66 ? encodeAddress(hexBytes(hex), ss58) : String(hex);
  } catch {
    return String(hex);
  }
};
function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}
const toHexId = (b: Uint8Array): string => `0x${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}`;
/** An account id as 0x-hex, from SS58 or hex input; null when it is neither. */
function accountHex(input: string): string | null {
  if (/^0x[0-9a-fA-F]{64}$/.test(input)) return input.toLowerCase();
  try {
    return toHexId(decodeAddress(input));
  } catch {
    return null;
  }
}
const stat = (k: string, v: unknown, key = "") => `<div class="card stat"><div class="k">${esc(k)}</div><div class="v" ${key ? `data-k="${key}"` : ""}>${esc(v)}</div></div>`;
const table = (head: string[], rows: string[][], key = "") =>
  `<table ${key ? `data-k="${key}"` : ""}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${
    rows.length ? rows.map((r) => `<tr>${r.join("")}</tr>`).join("") : `<tr><td colspan="${head.length}" class="muted">none</td></tr>`
  }</tbody></table>`;
const td = (v: unknown, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${esc(v)}</td>`;
/** Marks the page's first data shown: `data-ready` (what the browser test waits for) and a `ready:<page>` performance mark (what `npm run bench -- dashboard` times from navigation start). */
const ready = (name: string) => {
  performance.mark(`ready:${name}`);
  document.body.dataset.ready = name;
};
function eventData(e: BlockEvent): Record<string, unknown> {
  return e.data as unknown as Record<string, unknown>;
}
function eventText(e: BlockEvent): string {
  return JSON.stringify(e.data, (_k, v: unknown) => (typeof v === "string" && v.length === 66 && v.startsWith("0x") ? address(v) : v));
}

// ---------- chain state shared by the pages ----------
let client: ArkreenClient;
let intervalSecs = 60;
interface BlockInfo {
  number: number;
  hash: string;
  extrinsics: number;
  events: BlockEvent[];
  seenAt: number;
}
/** The most recent blocks of the best chain, newest first, with their events. */
const recent: BlockInfo[] = [];
const RECENT = 64;
let best: Header | null = null;
let finalized = 0;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

async function loadBlock(number: number, knownHash?: string | null): Promise<BlockInfo | null> {
  const hash = knownHash === undefined ? await client.blockHash(number) : knownHash;
  if (!hash) return null;
  const [block, events] = await Promise.all([client.block(hash), client.events(hash)]);
  return { number, hash, extrinsics: block?.block.extrinsics.length ?? 0, events: events.events, seenAt: performance.now() };
}
function remember(info: BlockInfo): void {
  const at = recent.findIndex((b) => b.number <= info.number);
  if (at >= 0 && recent[at].number === info.number) recent[at] = info;
  else if (at < 0) recent.push(info);
  else recent.splice(at, 0, info);
  if (recent.length > RECENT) recent.length = RECENT;
}
async function backfill(): Promise<void> {
  const top = best ? blockNumber(best) : 0;
  const numbers = Array.from({ length: Math.min(RECENT, top + 1) }, (_, i) => top - i);
  // The hashes in one call (chain_getBlockHash takes a list), then blocks and events 16 at a time.
  const hashes = await client.call<Array<string | null>>("chain_getBlockHash", [numbers]);
  for (let i = 0; i < numbers.length; i += 16) {
    const infos = await Promise.all(numbers.slice(i, i + 16).map((n, j) => loadBlock(n, hashes[i + j])));
    for (const info of infos) if (info) remember({ ...info, seenAt: 0 });
    changed();
  }
}
/** Every event of the recent blocks, newest first, with its block number. */
const recentEvents = (): Array<BlockEvent & { block: number }> => recent.flatMap((b) => b.events.map((e) => ({ ...e, block: b.number })));

/** An epoch's rewards, or null once the runtime's bounded history removed them (RPC 4005, docs/rewards.md). */
async function keptEpochRewards(epoch: number): Promise<Awaited<ReturnType<ArkreenClient["rewardsEpoch"]>>> {
  try {
    return await client.rewardsEpoch(epoch);
  } catch (e) {
    if (e instanceof RpcCallError && e.rpcCode === 4005) return null;
    throw e;
  }
}

// ---------- pages ----------
type Page = (arg: string) => Promise<void>;
const pageSubs: Subscription[] = [];
const charts: uPlot[] = [];

/**
 * The validators panel's window: the last 256 blocks, one `chain_getAuthorship` call (its most),
 * and the default state-pruning depth, so a pruned node still knows each block's authorities.
 */
const AUTHORSHIP_WINDOW = 256;
/** The window's blocks, oldest first. */
let authorship: BlockAuthorship[] = [];
/** Blocks above this number are read again: their justification may not be stored yet. */
let authorshipFinal = 0;
let authorshipLoading: Promise<void> | null = null;
/** Brings the window up to the best head: new blocks, and those not final when last read. */
function refreshAuthorship(): Promise<void> {
  authorshipLoading ??= (async () => {
    const top = best ? blockNumber(best) : 0;
    const windowStart = Math.max(1, top - AUTHORSHIP_WINDOW + 1);
    const known = authorship.length ? authorship[authorship.length - 1].number : 0;
    const from = Math.max(windowStart, Math.min(known + 1, authorshipFinal + 1));
    const seenFinal = finalized;
    const fresh = top >= from ? await client.authorship(from, Math.min(AUTHORSHIP_WINDOW, top - from + 1)) : [];
    authorship = [...authorship.filter((b) => b.number >= windowStart && b.number < from), ...fresh];
    authorshipFinal = Math.max(authorshipFinal, Math.min(seenFinal, top));
  })().finally(() => (authorshipLoading = null));
  return authorshipLoading;
}

function validatorsPanel(rewards: Map<string, bigint> | null, rewardEpoch: number | null): string {
  const s = summarizeAuthorship(authorship);
  const pct = (n: number, of: number) => (of === 0 ? "—" : `${((100 * n) / of).toFixed(1)} %`);
  const engines = s.engines.map((e) => (e === "inst" ? "instant finality (a single authority signs every block it imports: a dev chain)" : e === "bfin" ? "BLS finality gadget (one justification per finalized round target)" : e)).join(", ");
  const caption = s.blocks
    ? `last ${s.blocks} blocks, <span data-k="authFrom">#${s.from}</span>–<span data-k="authTo">#${s.to}</span>; <span data-k="authJustifications">${s.justifications}</span> justifications${engines ? ` (${esc(engines)})` : ""}${s.unknownAuthors ? `; ${s.unknownAuthors} blocks of unknown author (state pruned)` : ""}${s.unknownSigners ? `; ${s.unknownSigners} justifications of unknown signers` : ""}`
    : "no blocks yet";
  return `<div class="card"><h3>Validators</h3><p class="muted">${caption}. Finality participation: the share of the window's justifications whose signers include the validator.</p>${table(
    ["Validator", "Blocks authored", "Share", "Justifications signed", "Finality participation", rewardEpoch === null ? "Reward" : `Reward (epoch ${rewardEpoch})`],
    s.validators.map((v) => [td(address(v.account), "mono"), td(v.authored), td(pct(v.authored, s.blocks)), td(v.signed), td(pct(v.signed, s.justifications)), td(rewards?.has(v.account) ? amount(rewards.get(v.account) as bigint) : "—")]),
    "validators",
  )}</div>`;
}

const network: Page = async () => {
  const [health, chain, epoch] = await Promise.all([
    client.call<{ peers: number; isSyncing: boolean }>("system_health"),
    client.call<string>("system_chain"),
    client.currentEpoch(),
    refreshAuthorship(),
  ]);
  const validators = epoch.lastRewardedEpoch === null ? null : await keptEpochRewards(epoch.lastRewardedEpoch);
  const rewards = validators && new Map(validators.recipients.filter((r) => r.kind === "validator").map((r) => [accountHex(r.who) ?? r.who, BigInt(r.amount)]));
  const render = () => {
    const times = recent.filter((b) => b.seenAt > 0).map((b) => b.seenAt);
    const blockTime = times.length > 1 ? ((times[0] - times[times.length - 1]) / (times.length - 1) / 1000).toFixed(2) + " s" : "…";
    app.innerHTML = `<h2>Network <span class="muted">${esc(chain)}</span></h2>
      <div class="grid">${stat("Best block", best ? `#${blockNumber(best)}` : "…", "best")}${stat("Finalized", `#${finalized}`, "finalized")}${stat("Block time (observed)", blockTime, "blocktime")}${stat("Peers", health.peers, "peers")}${stat("Epoch", epoch.epoch, "epoch")}</div>
      ${validatorsPanel(rewards, validators?.epoch ?? null)}
      <div class="two"><div class="card"><h3>Recent blocks</h3>${table(
        ["Block", "Hash", "Extrinsics", "Events", ""],
        recent.slice(0, 12).map((b) => [td(`#${b.number}`), td(short(b.hash), "mono"), td(b.extrinsics), td(b.events.length), td(b.number <= finalized ? "finalized" : "", "muted")]),
        "blocks",
      )}</div>
      <div class="card"><h3>Recent events</h3>${table(
        ["Block", "Event", "Data"],
        recentEvents().slice(0, 20).map((e) => [td(`#${e.block}`), td(`${e.module}.${e.name}`), td(eventText(e), "mono")]),
        "events",
      )}</div></div>`;
  };
  render();
  listeners.add(render);
  listeners.add(() => void refreshAuthorship().then(render, () => undefined));
  ready("network");
};

const accounts: Page = async (arg) => {
  app.innerHTML = `<h2>Accounts</h2><form id="f"><input name="q" placeholder="SS58 address or 0x account id" value="${esc(arg)}"><button>Show</button></form><div id="out"></div>`;
  form((q) => (location.hash = `#/accounts/${q}`));
  if (!arg) return void ready("accounts");
  const out = document.getElementById("out") as HTMLElement;
  const hex = accountHex(arg);
  if (!hex) return void ((out.innerHTML = `<p class="err">not an address</p>`), ready("accounts"));
  const render = async () => {
    const b = await client.balance(hex);
    const transfers = recentEvents().filter((e) => e.module === "balances" && e.name === "Transfer" && (eventData(e).from === hex || eventData(e).to === hex));
    out.innerHTML = `<div class="grid">${stat("Free", amount(b.free), "free")}${stat("Reserved", amount(b.reserved), "reserved")}${stat("Nonce", b.nonce, "nonce")}</div>
      <div class="card"><h3>Recent transfers (last ${recent.length} blocks)</h3>${table(
        ["Block", "From", "To", "Amount"],
        transfers.map((e) => [td(`#${e.block}`), td(address(eventData(e).from), "mono"), td(address(eventData(e).to), "mono"), td(amount(String(eventData(e).amount)))]),
        "transfers",
      )}</div>`;
  };
  await render();
  listeners.add(() => void render());
  ready("accounts");
};

/** Devices per `device_listByOwner` page (the node's MAX_DEVICES_PER_PAGE, docs/rpc.md): a full page means there may be more. */
const OWNER_PAGE = 1000;

function deviceRows(devices: Device[]): string[][] {
  return devices.map((d) => [`<td><a href="#/devices/${d.id}">${d.id}</a></td>`, td(d.kind), td(d.status), td(`${d.capacityW} W`), td(d.location), td(address(d.owner), "mono")]);
}

const devices: Page = async (arg) => {
  app.innerHTML = `<h2>Devices</h2><form id="f"><input name="q" placeholder="device id, or owner address" value="${esc(arg)}"><button>Search</button></form><div id="out"></div>`;
  form((q) => (location.hash = `#/devices/${q}`));
  const out = document.getElementById("out") as HTMLElement;
  if (!arg) return void ready("devices");
  if (!/^\d+$/.test(arg)) {
    // `<owner>` or `<owner>/after/<id>`: device_listByOwner's pages, in storage order, each after the last id of the one before.
    const match = /^(.+?)\/after\/(\d+)$/.exec(arg);
    const owner = match ? match[1] : arg;
    const after = match ? match[2] : undefined;
    const page = await client.devicesOf(owner, after === undefined ? undefined : Number(after));
    const next = page.length >= OWNER_PAGE ? `<p><a data-k="nextPage" href="#/devices/${esc(owner)}/after/${page[page.length - 1].id}">next ${OWNER_PAGE} devices</a></p>` : "";
    const list = [...page].sort((a, b) => a.id - b.id);
    out.innerHTML = `<div class="card"><h3>Devices of ${esc(owner)}${after === undefined ? "" : ` (after device ${esc(after)} in storage order)`}: ${list.length}${next ? " shown" : ""}</h3>${table(["Id", "Kind", "Status", "Capacity", "Location", "Owner"], deviceRows(list), "devices")}${next}</div>`;
    return void ready("devices");
  }
  const id = Number(arg);
  const device = await client.device(id);
  if (!device) return void ((out.innerHTML = `<p class="err" data-k="missing">no device ${id}</p>`), ready("devices"));
  const now = Math.floor(Date.now() / 1000 / intervalSecs);
  const from = now - Math.min(1439, Math.round((24 * 3600) / intervalSecs));
  const [gen, epoch, pending] = await Promise.all([client.generation(id, from, now), client.currentEpoch(), client.pendingCommands(id)]);
  const credited = new Set(gen.intervals.map((i) => i.interval));
  const first = gen.intervals[0]?.interval ?? now;
  const missing: number[] = [];
  // Up to the last ended interval but one: the one that just ended may still be on its way.
  for (let i = first; i < now - 1; i++) if (!credited.has(i)) missing.push(i);
  const epochs = epoch.lastRewardedEpoch === null ? [] : Array.from({ length: Math.min(6, epoch.lastRewardedEpoch + 1) }, (_, i) => (epoch.lastRewardedEpoch as number) - i);
  const rewards = await Promise.all(epochs.map(keptEpochRewards));
  const rewardRows = rewards.flatMap((r) => {
    const mine = r?.recipients.find((x) => x.kind === "device" && x.deviceId === id);
    return r ? [[td(r.epoch), td(r.phase), td(mine ? amount(mine.amount) : "—")]] : [];
  });
  const intervalTime = (i: number) => new Date(i * intervalSecs * 1000).toISOString().slice(0, 19).replace("T", " ");
  out.innerHTML = `<div class="grid">${stat("Device", `#${device.id}`, "id")}${stat("Status", device.status, "status")}${stat("Kind", device.kind, "kind")}${stat("Capacity", `${device.capacityW} W`, "capacity")}${stat("Location", device.location, "location")}${stat("Energy (window)", `${gen.totalWh} Wh`, "totalWh")}${stat("Credited intervals", gen.intervals.length, "credited")}${stat("Missing intervals", missing.length, "missing")}</div>
    <div class="card"><h3>Energy per interval (${intervalSecs} s intervals)</h3><div id="chart" data-k="chart"></div></div>
    <div class="two"><div class="card"><h3>Rewards per epoch</h3>${table(["Epoch", "Payout", "Reward"], rewardRows, "rewards")}</div>
    <div class="card"><h3>Rejected readings (last ${recent.length} blocks)</h3><div id="rejected"></div></div></div>
    <div class="two"><div class="card"><h3>Pending control commands</h3><div id="pending"></div></div>
    <div class="card"><h3>Acknowledged commands (last ${recent.length} blocks)</h3><div id="acked"></div></div></div>
    <div class="card"><h3>Missing intervals</h3><p class="mono" data-k="missingList">${esc(missing.slice(-50).map(intervalTime).join(", ") || "none")}</p></div>`;
  chart(document.getElementById("chart") as HTMLElement, [gen.intervals.map((i) => i.interval * intervalSecs), gen.intervals.map((i) => i.energyWh)], [{ label: "Wh", stroke: "#1f8a4c", fill: "rgba(31,138,76,.15)" }]);
  const showPending = (cmds: ControlCommand[]) => {
    (document.getElementById("pending") as HTMLElement).innerHTML = table(["Id", "Command", "Valid", "Status"], cmds.map((c) => [td(c.id), td(JSON.stringify(c.command)), td(`#${c.validFrom}–#${c.validUntil}`), td(c.status)]), "pending");
  };
  showPending(pending);
  pageSubs.push(await client.subscribePendingCommands([id], showPending));
  const renderEvents = async () => {
    const rejected = recentEvents().filter((e) => e.module === "pog" && e.name === "ReadingRejected" && eventData(e).deviceId === id);
    const el = document.getElementById("rejected");
    if (!el) return;
    el.innerHTML = table(["Block", "Interval", "Reason"], rejected.map((e) => [td(`#${e.block}`), td(eventData(e).interval), td(eventData(e).reason)]), "rejected");
    const ackIds = recentEvents().filter((e) => e.module === "control" && e.name === "CommandAcknowledged" && eventData(e).deviceId === id).map((e) => Number(eventData(e).commandId));
    const acked = (await Promise.all(ackIds.map((c) => client.controlCommand(c)))).filter((c): c is ControlCommand => c !== null);
    (document.getElementById("acked") as HTMLElement).innerHTML = table(["Id", "Command", "Receipt", "Block"], acked.map((c) => [td(c.id), td(JSON.stringify(c.command)), td(c.receipt?.status ?? c.status), td(c.receipt ? `#${c.receipt.block}` : "")]), "acked");
  };
  await renderEvents();
  listeners.add(() => void renderEvents());
  ready("devices");
};

const certificates: Page = async (arg) => {
  app.innerHTML = `<h2>Certificates</h2><form id="f"><input name="q" placeholder="REC id, or owner address" value="${esc(arg)}"><button>Search</button></form><div id="out"></div>`;
  form((q) => (location.hash = `#/certificates/${q}`));
  const out = document.getElementById("out") as HTMLElement;
  const retiredCard = () => {
    const retirements = recentEvents().filter((e) => e.module === "recs" && e.name === "Retired");
    return `<div class="card"><h3>Retirements (last ${recent.length} blocks)</h3>${table(
      ["Block", "REC", "Owner", "Wh", "Beneficiary"],
      retirements.map((e) => [td(`#${e.block}`), `<td><a href="#/certificates/${esc(eventData(e).recId)}">${esc(eventData(e).recId)}</a></td>`, td(address(eventData(e).owner), "mono"), td(eventData(e).amountWh), td(eventData(e).beneficiary)]),
      "retirements",
    )}</div>`;
  };
  const retiredHtml = `<div id="retired">${retiredCard()}</div>`;
  listeners.add(() => {
    const el = document.getElementById("retired");
    if (el) el.innerHTML = retiredCard();
  });
  if (!arg) return void ((out.innerHTML = retiredHtml), ready("certificates"));
  if (!/^\d+$/.test(arg)) {
    const recs = (await client.recsOf(arg)).sort((a, b) => a.id - b.id);
    out.innerHTML = `<div class="card"><h3>RECs of ${esc(arg)}</h3>${table(
      ["Id", "Status", "Energy", "Retired", "Serial", "Origin"],
      recs.map((r) => [`<td><a href="#/certificates/${r.id}">${r.id}</a></td>`, td(r.status), td(`${r.energyWh} Wh`), td(`${r.retiredWh} Wh`), td(r.serial ?? ""), td(r.origin ?? "")]),
      "recs",
    )}</div>${retiredHtml}`;
    return void ready("certificates");
  }
  const rec = await client.rec(Number(arg));
  if (!rec) return void ((out.innerHTML = `<p class="err" data-k="missing">no REC ${esc(arg)}</p>`), ready("certificates"));
  const when = (i: number) => new Date(i * intervalSecs * 1000).toISOString().slice(0, 19).replace("T", " ");
  out.innerHTML = `<div class="grid">${stat("REC", `#${rec.id}`, "id")}${stat("Status", rec.status, "status")}${stat("Energy", `${rec.energyWh} Wh`, "energy")}${stat("Retired", `${rec.retiredWh} Wh`, "retired")}${stat("Serial", rec.serial ?? "—", "serial")}${stat("Owner", address(rec.owner), "owner")}</div>
    <div class="card"><h3>Slots: ${rec.slots.length} (device, interval)</h3>${table(
      ["Device", "Interval", "Start (UTC)"],
      rec.slots.map((s) => [`<td><a href="#/devices/${s.deviceId}">${s.deviceId}</a></td>`, td(s.interval), td(when(s.interval))]),
      "slots",
    )}</div>${retiredHtml}`;
  ready("certificates");
};

const forecasts: Page = async (arg) => {
  app.innerHTML = `<h2>Forecasts</h2><form id="f"><input name="q" placeholder="device id" value="${esc(arg)}"><button>Forecast</button></form><div id="out"></div>`;
  form((q) => (location.hash = `#/forecasts/${q}`));
  const out = document.getElementById("out") as HTMLElement;
  if (!/^\d+$/.test(arg)) return void ready("forecasts");
  const id = Number(arg);
  // forecast_device answers at most 1,440 intervals: a day, or fewer hours on short-interval dev chains.
  const hours = Math.max(1, Math.min(24, Math.floor((1440 * intervalSecs) / 3600)));
  const span = Math.round((hours * 3600) / intervalSecs);
  const now = Math.floor(Date.now() / 1000 / intervalSecs);
  const [fc, acc, gen] = await Promise.all([
    client.call<Array<{ interval: number; expectedWh: number; p10Wh: number; p90Wh: number }>>("forecast_device", [id, hours]),
    client.call<{ nMae: number | null; nRmse: number | null; skillVsPersistence: number | null; samples: number; coverage: number | null; model: string }>("forecast_accuracy", [id]),
    client.generation(id, Math.max(0, now - Math.min(span, 1439)), now),
  ]);
  const fmt = (v: number | null, pct = false) => (v === null ? "—" : pct ? `${(v * 100).toFixed(1)} %` : v.toFixed(4));
  out.innerHTML = `<div class="grid">${stat("Model", acc.model, "model")}${stat("nMAE", fmt(acc.nMae), "nMae")}${stat("nRMSE", fmt(acc.nRmse), "nRmse")}${stat("Skill vs persistence", fmt(acc.skillVsPersistence), "skill")}${stat("P10–P90 coverage", fmt(acc.coverage, true), "coverage")}${stat("Samples", acc.samples, "samples")}${stat("Forecast intervals", fc.length, "intervals")}</div>
    <div class="card"><h3>Next ${hours} h: expected with P10–P90 band, and recent actuals</h3><div id="chart" data-k="chart"></div></div>`;
  // One time axis: recent actuals, then the forecast.
  const xs = [...gen.intervals.map((i) => i.interval), ...fc.map((f) => f.interval)].sort((a, b) => a - b).filter((v, i, a) => i === 0 || a[i - 1] !== v);
  const actual = new Map(gen.intervals.map((i) => [i.interval, i.energyWh]));
  const f = new Map(fc.map((x) => [x.interval, x]));
  chart(
    document.getElementById("chart") as HTMLElement,
    [xs.map((x) => x * intervalSecs), xs.map((x) => actual.get(x) ?? null), xs.map((x) => f.get(x)?.p90Wh ?? null), xs.map((x) => f.get(x)?.expectedWh ?? null), xs.map((x) => f.get(x)?.p10Wh ?? null)],
    [
      { label: "actual Wh", stroke: "#1d2a22" },
      { label: "P90", stroke: "rgba(31,138,76,.4)" },
      { label: "expected", stroke: "#1f8a4c", width: 2 },
      { label: "P10", stroke: "rgba(31,138,76,.4)" },
    ],
    [{ series: [2, 4], fill: "rgba(31,138,76,.15)" }],
  );
  ready("forecasts");
};

function chart(el: HTMLElement, data: Array<Array<number | null>>, series: uPlot.Series[], bands: uPlot.Band[] = []): void {
  const width = Math.max(280, el.clientWidth || 600);
  const plot = new uPlot({ width, height: width < 500 ? 200 : 260, series: [{}, ...series], bands, axes: [{}, { label: "Wh" }] }, data as uPlot.AlignedData, el);
  charts.push(plot);
}

function form(go: (q: string) => void): void {
  (document.getElementById("f") as HTMLFormElement).addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = String(new FormData(ev.target as HTMLFormElement).get("q") ?? "").trim();
    go(encodeURIComponent(q));
  });
}

const PAGES: Record<string, Page> = { network, accounts, devices, certificates, forecasts };

async function route(): Promise<void> {
  const [, name = "network", arg = ""] = /^#\/([a-z]+)\/?(.*)$/.exec(location.hash) ?? [];
  const page = PAGES[name] ?? network;
  delete document.body.dataset.ready;
  listeners.clear();
  for (const s of pageSubs.splice(0)) void s.unsubscribe().catch(() => undefined);
  for (const c of charts.splice(0)) c.destroy();
  document.querySelectorAll("header a").forEach((a) => a.classList.toggle("active", a.getAttribute("href") === `#/${name}`));
  app.innerHTML = `<p class="muted">loading…</p>`;
  try {
    await page(decodeURIComponent(arg));
  } catch (error) {
    app.innerHTML += `<p class="err" data-k="error">${esc(error instanceof Error ? error.message : error)}</p>`;
    ready(name);
  }
}

async function start(): Promise<void> {
  try {
    client = await ArkreenClient.connect(RPC);
  } catch (error) {
    conn.textContent = `cannot reach ${RPC}`;
    app.innerHTML = `<p class="err" data-k="error">Cannot connect to the node's RPC at ${esc(RPC)}: ${esc(error instanceof Error ? error.message : error)}. A node that is not --dev needs --rpc-cors to allow this page's origin (${esc(location.origin)}).</p>`;
    return;
  }
  conn.textContent = RPC;
  const [props, config, head, fin] = await Promise.all([client.properties(), client.pogConfig(), client.header(), client.finalizedHead().then((h) => client.header(h))]);
  decimals = props.tokenDecimals;
  symbol = props.tokenSymbol;
  ss58 = props.ss58Format;
  intervalSecs = config.readingIntervalSecs;
  best = head;
  finalized = fin ? blockNumber(fin) : 0;
  await client.subscribeNewHeads(async (h) => {
    best = h;
    const info = await loadBlock(blockNumber(h)).catch(() => null);
    if (info) remember(info);
    changed();
  });
  await client.subscribeFinalizedHeads((h) => {
    finalized = blockNumber(h);
    changed();
  });
  window.addEventListener("hashchange", () => void route());
  // The recent blocks are read once the first page shows its data: their 129 calls would otherwise
  // queue ahead of the page's own reads (docs/dashboard.md, `npm run bench -- dashboard`). Pages
  // listing recent events re-render as they arrive.
  await route();
  void backfill();
}

void start();
