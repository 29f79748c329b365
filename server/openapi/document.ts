/**
 * The OpenAPI 3.1 document of the routes an app serves: every registered route is listed (a route
 * without an entry in ROUTE_DOCS still appears, with its method and path), and every schema in it
 * is `z.toJSONSchema` of the protocol's zod schema that validates the same thing.
 */
import * as z from "zod/mini";
import { ApiError } from "../../protocol/api-error.ts";
import { StreamEvent } from "../../protocol/events.ts";
import { type Answer, ROUTE_DOCS, type RouteDoc } from "./route-docs.ts";

/** A route as Hono lists it. */
export interface RouteEntry {
  method: string;
  path: string;
}

type Json = Record<string, unknown>;

/** The document for `routes` (middleware entries, method `ALL`, are left out). */
export function openApiDocument(routes: readonly RouteEntry[], { version }: { version: string }) {
  const paths: Record<string, Record<string, Json>> = {};
  const seen = new Set<string>();
  for (const { method, path } of routes) {
    const key = `${method} ${path}`;
    if (method === "ALL" || seen.has(key)) continue;
    seen.add(key);
    const { template, parameters } = pathTemplate(path);
    const doc = ROUTE_DOCS[key] ?? { summary: `${method} ${path}`, answer: "json" };
    (paths[template] ??= {})[method.toLowerCase()] = operation(doc, parameters);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Stream Widgets API",
      version,
      description: "Runs of LLM work streamed as Server-Sent Events (wire protocol v1).",
    },
    paths,
    components: {
      schemas: { StreamEvent: schemaOf(StreamEvent), ApiError: schemaOf(ApiError) },
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}

/** `/api/runs/:runId` → `/api/runs/{runId}` and its path parameters; `*` is a `path` parameter. */
function pathTemplate(path: string): { template: string; parameters: string[] } {
  const parameters: string[] = [];
  const template = path.split("/").map((part) => {
    if (part.startsWith(":")) {
      parameters.push(part.slice(1));
      return `{${part.slice(1)}}`;
    }
    if (part === "*") {
      parameters.push("path");
      return "{path}";
    }
    return part;
  }).join("/");
  return { template, parameters };
}

function operation(doc: RouteDoc, pathParameters: string[]): Json {
  const parameters = [
    ...pathParameters.map((name) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    })),
    ...Object.entries(doc.query ?? {}).map(([name, description]) => ({
      name,
      in: "query",
      required: false,
      description,
      schema: { type: "string" },
    })),
  ];
  return {
    summary: doc.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
        requestBody: {
          required: true,
          content: { "application/json": { schema: schemaOf(doc.body, "input") } },
        },
      }
      : {}),
    responses: {
      ...success(doc.answer, doc.result),
      default: {
        description: "An error: `{error: {code, message, issues?}}`",
        content: { "application/json": { schema: { $ref: "#/components/schemas/ApiError" } } },
      },
    },
  };
}

function success(answer: Answer, result: z.ZodMiniType | undefined): Record<string, Json> {
  const json = (description: string) => ({
    description,
    content: { "application/json": { schema: result ? schemaOf(result) : { type: "object" } } },
  });
  switch (answer) {
    case "json":
      return { "200": json("OK") };
    case "created":
      return { "201": json("Created") };
    case "no-content":
      return { "204": { description: "Done" } };
    case "sse":
      return {
        "200": {
          description: "`text/event-stream`: a `retry:` line, then one message per event, " +
            "`id: <runId>.<seq>` and `data: <StreamEvent as JSON>`; heartbeats carry no id",
          content: {
            "text/event-stream": {
              schema: { type: "string" },
              "x-event-schema": { $ref: "#/components/schemas/StreamEvent" },
            },
          },
        },
      };
    case "file":
      return {
        "200": { description: "A file", content: { "*/*": { schema: { type: "string" } } } },
      };
    case "metrics":
      return {
        "200": {
          description: "Prometheus text exposition",
          content: { "text/plain": { schema: { type: "string" } } },
        },
      };
    case "ndjson":
      return {
        "200": {
          description: "One JSON object per line",
          content: { "application/x-ndjson": { schema: { type: "string" } } },
        },
      };
  }
}

/** The JSON Schema of a zod schema, without its `$schema` (the document sets the dialect). */
function schemaOf(schema: z.ZodMiniType, io: "input" | "output" = "output"): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as Json;
  return json;
}
