import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/**
 * The client library runs in browsers: nothing it loads may import a Node built-in or a native
 * package, or use Node's globals. This walks the import graph of client/index.ts as the runtime
 * loads it (type-only imports are erased, so they are skipped) and checks every file.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Packages the client may load: plain JavaScript that runs in browsers. */
export const BROWSER_PACKAGES = [/^@noble\//, /^@scure\//, /^protobufjs(\/|$)/];
const NODE_GLOBALS = new Set(["Buffer", "process", "require", "__dirname", "__filename", "global"]);

interface Finding {
  file: string;
  what: string;
}

/** Value imports and re-exports of a file (type-only ones left out). */
function valueImports(source: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (!clause.name && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      if (!named || named.length === 0 || !named.every((e) => e.isTypeOnly)) out.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  ts.forEachChild(source, function visit(node): void {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  });
  return out;
}

/** Identifiers naming Node's globals (not as a property name or a declaration of one's own). */
function nodeGlobals(source: ts.SourceFile): string[] {
  const found: string[] = [];
  ts.forEachChild(source, function visit(node): void {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent);
      if (!isPropertyName) found.push(`${node.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  });
  return found;
}

export function scanImportGraph(entry: string, packages: readonly RegExp[] = BROWSER_PACKAGES): { files: string[]; findings: Finding[] } {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const stack = [resolve(ROOT, entry)];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const name = relative(ROOT, file);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    for (const spec of valueImports(source)) {
      if (spec.startsWith(".")) stack.push(resolve(dirname(file), spec));
      else if (!packages.some((p) => p.test(spec))) findings.push({ file: name, what: `imports ${spec}` });
    }
    for (const g of nodeGlobals(source)) findings.push({ file: name, what: `uses ${g}` });
  }
  return { files: [...seen].map((f) => relative(ROOT, f)), findings };
}

describe("client: browser-compatible (no Node built-ins in its import graph)", function () {
  this.timeout(30_000);

  it("client/index.ts loads no Node built-in, native package or Node global", () => {
    const { files, findings } = scanImportGraph("client/index.ts");
    assert.ok(files.includes("client/wsTransport.ts") && files.includes("runtime/wire.ts") && files.includes("primitives/codec/codec.ts"), files.join(", "));
    assert.deepEqual(findings, []);
  });

  it("the scan finds what the node's own runtime API loads (node:crypto, native blst, Buffer)", () => {
    const { findings } = scanImportGraph("runtime/api.ts");
    const what = findings.map((f) => `${f.file}: ${f.what}`).join("\n");
    assert.match(what, /primitives\/keys\/ed25519\.ts: imports node:crypto/);
    assert.match(what, /primitives\/blsKeys\.ts: imports @chainsafe\/blst/);
    assert.match(what, /uses Buffer/);
  });
});
