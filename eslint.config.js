import js from "@eslint/js";
import tseslint from "typescript-eslint";

/*
 * The layers (docs/design.md, "Layers"): primitives ← runtime ← consensus / p2p / node ← rpc / cli,
 * with genesis (chain specs) beside the node and forecast (non-consensus models, read by rpc) beside it too. An import that goes the wrong way fails `npm run lint`
 * and therefore `npm test`; `test/unit/layering.test.ts` shows each rule refusing an import.
 */
const FOLDERS = ["primitives", "light", "runtime", "consensus", "p2p", "genesis", "node", "forecast", "rpc", "client", "dashboard", "cli", "harness", "benchmarks", "tools", "test"];
/** Refuses imports of any of `folders` (matched as a path segment of the import). */
function onlyBelow(message, ...folders) {
  return { regex: `(^|/)(${folders.join("|")})/`, message };
}
const NOT_TEST = onlyBelow("only tests import test/: shared process and network helpers live in harness/", "test");
/** Outside the runtime, a module's storage and internals are reached through runtime/api.ts only. */
const RUNTIME_API_ONLY = { regex: "(^|/)runtime/(?!api\\.ts$)", message: "read the runtime through runtime/api.ts (its one API), not its modules' storage or internals" };
/** The client library runs in browsers: the runtime's wire formats only (runtime/wire.ts), and no Node built-ins. */
const RUNTIME_WIRE_ONLY = { regex: "(^|/)runtime/(?!wire\\.ts$)", message: "the client reads the runtime through runtime/wire.ts (its browser-safe wire formats)" };
const NO_NODE_BUILTINS = { regex: "^(node:|ws$)", message: "client/ runs in browsers: no Node built-ins (use fetch, WebSocket, Uint8Array)" };
/** The offline light verifier (light/) runs in browsers: no Node built-ins, and BLS through herumi's WASM (bls-eth-wasm), not native blst (nor @chainsafe/bls, which may load it). */
const LIGHT_BROWSER_ONLY = { regex: "^(node:|ws$|@chainsafe/)", message: "light/ runs in browsers: no Node built-ins and no native BLS (bls-eth-wasm, herumi's WASM, only)" };
const layer = (files, ...patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });
const above = (folder) => FOLDERS.slice(FOLDERS.indexOf(folder) + 1);

export default tseslint.config(
  { ignores: ["node_modules/**", "benchmarks/results/**", ".tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  layer(["primitives/**/*.ts"], onlyBelow("primitives import nothing of the node", ...above("primitives"))),
  layer(["light/**/*.ts"], onlyBelow("light/ (the offline verifier) imports only primitives/, bls-eth-wasm and @noble/curves: nothing of the node", ...FOLDERS.filter((f) => f !== "primitives" && f !== "light")), LIGHT_BROWSER_ONLY),
  layer(["runtime/**/*.ts"], onlyBelow("the runtime imports only primitives/", ...above("runtime"))),
  layer(["consensus/**/*.ts", "p2p/**/*.ts"], onlyBelow("consensus/ and p2p/ import only primitives/ and the runtime's API", "genesis", "node", "forecast", "rpc", "client", "cli", "harness", "benchmarks", "tools", "test"), RUNTIME_API_ONLY),
  layer(["genesis/**/*.ts"], onlyBelow("genesis/ imports only primitives/ and the runtime's API", "consensus", "p2p", "node", "forecast", "rpc", "client", "cli", "harness", "benchmarks", "tools", "test"), RUNTIME_API_ONLY),
  layer(["node/**/*.ts"], onlyBelow("node/ never imports rpc/, client/, forecast/, cli/ or tooling: the composition root (cli/) wires RPC to the node", "forecast", "rpc", "client", "cli", "harness", "benchmarks", "tools", "test"), RUNTIME_API_ONLY),
  layer(["forecast/**/*.ts"], onlyBelow("forecast/ (non-consensus) imports only primitives/ and the runtime's API", "consensus", "p2p", "genesis", "node", "rpc", "client", "cli", "harness", "benchmarks", "tools", "test"), RUNTIME_API_ONLY),
  // rpc/ answers in the JSON shapes the client library declares (client/types.ts): type-only imports of them, erased at run time.
  layer(
    ["rpc/**/*.ts"],
    onlyBelow("rpc/ never imports cli/ or tooling", "cli", "harness", "benchmarks", "tools", "test"),
    { ...onlyBelow("rpc/ imports from client/ only the JSON types of its answers (import type)", "client"), allowTypeImports: true },
    RUNTIME_API_ONLY,
  ),
  layer(["client/**/*.ts"], onlyBelow("client/ imports only primitives/ and runtime/wire.ts", "consensus", "p2p", "genesis", "node", "forecast", "rpc", "cli", "harness", "benchmarks", "tools", "test"), RUNTIME_WIRE_ONLY, NO_NODE_BUILTINS),
  // The dashboard reads the chain through the client library only; its browser code (dashboard/web/) runs in browsers.
  layer(["dashboard/**/*.ts"], onlyBelow("dashboard/ imports only primitives/, client/ and runtime/api.ts", "consensus", "p2p", "genesis", "node", "forecast", "rpc", "cli", "harness", "benchmarks", "tools", "test"), RUNTIME_API_ONLY),
  layer(["dashboard/web/**/*.ts"], onlyBelow("dashboard/web/ runs in browsers: primitives/ and client/ only", "runtime", "consensus", "p2p", "genesis", "node", "forecast", "rpc", "cli", "harness", "benchmarks", "tools", "test"), NO_NODE_BUILTINS),
  layer(["cli/**/*.ts"], onlyBelow("cli/ never imports tooling", "harness", "benchmarks", "tools", "test"), RUNTIME_API_ONLY),
  layer(["harness/**/*.ts", "benchmarks/**/*.ts", "tools/**/*.ts"], NOT_TEST),
  {
    files: ["runtime/**/*.ts"],
    rules: {
      // The runtime is consensus code: no wall clock, no randomness, no floats from Math.
      "no-restricted-globals": ["error", "Date", "performance", "setTimeout", "setInterval"],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random" },
        { object: "Math", property: "floor" },
        { object: "Math", property: "round" },
        { object: "Math", property: "pow" },
        { object: "Date", property: "now" },
      ],
    },
  },
);
