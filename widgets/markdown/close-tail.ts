/**
 * Temporary closing of the streaming tail, so that unfinished syntax renders as what it is about
 * to become instead of flashing as literal markup: an open code span or `**` is closed, a half-typed
 * link shows its text, a half-typed table row or setext underline waits. Pure; the text itself is
 * never changed, only the copy that is rendered while the tail streams.
 */

type Delimiter = "**" | "__" | "~~" | "*" | "_";

const DELIMITER_RUN = /\\.|`+|\*+|_+|~~+/g;
const OPEN_FENCE = /^(?:[ \t]*(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])[ \t]+))*[ \t]*(`{3,}|~{3,})/;
const PARTIAL_LINK = /!?\[([^[\]\n]*)(?:\]\([^)\n]*)?$/;
const PARTIAL_TABLE_ROW_OR_UNDERLINE = /(?:^|\n)(?: {0,3}\|[^\n]*| {0,3}(?:=+|-+)[ \t]*)$/;

/** The tail as it should render while more text may follow. */
export function closeTail(tail: string): string {
  if (endsInsideFence(tail)) return tail;
  const paragraphStart = tail.lastIndexOf("\n\n") + 1;
  const head = tail.slice(0, paragraphStart);
  let paragraph = tail.slice(paragraphStart);
  if (!paragraph.endsWith("\n")) {
    paragraph = paragraph.replace(PARTIAL_TABLE_ROW_OR_UNDERLINE, "");
  }
  return head + closeInline(paragraph.replace(PARTIAL_LINK, "$1"));
}

/** Whether the tail ends inside a fenced code block (the lexer already renders that as code). */
function endsInsideFence(tail: string): boolean {
  let open: string | undefined;
  for (const line of tail.split("\n")) {
    const match = OPEN_FENCE.exec(line);
    if (!match) continue;
    const run = match[1];
    if (open === undefined) open = run;
    else if (run[0] === open[0] && run.length >= open.length && line.trim() === run) {
      open = undefined;
    }
  }
  return open !== undefined;
}

/** Closes an open code span, or else the open emphasis, in the order it was opened. */
function closeInline(paragraph: string): string {
  const open: { delimiter: Delimiter; start: number; end: number }[] = [];
  let code: { run: string; start: number } | undefined;
  for (const match of paragraph.matchAll(DELIMITER_RUN)) {
    const run = match[0];
    if (code) {
      if (run === code.run) code = undefined;
      continue;
    }
    if (run[0] === "\\") continue;
    if (run[0] === "`") {
      code = { run, start: match.index };
      continue;
    }
    const end = match.index + run.length;
    const before = paragraph[match.index - 1] ?? "\n";
    const after = paragraph[end] ?? "";
    // Per CommonMark, `_` inside a word is literal (snake_case), and a run before a space opens nothing.
    if (run[0] === "_" && /\w/.test(before) && /\w/.test(after)) continue;
    const canClose = !/\s/.test(before);
    const canOpen = after === "" || !/\s/.test(after);
    for (const delimiter of splitRun(run)) {
      const at = open.findLastIndex((entry) => entry.delimiter === delimiter);
      if (at !== -1 && canClose) open.length = at;
      else if (canOpen) open.push({ delimiter, start: match.index, end });
    }
  }
  if (code) {
    const dangling = code.start + code.run.length === paragraph.length;
    return dangling ? paragraph.slice(0, code.start) : paragraph + code.run;
  }
  let text = paragraph.trimEnd();
  // A delimiter with nothing after it yet is dropped rather than closed around nothing.
  while (open.length > 0 && open[open.length - 1].end >= text.length) {
    text = text.slice(0, open.pop()!.start).trimEnd();
  }
  return text + open.map((entry) => entry.delimiter).reverse().join("");
}

/** `***` opens both strong and emphasis; longer runs read as strong pairs. */
function splitRun(run: string): Delimiter[] {
  if (run[0] === "~") return ["~~"];
  const delimiters: Delimiter[] = Array(Math.floor(run.length / 2)).fill(run.slice(0, 2));
  if (run.length % 2 === 1) delimiters.push(run[0] as Delimiter);
  return delimiters;
}
