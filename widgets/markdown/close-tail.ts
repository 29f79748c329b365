/**
 * Temporary closing of the streaming tail, so that unfinished syntax renders as what it is about
 * to become instead of flashing as literal markup: an open code span or `**` is closed, a half-typed
 * link shows its text, a table row waits for its divider, a half-typed closing fence or setext
 * underline waits, and an emoji sequence waits for its last part. Pure; the text itself is never
 * changed, only the copy that is rendered.
 *
 * Emphasis is closed the same way in finished text (`closeEmphasis`), so that a `**` the model
 * never closed reads the same while it streams and once it is done.
 */

type Delimiter = "**" | "__" | "~~" | "*" | "_";

const DELIMITER_RUN = /\\.|`+|\*+|_+|~~+/g;
const OPEN_FENCE = /^(?:[ \t]*(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])[ \t]+))*[ \t]*(`{3,}|~{3,})/;
const ANY_FENCE = /^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*(?:`{3,}|~{3,})/m;
const PARTIAL_LINK = /!?\[([^[\]\n]*)(?:\]\([^)\n]*)?$/;
const PARTIAL_UNDERLINE = /(?:^|\n) {0,3}(?:=+|-+)[ \t]*$/;
const TABLE_ROW = /^ {0,3}\|/;
const TABLE_DIVIDER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/** A line that starts its own inline context: emphasis never spans past it. */
const SEGMENT_START = /^ {0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|#{1,6}(?:[ \t]|$)|>|\|)/;
/** Characters after which an emoji sequence may go on (a joiner, a flag's first half, …). */
const MAY_CONTINUE =
  /[\p{Extended_Pictographic}\p{Regional_Indicator}\u200D\uFE0F\u20E3]|[\uD800-\uDBFF]$/u;

/** The tail as it should render while more text may follow. */
export function closeTail(tail: string): string {
  const whole = withoutOpenGrapheme(tail);
  if (endsInsideFence(whole)) return withoutPartialClosingFence(whole);
  const paragraphStart = whole.lastIndexOf("\n\n") + 1;
  const head = whole.slice(0, paragraphStart);
  let paragraph = whole.slice(paragraphStart);
  if (!paragraph.endsWith("\n")) paragraph = paragraph.replace(PARTIAL_UNDERLINE, "");
  paragraph = withoutWaitingTableRows(paragraph).replace(PARTIAL_LINK, "$1");
  return closeEmphasis(head) + closeSegments(paragraph, true);
}

/** Finished text with emphasis the model opened and never closed closed at its line's end. */
export function closeEmphasis(text: string): string {
  if (ANY_FENCE.test(text)) return text;
  return text.split(/(?<=\n[ \t]*\n)/).map((part) => closeSegments(part, false)).join("");
}

/**
 * Holds back the last grapheme cluster while it may still grow: the next chunk may join another
 * emoji to it, complete a flag or add a presentation selector.
 */
function withoutOpenGrapheme(text: string): string {
  if (text === "" || !MAY_CONTINUE.test(text.slice(-2))) return text;
  const recent = text.slice(-32);
  const last = [...new Intl.Segmenter().segment(recent)].at(-1)!;
  return text.slice(0, text.length - recent.length + last.index);
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

/** A last line of only backticks or tildes may be a closing fence arriving: it is not code. */
function withoutPartialClosingFence(tail: string): string {
  return tail.replace(/(?<=^|\n)[ \t]*(?:`+|~+)$/, "");
}

/**
 * Table rows at the end of the paragraph that are not a table yet: a row still being written, and
 * a header row whose divider has not arrived. Rows that turned out not to be a table are kept.
 */
function withoutWaitingTableRows(paragraph: string): string {
  const lines = paragraph.split("\n");
  const partial = lines.pop()!;
  if (partial !== "" && !TABLE_ROW.test(partial)) return paragraph;
  let first = lines.length;
  while (first > 0 && TABLE_ROW.test(lines[first - 1])) first--;
  const rows = lines.length - first;
  const waiting = rows === 1 || (rows === 0 && partial !== "");
  const keep = waiting ? lines.slice(0, first) : lines;
  if (!waiting && rows >= 2 && !TABLE_DIVIDER.test(lines[first + 1])) return paragraph;
  return keep.length === 0 ? "" : keep.join("\n") + (waiting || partial !== "" ? "\n" : "");
}

/** Closes each inline context (a paragraph, a list item, a heading) of `text` at its end. */
function closeSegments(text: string, streaming: boolean): string {
  const lines = text.split("\n");
  const segments: string[][] = [];
  for (const line of lines) {
    if (segments.length === 0 || SEGMENT_START.test(line)) segments.push([line]);
    else segments.at(-1)!.push(line);
  }
  return segments.map((segment, index) => {
    const source = segment.join("\n");
    const last = index === segments.length - 1;
    return closeInline(source, { streaming: streaming && last });
  }).join("\n");
}

/**
 * Closes an open code span (while streaming), or else the open emphasis, in the order it was
 * opened. A delimiter with nothing after it yet is dropped while streaming and literal once done.
 */
function closeInline(segment: string, { streaming }: { streaming: boolean }): string {
  const end = segment.length - (segment.length - segment.trimEnd().length);
  const open: { delimiter: Delimiter; start: number; end: number }[] = [];
  let code: { run: string; start: number } | undefined;
  for (const match of segment.matchAll(DELIMITER_RUN)) {
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
    const runEnd = match.index + run.length;
    const before = segment[match.index - 1] ?? "\n";
    const after = segment[runEnd] ?? "";
    const canClose = !/\s/.test(before);
    // Per CommonMark a run before a space opens nothing; only a run after a space or punctuation
    // is taken to open here, so that `5*3` and snake_case stay literal.
    const canOpen = after === "" || !/\s/.test(after);
    const opensWord = /[\s\p{P}\p{S}]/u.test(before);
    for (const delimiter of splitRun(run)) {
      const at = open.findLastIndex((entry) => entry.delimiter === delimiter);
      if (at !== -1 && canClose) open.length = at;
      else if (canOpen && opensWord) open.push({ delimiter, start: match.index, end: runEnd });
    }
  }
  if (code) {
    if (!streaming) return segment;
    const dangling = code.start + code.run.length === segment.length;
    return dangling ? segment.slice(0, code.start) : segment + code.run;
  }
  let text = segment.slice(0, end);
  while (open.length > 0 && open[open.length - 1].end >= text.length) {
    if (!streaming) return segment;
    text = text.slice(0, open.pop()!.start).trimEnd();
  }
  if (open.length === 0) return streaming ? text : segment;
  return text + open.map((entry) => entry.delimiter).reverse().join("") + segment.slice(end);
}

/** `***` opens both strong and emphasis; longer runs read as strong pairs. */
function splitRun(run: string): Delimiter[] {
  if (run[0] === "~") return ["~~"];
  const delimiters: Delimiter[] = Array(Math.floor(run.length / 2)).fill(run.slice(0, 2));
  if (run.length % 2 === 1) delimiters.push(run[0] as Delimiter);
  return delimiters;
}
