/**
 * The scripted model's answer to a question about a workflow run: the lines of the run's own
 * stage texts that share the question's rarest words, quoted by stage, so an offline follow-up
 * reads like a model that read the analysis.
 */
import type { StageText } from "./provider.ts";
import type { ChatReply } from "./scripted-chat.ts";

/** Words too common to find anything by. */
const COMMON = new Set(
  ("a an and are can could did do does for from give had has have he her him his how is it its " +
    "me my of on or our she should tell that the their them there they this to was we were what " +
    "when where which who why will with would you your about any into than then these those " +
    "patient case please now").split(" "),
);
/** At most this many lines are quoted. */
const MAX_LINES = 3;

/** The reply quoting the run's lines that answer `question`, or `undefined` when none does. */
export function followUpReply(
  question: string,
  stages: readonly StageText[],
): ChatReply | undefined {
  const words = keywords(question);
  const named = new Set(namedTerms(question));
  const lines = stages.flatMap((stage) =>
    [stage.analysis, stage.summary].flatMap((text) =>
      text.split("\n").map(clean).filter((line) => line.length > 0).map((line) => ({
        stage,
        line,
      }))
    )
  );
  // A word found on fewer lines tells more about which line answers; a named term (an acronym such
  // as GRACE or eGFR) tells more than any plain word.
  const weight = new Map(
    words.map((word) => [
      word,
      (named.has(word) ? 3 : 1) / Math.max(1, lines.filter((l) => has(l.line, word)).length),
    ]),
  );
  const scored = lines
    .map((entry, index) => ({
      ...entry,
      index,
      score: words.reduce((sum, word) => sum + (has(entry.line, word) ? weight.get(word)! : 0), 0),
    }))
    .filter((entry) => entry.score > 0);
  if (scored.length === 0) return undefined;
  const best = Math.max(...scored.map((entry) => entry.score));
  const chosen = scored.filter((entry) => entry.score >= best / 2)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_LINES)
    // Quoted in the order the run wrote them.
    .sort((a, b) => a.index - b.index);
  const titles = [...new Set(chosen.map((entry) => entry.stage.title))];
  const quoted = titles.flatMap((title) => [
    `From the **${title}** stage of this analysis:`,
    "",
    ...chosen.filter((entry) => entry.stage.title === title).map((entry) => `- ${entry.line}`),
    "",
  ]);
  return {
    reasoning: `The question asks about ${
      words.map((word) => `"${word}"`).join(", ")
    }. Searching the ${stages.length} stages of this run's results: the answer is in ${
      titles.join(" and ")
    }.`,
    answer: [...quoted, "These come straight from the results above; check them against the chart."]
      .join("\n"),
  };
}

/** The question's words worth searching for, lower case, in order, once each. */
function keywords(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}-]*/gu) ?? [];
  return [...new Set(words.filter((word) => word.length > 2 && !COMMON.has(word)))];
}

/** The question's acronyms and other words written with capitals inside, lower case. */
function namedTerms(question: string): string[] {
  const words = question.match(/[\p{L}\p{N}][\p{L}\p{N}-]*/gu) ?? [];
  return words.filter((word) => /\p{Lu}/u.test(word.slice(1))).map((word) => word.toLowerCase());
}

/**
 * A line as plain text: without its list, heading or quote marker; a table row as its cells joined
 * by " · ", and a table's separator row as nothing.
 */
function clean(line: string): string {
  const text = line.trim();
  if (text.startsWith("|")) {
    const cells = text.split("|").map((cell) => cell.trim()).filter((cell) => cell !== "");
    return cells.every((cell) => /^:?-+:?$/.test(cell)) ? "" : cells.join(" · ");
  }
  return text.replace(/^(?:[-*>]|#{1,6}|\d+\.)\s*/, "").trim();
}

/** Whether a line has the word at a word start (`score` finds "scores", not "underscore"). */
function has(line: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${escaped}`, "iu").test(line);
}
