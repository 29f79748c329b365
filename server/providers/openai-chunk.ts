/** Reading one chat.completion.chunk defensively: OpenAI-compatible servers vary. */
import type { TokenUsage } from "../../protocol/events.ts";
import { type ProviderDelta, ProviderError } from "./provider.ts";

/** What one chunk holds: text deltas, a finish reason, and whether it asks to call tools. */
export interface ReadChunk {
  deltas: ProviderDelta[];
  finish: string | null;
  toolCalls: boolean;
  /** The completion's token counts, sent in a chunk of its own when asked for. */
  usage?: TokenUsage;
}

/**
 * The deltas and finish reason of one chunk; throws `upstream_error` on a malformed chunk. A chunk
 * without `choices` (Azure's `prompt_filter_results`, a usage chunk) carries no text.
 */
export function readChunk(chunk: unknown): ReadChunk {
  if (!isRecord(chunk)) throw new ProviderError("upstream_error");
  const deltas: ProviderDelta[] = [];
  const usage = usageOf(chunk.usage);
  const read: ReadChunk = { deltas, finish: null, toolCalls: false, ...(usage ? { usage } : {}) };
  if (chunk.choices === undefined) return read;
  if (!Array.isArray(chunk.choices)) throw new ProviderError("upstream_error");
  for (const choice of chunk.choices) {
    if (!isRecord(choice)) throw new ProviderError("upstream_error");
    // Only one completion is requested; other indices would be a server quirk, not our text.
    if (choice.index !== undefined && choice.index !== 0) continue;
    const delta = choice.delta ?? {};
    if (!isRecord(delta)) throw new ProviderError("upstream_error");
    // Servers name thinking deltas `reasoning_content` (DeepSeek, vLLM) or `reasoning`
    // (OpenRouter, Ollama); some send both with the same text, so take one.
    const reasoning = optionalText(delta.reasoning_content) || optionalText(delta.reasoning);
    const content = optionalText(delta.content);
    // A refusal is the model's answer, in its own field (OpenAI's structured outputs).
    const refusal = optionalText(delta.refusal);
    if (reasoning) deltas.push({ channel: "reasoning", text: reasoning });
    if (content) deltas.push({ channel: "answer", text: content });
    if (refusal) deltas.push({ channel: "answer", text: refusal });
    const tools = delta.tool_calls ?? delta.function_call;
    if (tools !== undefined && tools !== null) read.toolCalls = true;
    const reason = choice.finish_reason;
    if (reason !== undefined && reason !== null && typeof reason !== "string") {
      throw new ProviderError("upstream_error");
    }
    read.finish = reason ?? read.finish;
  }
  return read;
}

/**
 * Token counts as OpenAI names them; counts a server reports in another shape are left out
 * rather than failing an answer that arrived whole.
 */
function usageOf(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const { prompt_tokens: input, completion_tokens: output } = value;
  if (!Number.isSafeInteger(input) || !Number.isSafeInteger(output)) return undefined;
  if ((input as number) < 0 || (output as number) < 0) return undefined;
  return { inputTokens: input as number, outputTokens: output as number };
}

function optionalText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ProviderError("upstream_error");
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
