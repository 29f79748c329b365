import "../../widgets/reasoning-panel.ts";
import type { ReasoningPanel } from "../../widgets/reasoning-panel.ts";
import { assert, assertEqual, mount, type Mounted, section, shadow, view } from "./view-fixture.ts";

let mounted: Mounted<ReasoningPanel> | undefined;
afterEach(() => mounted?.remove());

/** About 10 KB of varied markdown blocks. */
function batch(n: number): string {
  const blocks: string[] = [];
  for (let i = 0; blocks.join("").length < 10_000; i++) {
    blocks.push(
      `## Finding ${n}.${i}\n\n`,
      `The value **${i}** is within range; see \`lab-${i}\` for the trend over time.\n\n`,
      `- first point ${i}\n- second point\n\n`,
    );
  }
  return blocks.join("");
}

const streaming = (text: string) =>
  view({
    status: "streaming",
    sections: { reasoning: [section("plan", { status: "streaming", text })], chat: [] },
  });

describe("markdown rendering of a long answer", () => {
  it("keeps early blocks' DOM nodes and touches only the open tail after 1 MB", async () => {
    let text = "# Report\n\nOpening paragraph.\n\n";
    mounted = await mount("reasoning-panel", streaming(text));
    const content = () => shadow(mounted!.element).querySelector('[part~="content"]')!;
    const title = content().querySelector("h1");
    assert(title, "the first block rendered");

    for (let n = 0; text.length < 1_000_000; n++) {
      text += batch(n);
      await mounted.setView(streaming(text));
    }
    text += "A paragraph still being writ";
    await mounted.setView(streaming(text));
    assert(
      content().querySelector("h1") === title,
      "the first block is the same DOM node after 1 MB",
    );
    assert(title.isConnected, "and still in the document");

    const tail = content().querySelector(".tail")!;
    const touched: Node[] = [];
    const observer = new MutationObserver((records) =>
      touched.push(...records.map((r) => r.target))
    );
    observer.observe(content(), {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    const started = performance.now();
    text += "ten more";
    await mounted.setView(streaming(text));
    const elapsed = performance.now() - started;
    observer.takeRecords().forEach((r) => touched.push(r.target));
    observer.disconnect();

    assert(touched.length > 0, "the update changed the tail");
    assertEqual(
      touched.filter((node) => !tail.contains(node)).length,
      0,
      "mutations outside the tail",
    );
    assertEqual(
      content().querySelector(".tail p")?.textContent,
      "A paragraph still being written more",
    );
    console.log(
      `update after ${(text.length / 1e6).toFixed(2)} MB: ${
        elapsed.toFixed(1)
      } ms (incl. one frame)`,
    );
  });
});
