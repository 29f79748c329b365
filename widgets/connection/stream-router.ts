/**
 * Which transport carries a connection of the current work, and when to replace the connection:
 *
 * - Long-poll (DESIGN.md §10) once the run is known — its id came in a complete response (a chat
 *   POST, `attach`) or in the stream's `run_start` — when `transport="poll"` asks for it or the
 *   path was found to hold streams back. The same run goes on from the cursor: no gap, no
 *   duplicate. Before the run is known nothing can be polled, so the stream is read as it comes.
 * - When the page becomes visible again, or the browser comes back online, a connection that has
 *   been silent for `buffer-detect-ms` is replaced at once: a phone that froze a background tab
 *   often leaves its connection dead without a word, which `stall-ms` would take long to notice.
 *
 * The transport in use is reported to the sink at every connection and fallback.
 */
import * as z from "zod/mini";
import { formatCursor } from "../../protocol/events.ts";
import type {
  ConnectionSettings,
  ConnectionSink,
  StreamingTransport,
  TransportInUse,
  Work,
} from "./connection-types.ts";
import { requestHeaders, ticketedUrl } from "./credentials.ts";
import type { ConnectionEnvironment } from "./environment.ts";
import { LiveConnection } from "./live-connection.ts";
import { PathWatch } from "./path-watch.ts";
import { cursorOf, type RunPosition } from "./run-position.ts";
import type { StreamHandlers, StreamOutcome } from "./transport.ts";
import { apiBaseOf, runUrl } from "./urls.ts";
import type { WorkScope } from "./work-scope.ts";

/** Where and how the next connection reads. */
export interface Route {
  transport: StreamingTransport;
  url: string;
  cursor?: string;
}

/** What the router works with; all read at each use. */
export interface RouterOptions {
  settings(): ConnectionSettings;
  position(): RunPosition;
  sink: ConnectionSink;
  /** Closes the current connection and opens the next one now. */
  reconnect(): void;
}

/** A connection about to open, and how to open it: resolves with how it ended. */
export interface NextConnection {
  connection: LiveConnection;
  open(handlers: StreamHandlers): Promise<StreamOutcome>;
}

/** How far a run has got, from `GET /api/runs/:runId`. */
const RunReach = z.object({ lastSeq: z.int() });

/** Chooses the transport of each connection of one controller. */
export class StreamRouter {
  readonly #env: ConnectionEnvironment;
  readonly #scope: WorkScope;
  readonly #options: RouterOptions;
  readonly #path: PathWatch;
  #inUse?: TransportInUse;
  #connection?: LiveConnection;
  #apiBase = "";

  constructor(env: ConnectionEnvironment, scope: WorkScope, options: RouterOptions) {
    this.#env = env;
    this.#scope = scope;
    this.#options = options;
    this.#path = new PathWatch(env, {
      detectMs: () => options.settings().bufferDetectMs,
      delivered: () => options.position().seq,
      probe: () => this.#probe(),
      buffering: () => this.#reroute(),
    });
  }

  /** The next connection of `work` (`streamUrl`: where a chat run streams), on its route. */
  next(work: Work, streamUrl?: string): NextConnection {
    const settings = this.#options.settings();
    const { transport, url, cursor } = this.route(work, streamUrl);
    const connection = new LiveConnection(this.#env, { transport, stallMs: settings.stallMs });
    const observe = (handlers: StreamHandlers): StreamHandlers => ({
      ...handlers,
      open: () => {
        this.#heard(connection);
        handlers.open();
      },
      message: (message) => {
        this.#heard(connection);
        handlers.message(message);
        // The run may have just become known: `run_start` on a stream that is to be polled.
        if (connection === this.#connection && transport === "fetch") this.#reroute();
      },
    });
    return {
      connection,
      open: async (handlers) => {
        this.#connection = connection;
        this.use(transport);
        if (transport === "fetch") this.#path.watch();
        else this.#path.unwatch();
        try {
          const open = (request: { url: string; headers: Record<string, string> }) =>
            connection.open({ ...request, cursor }, observe(handlers));
          // Without a token the connection opens in this turn, as it always did.
          if (settings.token === undefined) return await open({ url, headers: settings.headers });
          const headers = await requestHeaders(settings);
          // EventSource sends no headers: a ticket in the URL stands for the token.
          return await open({
            url: transport === "eventsource"
              ? await ticketedUrl(this.#env.fetch, { url, cursor, headers })
              : url,
            headers,
          });
        } finally {
          if (connection === this.#connection) {
            this.#connection = undefined;
            this.#path.unwatch();
          }
        }
      },
    };
  }

  /** Where and how the next connection of `work` reads. */
  route(work: Work, streamUrl?: string): Route {
    const position = this.#options.position();
    const { transport } = this.#options.settings();
    this.#apiBase = work.kind === "chat" ? work.apiBase : apiBaseOf(work.url);
    if (position.runId !== undefined && this.#wantsPoll()) {
      return {
        transport: "poll",
        url: `${runUrl(this.#apiBase, position.runId)}/events`,
        cursor: formatCursor(position.runId, position.seq),
      };
    }
    return {
      transport: transport === "eventsource" ? "eventsource" : "fetch",
      url: work.kind === "chat" ? streamUrl! : work.url,
      cursor: cursorOf(position),
    };
  }

  /** Reports `transport` as the one in use (the view ignores a report that changes nothing). */
  use(transport: TransportInUse): void {
    this.#inUse = transport;
    this.#options.sink.transport(transport);
  }

  /** Hears the page come back (while the host is connected). */
  listen(): void {
    this.#env.document.addEventListener("visibilitychange", this.#wake);
    this.#env.window.addEventListener("online", this.#wake);
  }

  unlisten(): void {
    this.#env.document.removeEventListener("visibilitychange", this.#wake);
    this.#env.window.removeEventListener("online", this.#wake);
  }

  #wantsPoll(): boolean {
    const { transport } = this.#options.settings();
    return transport === "poll" || (transport === "fetch" && this.#path.buffered);
  }

  /** Moves a stream over the default transport to long-poll, once that is wanted and can be. */
  #reroute(): void {
    if (this.#inUse !== "fetch" || !this.#wantsPoll()) return;
    if (this.#options.position().runId !== undefined) this.#options.reconnect();
  }

  #heard(connection: LiveConnection): void {
    if (connection === this.#connection) this.#path.heard();
  }

  async #probe(): Promise<number | undefined> {
    const { runId } = this.#options.position();
    if (runId === undefined) return undefined;
    const outcome = await this.#scope.json(runUrl(this.#apiBase, runId));
    const reach = outcome?.type === "ok" ? RunReach.safeParse(outcome.body) : undefined;
    return reach?.success ? reach.data.lastSeq : undefined;
  }

  #wake = (): void => {
    const connection = this.#connection;
    if (!connection || this.#env.document.visibilityState === "hidden") return;
    if (connection.silentMs >= this.#options.settings().bufferDetectMs) this.#options.reconnect();
  };
}
