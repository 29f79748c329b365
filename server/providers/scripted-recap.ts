/**
 * The scripted model's recap of a conversation's oldest turns: the earlier recap's lines, then one
 * line per question the clinician asked, oldest first, within the requested length. Offline and
 * deterministic, like the rest of the scripted model.
 */
import type { CompletionRequest } from "./provider.ts";

const HEADING = "Earlier in this conversation:";
/** Words of each question kept: enough to recognise it. */
const QUESTION_WORDS = 16;

/** The recap text for `request` (`history`: the turns to fold into `recap`). */
export function scriptedRecap(
  request: Pick<CompletionRequest, "history" | "recap" | "maxTokens">,
): string {
  const earlier = request.recap?.split("\n").filter((line) => line.startsWith("- ")) ?? [];
  const asked = request.history.filter((turn) => turn.role === "user").map((turn) => {
    const words = turn.content.split(/\s+/).filter((word) => word !== "");
    const shown = words.slice(0, QUESTION_WORDS).join(" ");
    return `- Asked: ${shown}${words.length > QUESTION_WORDS ? " …" : ""}`;
  });
  const lines = [HEADING, ...earlier, ...asked];
  // About four characters a token: the oldest lines stay when the recap must be shortened.
  const limit = (request.maxTokens ?? Infinity) * 4;
  let text = lines[0];
  for (const line of lines.slice(1)) {
    if (text.length + 1 + line.length > limit) break;
    text += `\n${line}`;
  }
  return text;
}
