// Bundles the public types: dist/stream-widgets.d.ts (the elements, their events and the wire types
// they expose, with the global tag and event maps), dist/testing.d.ts (the `testing` entry) and
// dist/react.d.ts (the React entry, which refers to the main entry's declarations rather than
// copying them).
import { generateDtsBundle } from "dts-bundle-generator";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsconfig = `${root}tsconfig.json`;
const dist = `${root}dist`;

/** Writes the declaration files. */
export function buildTypes() {
  const [bundle, testing] = generateDtsBundle([
    {
      filePath: `${root}widgets/index.ts`,
      output: { inlineDeclareGlobals: true, noBanner: true, exportReferencedTypes: false },
    },
    {
      filePath: `${root}widgets/testing/index.ts`,
      output: { noBanner: true, exportReferencedTypes: false },
    },
  ], { preferredConfigPath: tsconfig });
  writeFileSync(`${dist}/stream-widgets.d.ts`, spelledOut(bundle, "stream-widgets.d.ts"));
  writeFileSync(`${dist}/testing.d.ts`, spelledOut(testing, "testing.d.ts"));
  writeFileSync(`${dist}/react.d.ts`, reactTypes());
}

/**
 * The wire types are `z.infer` of zod schemas in the source. The published file spells each one
 * out as the compiler sees it and leaves the schemas out (the bundle does not export them), so a
 * host needs neither zod nor its types.
 */
function spelledOut(bundle, name) {
  const file = `${dist}/${name}`;
  const zod = 'import type * as z from "zod/mini";\n';
  const source = zod + bundle;
  const host = ts.createCompilerHost({ strict: true });
  const readFile = host.readFile;
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], readConfig(), host);
  const checker = program.getTypeChecker();
  const parsed = program.getSourceFile(file);
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias;
  let out = "";
  let at = zod.length;
  for (const statement of parsed.statements) {
    const text = statement.getText(parsed);
    if (!text.includes("z.")) continue;
    const start = statement.getFullStart();
    out += source.slice(at, start);
    at = statement.getEnd();
    if (ts.isTypeAliasDeclaration(statement)) {
      const type = checker.typeToString(
        checker.getTypeAtLocation(statement.name),
        undefined,
        flags,
      );
      const docs = source.slice(start, statement.getStart(parsed));
      out += `${docs}${text.slice(0, text.indexOf("=") + 1)} ${type};`;
    } else if (!ts.isVariableStatement(statement)) {
      throw new Error(`Unexpected zod type in the public declarations: ${text.slice(0, 80)}`);
    }
  }
  return out + source.slice(at);
}

/** The React entry's declarations, importing the elements' types from the main entry. */
function reactTypes() {
  const options = { ...readConfig(), declaration: true, emitDeclarationOnly: true, noEmit: false };
  const program = ts.createProgram([`${root}widgets/react.ts`], options);
  let text;
  program.emit(
    program.getSourceFile(`${root}widgets/react.ts`),
    (_name, data) => {
      text = data;
    },
    undefined,
    true,
  );
  if (!text?.includes('from "./index.ts"')) throw new Error("React entry types were not emitted");
  return text.replace('from "./index.ts"', 'from "./stream-widgets.js"');
}

function readConfig() {
  const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}
