/**
 * What a chat message sends upstream: the newest turns of the conversation that fit
 * HISTORY_MAX_CHARS, then the message. A message that repeats the conversation's last user message
 * while that one has no complete reply is a retry of it: it is not stored again, and the failed
 * reply is not sent to the model.
 */
import type { ChatTurn } from "../providers/provider.ts";
import type { StoredMessage } from "../storage/store.ts";

/** The turns for the model, the stored user message a retry repeats, and the messages before. */
export interface ChatTurns {
  history: ChatTurn[];
  retryOf?: StoredMessage;
  earlier: readonly StoredMessage[];
}

/** Builds the turns for `message` after `messages`, keeping at most `maxChars` of earlier text. */
export function chatTurns(
  messages: readonly StoredMessage[],
  message: string,
  { maxChars }: { maxChars: number },
): ChatTurns {
  const retryOf = retried(messages, message);
  const earlier = retryOf ? messages.slice(0, messages.indexOf(retryOf)) : messages;
  const kept: ChatTurn[] = [];
  let chars = 0;
  // Newest first, stopping at the first turn that does not fit: the window stays contiguous.
  for (let index = earlier.length - 1; index >= 0; index--) {
    const { role, content } = earlier[index];
    if (content === "") continue;
    if (chars + content.length > maxChars) break;
    chars += content.length;
    kept.unshift({ role, content });
  }
  return {
    history: [...kept, { role: "user", content: message }],
    ...(retryOf ? { retryOf } : {}),
    earlier,
  };
}

/** The last user message, when `message` repeats it and no complete reply followed it. */
function retried(messages: readonly StoredMessage[], message: string): StoredMessage | undefined {
  const index = messages.findLastIndex((m) => m.role === "user");
  const last = messages[index];
  if (last?.content !== message) return undefined;
  const answered = messages.slice(index + 1).some((m) => m.status === "complete");
  return answered ? undefined : last;
}
