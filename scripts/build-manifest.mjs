// Writes dist/custom-elements.json with @custom-elements-manifest/analyzer, from the elements'
// JSDoc headers (@summary, @fires, @slot, @csspart, @cssprop) and Lit's declared properties.
import { create, ts } from "@custom-elements-manifest/analyzer";
import { litPlugin } from "@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The modules that declare elements or what they inherit (attributes of `<stream-provider>` live
 * in its base class, `strings` in the panels'); the rest is internal.
 */
const SOURCES = [
  "widgets/index.ts",
  ...readdirSync(`${root}widgets`)
    .filter((name) => /^(stream|reasoning|chat)-[a-z-]+\.ts$/.test(name))
    .map((name) => `widgets/${name}`),
];

/** Builds the manifest and writes it; returns it. */
export function buildManifest() {
  const modules = SOURCES.map((path) =>
    ts.createSourceFile(path, readFileSync(`${root}${path}`, "utf8"), ts.ScriptTarget.ES2022, true)
  );
  const plugins = [...litPlugin(), defineOncePlugin(), publicApiPlugin()];
  const manifest = create({ modules, plugins, context: { dev: false } });
  writeFileSync(`${root}dist/custom-elements.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The elements register through `defineOnce(tag, Class)` (a guarded `customElements.define`),
 * which the analyzer does not know: each call is recorded as the definition it stands for.
 */
function defineOncePlugin() {
  return {
    name: "define-once-calls",
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || node.expression.getText() !== "defineOnce") return;
      const [tag, element] = node.arguments;
      if (!tag || !element || !ts.isStringLiteral(tag)) return;
      moduleDoc.exports = [...(moduleDoc.exports ?? []), {
        kind: "custom-element-definition",
        name: tag.text,
        declaration: { name: element.getText(), module: moduleDoc.path },
      }];
    },
  };
}

/**
 * Keeps the manifest to the public API: private and protected members are not a page's to use,
 * and an element's events are those its `@fires` tags document (the analyzer also guesses one from every
 * `dispatchEvent(new …(value))`, named after the value).
 */
function publicApiPlugin() {
  return {
    name: "public-api",
    packageLinkPhase({ customElementsManifest }) {
      for (
        const declaration of customElementsManifest.modules.flatMap((m) => m.declarations ?? [])
      ) {
        if (declaration.members) {
          declaration.members = declaration.members.filter((m) =>
            !m.name.startsWith("#") && m.privacy !== "private" && m.privacy !== "protected"
          );
        }
        if (declaration.events) {
          declaration.events = declaration.events.filter((event) =>
            event.name && event.description
          );
        }
      }
    },
  };
}
