/**
 * Per-client caps on things held open (SSE responses, runs in flight): a count per client key,
 * taken and given back. A client with nothing held has no entry, so the map stays as small as
 * the set of clients holding something.
 */

/** A slot taken; `release` gives it back (once, however often it is called). */
export type Release = () => void;

/** Counts held per client, at most `limit` each. */
export function createClientSlots(limit: number) {
  const held = new Map<string, number>();
  return {
    /** Takes a slot for `client`; undefined when it already holds `limit`. */
    take(client: string): Release | undefined {
      const count = held.get(client) ?? 0;
      if (count >= limit) return undefined;
      held.set(client, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(client) ?? 1) - 1;
        if (left === 0) held.delete(client);
        else held.set(client, left);
      };
    },
    /** Slots `client` holds now. */
    heldBy(client: string): number {
      return held.get(client) ?? 0;
    },
    /** Clients holding at least one slot. */
    get clients(): number {
      return held.size;
    },
  };
}

/** Per-client slots. */
export type ClientSlots = ReturnType<typeof createClientSlots>;
