/**
 * What the OpenAPI document says of each route beyond its method and path: a summary, the zod
 * schema of its body and how it answers. Bodies and events are the protocol's own schemas, so the
 * document and the validation cannot drift apart.
 */
import type * as z from "zod/mini";
import { ObserverGrant, StreamTicketRequest } from "../../protocol/access.ts";
import { EventsAnswer } from "../../protocol/poll.ts";
import { ChatRequest, RunRequest, WorkflowRunRequest } from "../../protocol/requests.ts";

/** How a route answers when it succeeds. */
export type Answer = "json" | "sse" | "created" | "no-content" | "file" | "metrics" | "ndjson";

/** The documentation of one route. */
export interface RouteDoc {
  summary: string;
  body?: z.ZodMiniType;
  answer: Answer;
  /** The schema of a JSON answer, when the protocol has one. */
  result?: z.ZodMiniType;
  /** Query parameters, by name: their descriptions. */
  query?: Record<string, string>;
}

const RESUME = {
  lastEventId: "Resume cursor `<runId>.<seq>` (the `Last-Event-ID` header wins)",
};

/** Route docs by `METHOD /path` as Hono registers it. */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  "GET /": { summary: "The demo page", answer: "file" },
  "GET /dist/*": { summary: "The widget bundles", answer: "file" },
  "GET /demo/*": { summary: "The demo's assets", answer: "file" },
  "GET /metrics": { summary: "Prometheus metrics (when configured)", answer: "metrics" },
  "GET /api/openapi.json": { summary: "This document", answer: "json" },
  "GET /api/health": { summary: "Status, provider, streaming flag and version", answer: "json" },
  "GET /api/cases": { summary: "The catalog cases", answer: "json" },
  "GET /api/cases/:caseId": { summary: "One catalog case", answer: "json" },
  "GET /api/cases/:caseId/workflow/start/stream": {
    summary: "Start a workflow run over all stages, or resume one given a cursor",
    answer: "sse",
    query: RESUME,
  },
  "GET /api/cases/:caseId/workflow/stages/:stage/stream": {
    summary: "Start a run of one stage, or resume one given a cursor",
    answer: "sse",
    query: RESUME,
  },
  "POST /api/cases/:caseId/workflow/run": {
    summary: "Batch fallback: run the workflow and answer the whole result",
    body: WorkflowRunRequest,
    answer: "json",
  },
  "GET /api/workflows": { summary: "The workflows this server runs", answer: "json" },
  "POST /api/runs": {
    summary: "Start a run of a workflow over the caller's input",
    body: RunRequest,
    answer: "created",
  },
  "POST /api/runs/stream": {
    summary: "Start a run of a workflow and stream it on the POST",
    body: RunRequest,
    answer: "sse",
  },
  "POST /api/chat/messages": { summary: "Start a chat run", body: ChatRequest, answer: "created" },
  "POST /api/chat/stream": {
    summary: "Start a chat run and stream it on the POST",
    body: ChatRequest,
    answer: "sse",
  },
  "POST /api/chat": {
    summary: "Batch fallback: the whole reply",
    body: ChatRequest,
    answer: "json",
  },
  "GET /api/conversations/:id": { summary: "A conversation and its messages", answer: "json" },
  "GET /api/runs/:runId": { summary: "A run's status (polling fallback)", answer: "json" },
  "GET /api/runs/:runId/stream": {
    summary: "Attach to a run: resume or replay it (any number of viewers)",
    answer: "sse",
    query: { ...RESUME, pace: "Replay spaced as produced: `original` or a speed factor" },
  },
  "GET /api/runs/:runId/events": {
    summary: "Long-poll: the run's events after a cursor",
    answer: "json",
    result: EventsAnswer,
    query: { after: "Cursor `<runId>.<seq>`", wait: "Longest wait in ms (at most 25000)" },
  },
  "GET /api/runs/:runId/result": { summary: "A run's result", answer: "json" },
  "POST /api/runs/:runId/cancel": { summary: "Cancel a run", answer: "json" },
  "POST /api/runs/:runId/observers": {
    summary: "Grant a user read access to the run (owner only)",
    body: ObserverGrant,
    answer: "no-content",
  },
  "GET /api/runs/:runId/viewers": { summary: "Who is attached to the run now", answer: "json" },
  "GET /api/runs/:runId/audit": {
    summary: "The run's audit entries (the owner or an auditor)",
    answer: "json",
  },
  "GET /api/runs/:runId/export": {
    summary: "The run's record as one sealed JSON file (the owner or an auditor)",
    answer: "file",
  },
  "POST /api/stream-tickets": {
    summary: "A single-use ticket for a native EventSource",
    body: StreamTicketRequest,
    answer: "created",
  },
  "GET /api/audit": {
    summary: "The audit trail (role `auditor`)",
    answer: "ndjson",
    query: { runId: "Only this run", sub: "Only this user", since: "Epoch ms" },
  },
  "POST /api/demo/faults": { summary: "Demo: arm a fault for the next run", answer: "json" },
  "POST /api/demo/pace": { summary: "Demo: the scripted model's pace", answer: "json" },
  "POST /api/demo/streaming": { summary: "Demo: turn streaming on or off", answer: "json" },
};
