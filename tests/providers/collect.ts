/** Drains a provider stream for tests. */
import type { ProviderDelta, ProviderFinish } from "../../server/providers/provider.ts";

/** Everything a stream produced: its deltas, and how it ended. */
export interface Collected {
  deltas: ProviderDelta[];
  finish?: ProviderFinish;
  error?: unknown;
}

/** Reads a stream to its end, catching the error it ends with. */
export async function collect(
  stream: AsyncGenerator<ProviderDelta, ProviderFinish, void>,
): Promise<Collected> {
  const deltas: ProviderDelta[] = [];
  try {
    for (;;) {
      const next = await stream.next();
      if (next.done) return { deltas, finish: next.value };
      deltas.push(next.value);
    }
  } catch (error) {
    return { deltas, error };
  }
}

/** The concatenated text of one channel. */
export function textOf(deltas: ProviderDelta[], channel: ProviderDelta["channel"]): string {
  return deltas.filter((delta) => delta.channel === channel).map((delta) => delta.text).join("");
}
