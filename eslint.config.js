import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
