/** What every route needs: configuration, collaborators and the few runtime switches. */
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import type { LlmProvider } from "./providers/provider.ts";
import type { ScriptedFault } from "./providers/scripted.ts";
import type { RunRegistry } from "./runs/run-registry.ts";
import type { Run } from "./runs/run.ts";
import type { Clock } from "./runs/timers.ts";
import type { RateLimiter } from "./http/rate-limit.ts";
import type { SharedRuns } from "./runs/shared-runs.ts";
import type { Conversations } from "./storage/store.ts";

/** Switches the demo controls flip while the server runs. */
export interface RuntimeState {
  streamingEnabled: boolean;
  /** Demo fault armed for the next run started: its model fails, stalls or is rate limited. */
  pendingFault?: ScriptedFault;
  /** Demo fault armed for the next run: cut its first SSE response after this many characters. */
  pendingCut?: number;
  /** Runs whose first SSE response is to be cut, and after how many characters. */
  cuts: WeakMap<Run, number>;
}

/** The shared context of the routes. */
export interface AppContext {
  config: Config;
  provider: LlmProvider;
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
