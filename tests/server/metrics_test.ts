import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { metricsGate } from "../../server/routes/metrics.ts";
import { makeApp, readEvents } from "./harness.ts";

type Family = {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; count?: string }[];
};

/** Scrapes `/metrics`; asserts the text format line by line before parsing it. */
async function scrape(app: { request: (path: string) => Response | Promise<Response> }) {
  const response = await app.request("/metrics");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const text = await response.text();
  for (const line of text.trimEnd().split("\n")) {
    assert.match(
      line,
      /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+="([^"\\\n]|\\["\\n])*",?)+\})? [-+]?(\d+(\.\d+)?(e[-+]?\d+)?|Inf))$/,
    );
  }
  const families = parsePrometheusTextFormat(text) as Family[];
  return (name: string, labels: Record<string, string> = {}) => {
    const family = families.find((f) => f.name === name);
    assert.ok(family, `metric ${name}`);
    const series = family.metrics.find((m) =>
      Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
    );
    return Number(series?.value ?? series?.count ?? 0);
  };
}

Deno.test("metrics are not served unless configured", async () => {
  const { app, close } = makeApp();
  try {
    assert.equal((await app.request("/metrics")).status, 404);
  } finally {
    close();
  }
});

Deno.test("metrics parse as Prometheus text and move when a run happens", async () => {
  const { app, close } = makeApp({ config: { metricsEnabled: true } });
  try {
    const before = await scrape(app);
    assert.equal(before("stream_widgets_runs_started_total"), 0);
    assert.equal(before("stream_widgets_runs_in_flight"), 0);

    const events = await readEvents(
      await app.request("/api/cases/chest-pain-acs/workflow/start/stream"),
    );
    assert.equal(events.at(-1)?.type, "stream_done");

    const after = await scrape(app);
    assert.equal(after("stream_widgets_runs_started_total", { kind: "workflow" }), 1);
    assert.equal(
      after("stream_widgets_runs_finished_total", { kind: "workflow", finish_reason: "stop" }),
      1,
    );
    assert.equal(after("stream_widgets_sse_events_sent_total"), events.length);
    assert.ok(after("stream_widgets_sse_bytes_sent_total") > events.length * 50, "bytes sent");
    assert.equal(after("stream_widgets_first_token_seconds"), 1, "one first token observed");
    assert.equal(after("stream_widgets_sse_streams_open"), 0);
    assert.equal(
      after("stream_widgets_http_requests_total", {
        method: "GET",
        route: "/api/cases/:caseId/workflow/start/stream",
        status: "200",
      }),
      1,
    );
  } finally {
    close();
  }
});

Deno.test("metrics with a token answer 401 without it and 200 with it", async () => {
  const token = "scrape-token-0123456789";
  const { app, close } = makeApp({ config: { metricsEnabled: true, metricsToken: token } });
  try {
    const refused = await app.request("/metrics");
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get("www-authenticate"), "Bearer");
    assert.equal((await refused.json()).error.code, "unauthorized");
    const wrong = await app.request("/metrics", { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    const ok = await app.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
  } finally {
    close();
  }
});

Deno.test("metrics gate without a token admits everyone with auth off and no one with auth on", () => {
  const request = new Request("http://localhost/metrics");
  assert.equal(metricsGate({ authEnabled: false })(request), true);
  assert.equal(metricsGate({ authEnabled: true })(request), false);
});
