/**
 * `GET /metrics`: the Prometheus exposition, mounted only when configured (METRICS_ENABLED or
 * METRICS_TOKEN), and the tap that counts the SSE bodies. Who may scrape is the gate's to say;
 * `metricsGate` is the default one.
 */
import type { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import { errorResponse, HttpError } from "../http/errors.ts";
import type { ServerMetrics } from "../metrics/server-metrics.ts";
import { EXPOSITION_TYPE } from "../metrics/prometheus.ts";

/** Whether a request may read the metrics. */
export type MetricsGate = (request: Request) => boolean | Promise<boolean>;

/**
 * The default gate. With a token: requests bearing it (`Authorization: Bearer <token>`), compared
 * in constant time. Without one: everyone while auth is off, no one once it is on — metrics name
 * routes and volumes, which an open server may show and a signed-in one must not.
 */
export function metricsGate(
  { token, authEnabled }: { token?: string; authEnabled: boolean },
): MetricsGate {
  if (token === undefined) return () => !authEnabled;
  const expected = new TextEncoder().encode(`Bearer ${token}`);
  return (request) => {
    const given = new TextEncoder().encode(request.headers.get("authorization") ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

/** Counts every SSE body the API sends, and mounts `GET /metrics`. */
export function metricsRoutes(app: Hono, metrics: ServerMetrics, gate: MetricsGate): void {
  app.use("/api/*", async (c, next) => {
    await next();
    if (c.res.body && c.res.headers.get("content-type")?.startsWith("text/event-stream")) {
      c.res = new Response(metrics.countStream(c.res.body), c.res);
    }
  });
  app.get("/metrics", async (c) => {
    if (!(await gate(c.req.raw))) {
      return errorResponse(
        new HttpError(401, "unauthorized", "Metrics need the scrape token", {
          headers: { "www-authenticate": "Bearer" },
        }),
      );
    }
    return new Response(metrics.render(), {
      headers: { "content-type": EXPOSITION_TYPE, "cache-control": "no-store" },
    });
  });
}
