/**
 * The boundary between runs and models. A provider turns one completion request into a stream of
 * text deltas; runs re-chunk, log and fan them out. Providers never see HTTP or SSE.
 */
import type { ErrorCode, TokenUsage } from "../../protocol/events.ts";

/**
 * What a completion is for: a workflow stage's detailed analysis or summary, a chat reply, or a
 * recap of a long conversation's oldest turns (never shown, sent upstream in their place).
 */
export type CompletionPurpose = "analysis" | "summary" | "chat" | "recap";

/** One earlier turn of a conversation. */
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
}

/** One message of a prompt. */
export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The text of a finished stage, as a chat about its run sees it. */
export interface StageText {
  id: string;
  title: string;
  analysis: string;
  summary: string;
}

/**
 * One completion: the whole prompt, built by the run, which a real model is sent; and the
 * semantic inputs it was built from, which the scripted model writes its text from.
 */
export interface CompletionRequest {
  purpose: CompletionPurpose;
  /** The workflow stage's id, or `reply` for chat. */
  stage: string;
  messages: PromptMessage[];
  /** The stage's model, else the provider's own. */
  model?: string;
  temperature?: number;
  /** The most tokens the completion may write (`max_tokens` upstream). */
  maxTokens?: number;
  caseId?: string;
  /** Chat: earlier turns, then the new user message last. Empty for workflow stages. */
  history: ChatTurn[];
  /** Summary: the analysis text this stage just produced. */
  analysis?: string;
  /** Recap: the earlier recap that `history` is folded into. */
  recap?: string;
  /** Chat about a workflow run: that run's stages as they stand. */
  about?: StageText[];
  /** Aborting it must stop the upstream call at once. */
  signal: AbortSignal;
  /**
   * Called whenever the upstream shows it is alive without text: a keep-alive comment, an empty
   * or tool-call chunk. It counts as activity for the idle timeout, as a delta does.
   */
  onActivity?: () => void;
  /** Called with a completion's token counts when the upstream reports them. */
  onUsage?: (usage: TokenUsage) => void;
}

/** A piece of model output: `reasoning` (thinking deltas) or `answer` text. */
export interface ProviderDelta {
  channel: "reasoning" | "answer";
  text: string;
}

/** How the model finished when it did not fail. */
export type ProviderFinish = "stop" | "length";

/** A model backend. */
export interface LlmProvider {
  readonly name: "scripted" | "openai";
  /** Yields deltas as the model produces them and returns how it finished; throws ProviderError. */
  stream(request: CompletionRequest): AsyncGenerator<ProviderDelta, ProviderFinish, void>;
}

/** Upstream failure codes a provider may raise. */
export type ProviderErrorCode = Extract<
  ErrorCode,
  | "upstream_unavailable"
  | "upstream_timeout"
  | "upstream_error"
  | "rate_limited"
  | "content_filtered"
>;

/**
 * Why an `upstream_error` cannot succeed on a retry, when it cannot: the model service refused
 * the request (401, 403, 400), or the model asked to call tools, which this server never offers.
 */
export type ProviderFailureDetail = "refused" | "tool_calls";

/** What a provider failure says beyond its code. */
export interface ProviderErrorOptions {
  cause?: unknown;
  detail?: ProviderFailureDetail;
}

/** A sanitized provider failure: a code only, never upstream text, URLs, keys or stacks. */
export class ProviderError extends Error {
  override name = "ProviderError";
  readonly detail: ProviderFailureDetail | undefined;
  constructor(readonly code: ProviderErrorCode, options: ProviderErrorOptions = {}) {
    super(code, { cause: options.cause });
    this.detail = options.detail;
  }

  /** Whether the same request may succeed if asked again. */
  get retryable(): boolean {
    return this.code !== "content_filtered" && this.detail === undefined;
  }
}
