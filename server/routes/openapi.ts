/** `GET /api/openapi.json`: the OpenAPI 3.1 document of every route the app serves. */
import type { Hono } from "hono";
import { openApiDocument } from "../openapi/document.ts";

/** Mounts the route; the document is built at the first request, once every route exists. */
export function openApiRoutes(app: Hono, { version }: { version: string }): void {
  let document: string | undefined;
  app.get("/api/openapi.json", (c) => {
    document ??= JSON.stringify(openApiDocument(app.routes, { version }));
    return c.body(document, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
