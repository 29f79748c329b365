/** Reading one chat.completion.chunk defensively: OpenAI-compatible servers vary. */
import { type ProviderDelta, ProviderError } from "./provider.ts";

/** The deltas and finish reason of one chunk; throws `upstream_error` on a malformed chunk. */
export function readChunk(chunk: unknown): { deltas: ProviderDelta[]; finish: string | null } {
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) throw new ProviderError("upstream_error");
  const deltas: ProviderDelta[] = [];
  let finish: string | null = null;
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
    if (reasoning) deltas.push({ channel: "reasoning", text: reasoning });
    if (content) deltas.push({ channel: "answer", text: content });
    const reason = choice.finish_reason;
    if (reason !== undefined && reason !== null && typeof reason !== "string") {
      throw new ProviderError("upstream_error");
    }
    finish = reason ?? finish;
  }
  return { deltas, finish };
}

function optionalText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ProviderError("upstream_error");
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
