/** Reading one chat.completion.chunk defensively: OpenAI-compatible servers vary. */
import { type ProviderDelta, ProviderError } from "./provider.ts";

/** What one chunk holds: text deltas, a finish reason, and whether it asks to call tools. */
export interface ReadChunk {
  deltas: ProviderDelta[];
  finish: string | null;
  toolCalls: boolean;
}

/**
 * The deltas and finish reason of one chunk; throws `upstream_error` on a malformed chunk. A chunk
 * without `choices` (Azure's `prompt_filter_results`, a usage chunk) carries no text.
 */
export function readChunk(chunk: unknown): ReadChunk {
  if (!isRecord(chunk)) throw new ProviderError("upstream_error");
  const deltas: ProviderDelta[] = [];
  let finish: string | null = null;
  let toolCalls = false;
  if (chunk.choices === undefined) return { deltas, finish, toolCalls };
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
    if (tools !== undefined && tools !== null) toolCalls = true;
    const reason = choice.finish_reason;
    if (reason !== undefined && reason !== null && typeof reason !== "string") {
      throw new ProviderError("upstream_error");
    }
    finish = reason ?? finish;
  }
  return { deltas, finish, toolCalls };
}

function optionalText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ProviderError("upstream_error");
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
