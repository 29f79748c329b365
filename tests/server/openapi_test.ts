import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { makeApp } from "./harness.ts";

/** Every `METHOD /path` of the README's API table (a bare `/path` takes the method before it). */
function readmeRoutes(): string[] {
  const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
  const section = readme.slice(
    readme.indexOf("\n## API"),
    readme.indexOf("\n## ", readme.indexOf("\n## API") + 1),
  );
  const routes: string[] = [];
  for (const row of section.split("\n").filter((line) => line.startsWith("| `"))) {
    let method = "";
    for (const [, code] of row.matchAll(/`([^`]+)`/g)) {
      const match = /^(?:(GET|POST|PUT|PATCH|DELETE) )?(\/\S*)$/.exec(code);
      if (!match) continue;
      method = match[1] ?? method;
      // A query shown in the table is documented as the route's parameters.
      routes.push(`${method} ${match[2].split("?")[0]}`);
    }
  }
  return routes;
}

/** `/api/runs/:runId` as an OpenAPI path template. */
function template(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}").replace(/\*$/, "{path}");
}

/** The document of an app with every optional route mounted. */
async function document() {
  const { app, close } = makeApp({ config: { metricsEnabled: true, demoControls: true } });
  try {
    const response = await app.request("/api/openapi.json");
    assert.equal(response.status, 200);
    return await response.json();
  } finally {
    close();
  }
}

Deno.test("openapi document validates as OpenAPI 3.1", async () => {
  const doc = await document();
  assert.equal(doc.openapi, "3.1.0");
  const result = await new Validator().validate(doc);
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
});

Deno.test("openapi document lists every route of the README", async () => {
  const doc = await document();
  const routes = readmeRoutes();
  assert.ok(routes.length >= 15, `README routes found: ${routes.length}`);
  const missing = routes.filter((route) => {
    const [method, path] = route.split(" ");
    return doc.paths[template(path)]?.[method.toLowerCase()] === undefined;
  });
  assert.deepEqual(missing, []);
});

Deno.test("openapi request bodies are the protocol's schemas, unknown fields rejected", async () => {
  const doc = await document();
  const chat = doc.paths["/api/chat/messages"].post.requestBody.content["application/json"].schema;
  assert.deepEqual(chat.required, ["message"]);
  assert.equal(chat.additionalProperties, false);
  assert.equal(chat.properties.message.minLength, 1);
  const stream = doc.paths["/api/runs/{runId}/stream"].get.responses["200"].content;
  assert.deepEqual(Object.keys(stream), ["text/event-stream"]);
  assert.ok(doc.components.schemas.StreamEvent.oneOf.length >= 7, "every event type");
});
