/** What every route needs: configuration, collaborators and the few runtime switches. */
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { LlmProvider } from "./providers/provider.ts";
import type { RunRegistry } from "./runs/run-registry.ts";
import type { Clock } from "./runs/timers.ts";
import type { RateLimiter } from "./http/rate-limit.ts";
import type { SharedRuns } from "./runs/shared-runs.ts";
import type { Conversations } from "./storage/store.ts";

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
  /** Where runs and conversations live: this process and SQLite, or Redis. */
  storage: "sqlite" | "redis";
  /** The run log shared with other instances (Redis); absent in the embedded default. */
  shared?: SharedRuns;
  registry: RunRegistry;
  clock: Clock;
  newId: () => string;
  log: Logger;
  limiter: RateLimiter;
  state: RuntimeState;
  /** Project root: `demo/` and `dist/` are served from it. */
  root: string;
  version: string;
}
