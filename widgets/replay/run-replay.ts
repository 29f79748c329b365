import { ContextProvider } from "@lit/context";
import { html, LitElement, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import type { TokenSource } from "../connection/token-source.ts";
import { streamContext, type StreamContextValue } from "../context.ts";
import { defineOnce } from "../define-once.ts";
import { announce, type Announcement, renderLiveRegion, SILENT } from "../live-region.ts";
import { initialStreamState, type StreamState, viewOf } from "../state/stream-state.ts";
import type { ViewState } from "../state/view-state.ts";
import { themeStyles } from "../styles/theme.ts";
import { renderAudit, scrubberMove } from "./replay-parts.ts";
import { ReplayPlayer } from "./replay-player.ts";
import {
  type AuditLine,
  downloadRecord,
  loadAudit,
  loadEvents,
  ReplayLoadError,
} from "./replay-source.ts";
import {
  clockTime,
  elapsedTime,
  type ReplayStrings,
  resolveReplayStrings,
} from "./replay-strings.ts";
import { replayStyles } from "./replay-styles.ts";
import {
  eventsAt,
  type PlayStep,
  stateAfter,
  type Timeline,
  timelineOf,
} from "./replay-timeline.ts";

/** The speeds offered. */
const SPEEDS = [0.5, 1, 2, 4, 10, 20];

type Loading = "loading" | "ready" | "not_found" | "unavailable";

/**
 * Replays a recorded run for review: play, pause, speed and a scrubber to seek, while the panels
 * inside show exactly what they showed at that moment — the text of every event produced by then,
 * with the stage statuses of then — and, for the owner and auditors, who started, watched or
 * cancelled the run on the same timeline, with an export of the run's sealed record.
 *
 * @summary Replays a recorded run at any moment, with who was there and an export of the record.
 *
 * @slot - The panels (`<reasoning-panel>`, `<chat-stream>`) that show the run at the moment chosen.
 *
 * @csspart controls - The row of play, speed, scrubber, time and export.
 * @csspart play - The play/pause button.
 * @csspart speed - The speed choice.
 * @csspart scrubber - The slider that seeks (keyboard: arrows ±1 s, Page Up/Down ±10 s, Home, End).
 * @csspart track - The scrubber's track; `progress` its played part; `marker` an audit entry on it.
 * @csspart time - The moment shown: clock time and time into the run.
 * @csspart export - The button that downloads the run's sealed record.
 * @csspart audit - The audit view; `audit-entry` each entry, a button that seeks to it.
 * @csspart notice - Loading and load errors.
 *
 * @cssprop --stream-replay-track - The scrubber track's colour.
 */
export class RunReplay extends LitElement {
  static override styles = [themeStyles, replayStyles];

  /** The run to replay. */
  @property({ attribute: "run-id" })
  accessor runId = "";

  /** Where the API lives (default: this origin). */
  @property({ attribute: "api-base" })
  accessor apiBase = "";

  /** The signed-in user's bearer token, or a function returning one; read before each request. */
  @property({ attribute: false })
  accessor token: TokenSource | undefined;

  /** Replacements for the default English strings. */
  @property({ attribute: false })
  accessor strings: Partial<ReplayStrings> | undefined;

  /** The playing speed factor. */
  @property({ type: Number })
  accessor speed = 1;

  /** The moment shown, epoch ms (server time of the run's events). */
  @state()
  protected accessor time = 0;

  @state()
  protected accessor loading: Loading = "loading";

  @state()
  protected accessor audit: AuditLine[] | undefined;

  @state()
  protected accessor announcement: Announcement = SILENT;

  #timeline?: Timeline;
  /** The state at the moment shown and how many events it applied, to continue from on seeking. */
  #shown: { count: number; state: StreamState } = { count: 0, state: initialStreamState() };
  #generation = 0;
  readonly #player = new ReplayPlayer(this, {
    timeline: () => this.#timeline,
    time: () => this.time,
    factor: () => this.speed,
    moved: (step) => this.#moved(step),
  });
  readonly #context = new ContextProvider(this, {
    context: streamContext,
    initialValue: contextOf(viewOf(this.#shown.state)),
  });

  /** What the panels show now. */
  get view(): ViewState {
    return this.#context.value.view;
  }

  /** The run's timeline once loaded: its events and their first and last times. */
  get timeline(): Timeline | undefined {
    return this.#timeline;
  }

  /** Shows the run at `time` (epoch ms), kept within the run. */
  seek(time: number): void {
    const timeline = this.#timeline;
    if (!timeline) return;
    this.time = Math.min(Math.max(time, timeline.start), timeline.end);
    const count = eventsAt(timeline, this.time);
    if (count === this.#shown.count) return;
    this.#shown = { count, state: stateAfter(timeline, count, this.#shown) };
    this.#context.setValue(contextOf(viewOf(this.#shown.state)));
  }

  /** Plays from the moment shown at `speed`. */
  play(): void {
    this.#player.start();
  }

  /** Pauses at the moment shown. */
  pause(): void {
    this.#player.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("runId") || changed.has("apiBase")) void this.#load();
  }

  async #load(): Promise<void> {
    const generation = ++this.#generation;
    this.#player.stop();
    this.#timeline = undefined;
    this.loading = "loading";
    this.audit = undefined;
    if (!this.runId) return;
    const source = { apiBase: this.apiBase, runId: this.runId, token: this.token };
    try {
      const [events, audit] = await Promise.all([loadEvents(source), loadAudit(source)]);
      if (generation !== this.#generation) return;
      this.#timeline = timelineOf(events);
      this.audit = audit;
      this.loading = "ready";
      this.#shown = { count: 0, state: initialStreamState() };
      // A review opens on the run as it ended.
      this.seek(this.#timeline.end);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.loading = error instanceof ReplayLoadError && error.code === "not_found"
        ? "not_found"
        : "unavailable";
    }
  }

  #moved(step: PlayStep): void {
    this.seek(step.time);
    if (step.skippedMs !== undefined) {
      const strings = resolveReplayStrings(this.strings);
      this.announcement = announce(
        this.announcement,
        strings.silenceSkipped(Math.round(step.skippedMs / 1000)),
      );
    }
  }

  #onKey(event: KeyboardEvent): void {
    const to = this.#timeline && scrubberMove(event.key, this.time, this.#timeline);
    if (to === undefined) return;
    event.preventDefault();
    this.seek(to);
  }

  #onPointer(event: PointerEvent): void {
    if (event.type === "pointermove" && !event.buttons) return;
    const scrubber = event.currentTarget as HTMLElement;
    if (event.type === "pointerdown") scrubber.setPointerCapture?.(event.pointerId);
    const timeline = this.#timeline;
    if (!timeline) return;
    const box = scrubber.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    this.seek(timeline.start + fraction * (timeline.end - timeline.start));
  }

  async #export(): Promise<void> {
    const source = { apiBase: this.apiBase, runId: this.runId, token: this.token };
    if (await downloadRecord(source)) return;
    const { exportFailed } = resolveReplayStrings(this.strings);
    this.announcement = announce(this.announcement, exportFailed);
  }

  protected override render() {
    const strings = resolveReplayStrings(this.strings);
    const timeline = this.#timeline;
    if (this.loading !== "ready" || !timeline) {
      const notice = this.loading === "loading"
        ? strings.loading
        : this.loading === "not_found"
        ? strings.notFound
        : strings.unavailable;
      return html`<p part="notice" role=${
        this.loading === "loading" ? "status" : "alert"
      }>${notice}</p>`;
    }
    const span = Math.max(1, timeline.end - timeline.start);
    const at = (ts: number) => `${((ts - timeline.start) / span) * 100}%`;
    const moment = strings.moment(clockTime(this.time), elapsedTime(this.time - timeline.start));
    const playing = this.#player.playing;
    return html`
      <div part="controls">
        <button part="play" @click=${() => playing ? this.pause() : this.play()}>
          ${playing ? strings.pause : strings.play}
        </button>
        <label part="speed">${strings.speed}
          <select @change=${(e: Event) =>
            this.speed = Number((e.target as HTMLSelectElement).value)}>
            ${SPEEDS.map((factor) =>
              html`<option value=${factor} ?selected=${factor === this.speed}>${
                strings.factor(factor)
              }</option>`
            )}
          </select>
        </label>
        <div
          part="scrubber"
          role="slider"
          tabindex="0"
          aria-label=${strings.scrubber}
          aria-valuemin="0"
          aria-valuemax=${Math.round(timeline.end - timeline.start)}
          aria-valuenow=${Math.round(this.time - timeline.start)}
          aria-valuetext=${moment}
          @keydown=${this.#onKey}
          @pointerdown=${this.#onPointer}
          @pointermove=${this.#onPointer}
        >
          <div part="track">
            <div part="progress" style="width: ${at(this.time)}"></div>
            ${(this.audit ?? []).filter((e) => e.ts >= timeline.start && e.ts <= timeline.end).map(
              (entry) => html`<span part="marker" style="left: ${at(entry.ts)}"></span>`,
            )}
          </div>
        </div>
        <span part="time">${moment}</span>
        ${this.audit
          ? html`<button part="export" @click=${() =>
            this.#export()}>${strings.exportRecord}</button>`
          : nothing}
      </div>
      <div class="body ${this.audit ? "with-audit" : ""}">
        <div><slot></slot></div>
        ${this.audit
          ? renderAudit(this.audit, { time: this.time, strings, seek: (ts) => this.seek(ts) })
          : nothing}
      </div>
      ${renderLiveRegion(this.announcement)}
    `;
  }
}

/** The context of a replay: read-only, whatever the caller's access, so no Stop, Retry or composer. */
function contextOf(view: ViewState): StreamContextValue {
  return {
    view: { ...view, access: "observer" },
    viewers: [],
    send: () => {},
    cancel: () => Promise.resolve(),
    retry: () => {},
  };
}

defineOnce("run-replay", RunReplay);

declare global {
  interface HTMLElementTagNameMap {
    "run-replay": RunReplay;
  }
}
