import assert from "node:assert/strict";
import { createLogger, parseLogFilter } from "../../../primitives/logger.ts";

describe("logger: -l filters with per-target levels", () => {
  it("reads Substrate's forms: a level, targets, both, in any case", () => {
    assert.deepEqual(parseLogFilter("debug"), { level: "debug", targets: {} });
    assert.deepEqual(parseLogFilter("sync=debug,finality=trace"), { level: "info", targets: { sync: "debug", finality: "trace" } });
    assert.deepEqual(parseLogFilter("WARN,Sync=Debug"), { level: "warn", targets: { sync: "debug" } });
  });

  it("refuses an unknown level or a malformed target, naming it", () => {
    assert.throws(() => parseLogFilter("loud"), /invalid log level "loud"/);
    assert.throws(() => parseLogFilter("sync=loud"), /invalid log level "loud"/);
    assert.throws(() => parseLogFilter("a b=debug"), /invalid log target "a b"/);
  });

  it("gives a module the level of the innermost target on its path, others the default", () => {
    const lines: string[] = [];
    const filter = parseLogFilter("warn,sync=debug,network=trace");
    const root = createLogger({ level: filter.level, targets: filter.targets, format: "human", write: (l) => lines.push(l) });
    root.info("root info");
    root.warn("root warn");
    root.child("sync").debug("sync debug");
    root.child("sync").trace("sync trace");
    root.child("network").child("sync").trace("nested sync trace");
    root.child("network").child("peers").trace("network peers trace");
    root.child("txpool").info("txpool info");
    assert.deepEqual(
      lines.map((l) => l.slice(24)),
      ["WARN root warn", "DEBUG [sync] sync debug", "TRACE [network/peers] network peers trace"],
    );
  });
});
