/**
 * The verifier page (light/web/index.html): the user drops a trust anchor and a proof file; the
 * page verifies the proof with light/ (inputs.ts) and shows each level, or the failed check's
 * name. It loads after the BLS WASM has initialised (light/bls.ts's top-level await), then marks
 * `<body data-ready>`; each verification sets `#summary[data-result]` and `data-runs`.
 */
import { verifyFiles, type Report } from "./inputs.ts";

type Slot = "anchor" | "proof";
const files: Record<Slot, Uint8Array | null> = { anchor: null, proof: null };
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const button = byId<HTMLButtonElement>("verify");
let runs = 0;

function render(report: Report): void {
  const list = byId<HTMLOListElement>("levels");
  list.replaceChildren(
    ...report.levels.map((l) => {
      const li = document.createElement("li");
      li.dataset.level = l.name;
      li.dataset.ok = String(l.ok);
      if (l.check !== undefined) li.dataset.check = l.check;
      const title = document.createElement("strong");
      title.textContent = l.name;
      const check = document.createElement("span");
      check.className = "check";
      check.textContent = l.check !== undefined ? ` failed check ${l.check} ` : " ";
      const detail = document.createElement("span");
      detail.textContent = l.detail;
      li.append(title, check, detail);
      return li;
    }),
  );
  const summary = byId<HTMLParagraphElement>("summary");
  const failed = report.levels.find((l) => !l.ok);
  summary.dataset.result = report.passed ? "passed" : "failed";
  summary.dataset.verifyMs = report.verifyMs.toFixed(2);
  if (failed?.check !== undefined) summary.dataset.failedCheck = failed.check;
  else delete summary.dataset.failedCheck;
  summary.textContent = `${report.kind ?? "unrecognised file"}: ${report.passed ? "all checks passed" : `failed: ${failed?.check ?? "?"}`} (verified in ${report.verifyMs.toFixed(1)} ms)`;
}

function verify(): void {
  if (files.anchor === null || files.proof === null) return;
  render(verifyFiles(files.anchor, files.proof));
  runs += 1;
  document.body.dataset.runs = String(runs);
}

async function take(slot: Slot, file: File | undefined): Promise<void> {
  if (file === undefined) return;
  files[slot] = new Uint8Array(await file.arrayBuffer());
  byId(`${slot}-name`).textContent = `${file.name} (${files[slot].length} bytes)`;
  button.disabled = files.anchor === null || files.proof === null;
  verify();
}

for (const slot of ["anchor", "proof"] as const) {
  const input = byId<HTMLInputElement>(`${slot}-file`);
  input.addEventListener("change", () => void take(slot, input.files?.[0]));
  const zone = byId(`${slot}-drop`);
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    void take(slot, e.dataTransfer?.files[0]);
  });
}
button.addEventListener("click", verify);
document.body.dataset.ready = "true";
