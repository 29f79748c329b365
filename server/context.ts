/** What every route needs: configuration, collaborators and the few runtime switches. */
import type { AuthServices } from "./auth/auth-services.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { LlmProvider } from "./providers/provider.ts";
import type { RunRegistry } from "./runs/run-registry.ts";
import type { Clock } from "./runs/timers.ts";
import type { RateLimiter } from "./http/rate-limit.ts";
import type { ClientSlots } from "./http/client-slots.ts";
import type { SharedRuns } from "./runs/shared-runs.ts";
import type { Conversations } from "./storage/store.ts";
import type { Summaries } from "./storage/summaries.ts";
import type { CaseCatalog } from "./cases/cases.ts";
import type { WorkflowCatalog } from "./workflows/catalog.ts";
import type { RunEndListener } from "./webhooks/webhook-sender.ts";

/** Switches that may flip while the server runs. */
export interface RuntimeState {
  /** The streaming feature flag (STREAMING_ENABLED). */
  streamingEnabled: boolean;
}

/** The shared context of the routes. */
export interface AppContext {
  config: Config;
  provider: LlmProvider;
  /** The model a run being started talks to: `provider`, unless a layer around the app says so. */
  modelForRun: () => LlmProvider;
  conversations: Conversations;
  /** Recaps of long conversations' oldest turns, cached with each conversation. */
  summaries: Summaries;
  /** Where runs and conversations live: this process and SQLite, or Redis. */
  storage: "sqlite" | "redis";
  /** The run log shared with other instances (Redis); absent in the embedded default. */
  shared?: SharedRuns;
  registry: RunRegistry;
  clock: Clock;
  newId: () => string;
  log: Logger;
  limiter: RateLimiter;
  /** Per-client caps: SSE responses open (MAX_VIEWERS_PER_CLIENT), runs in flight (MAX_RUNS_PER_CLIENT). */
  caps: { viewers: ClientSlots; runs: ClientSlots };
  /** Identity and access (DESIGN.md §8): the token verifier, grants, audit, tickets, presence. */
  auth: AuthServices;
  state: RuntimeState;
  /** The workflows runs are made of (DESIGN.md §9). */
  workflows: WorkflowCatalog;
  /** The cases the catalog endpoints run the default workflow over. */
  cases: CaseCatalog;
  /** Told of every run's end, to post its result (WEBHOOK_URL); absent when not configured. */
  webhooks?: RunEndListener;
  /** Project root: `demo/` and `dist/` are served from it. */
  root: string;
  version: string;
}
