import { build } from "esbuild";

/** One browser script from `entry` and everything it imports (ESM, minified), as the dashboard and the verifier page serve it. */
export async function browserBundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
