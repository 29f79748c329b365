// Summaries of V8 CPU profiles (.cpuprofile), shared by the server profile and the page profile.

/**
 * Self time by function and by file, and inclusive time of the functions whose URL matches
 * `ours`, in ms and as a share of busy (non-idle) time, largest first.
 */
export function summarizeProfile(profile, { ours = /./, strip = /^$/ } = {}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  );
  // Regular expressions show up under their whole source: kept short.
  const name = ({ functionName, url, lineNumber }) =>
    `${(functionName || "(anonymous)").slice(0, 60)} ${url.replace(strip, "")}${
      url ? `:${lineNumber + 1}` : ""
    }`;
  const fns = new Map();
  const files = new Map();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === "(idle)") continue;
    busyUs += us;
    const file = frame.url.replace(strip, "") || "(native)";
    fns.set(name(frame), (fns.get(name(frame)) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  // Inclusive time: a function that recurses into itself is counted once per stack.
  const totalUs = new Map();
  const total = (id) => {
    let us = selfUs.get(id) ?? 0;
    for (const child of byId.get(id).children ?? []) us += total(child);
    totalUs.set(id, us);
    return us;
  };
  total(profile.nodes[0].id);
  const inclusive = new Map();
  const walk = (id, open) => {
    const frame = byId.get(id).callFrame;
    const key = name(frame);
    const counted = ours.test(frame.url) && !open.has(key);
    if (counted) {
      inclusive.set(key, (inclusive.get(key) ?? 0) + totalUs.get(id));
      open.add(key);
    }
    for (const child of byId.get(id).children ?? []) walk(child, open);
    if (counted) open.delete(key);
  };
  walk(profile.nodes[0].id, new Set());
  const top = (map, n) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, us]) => ({
      name: key,
      ms: Math.round(us / 100) / 10,
      share: Math.round((1000 * us) / busyUs) / 10,
    }));
  return {
    busyMs: Math.round(busyUs / 1000),
    functions: top(fns, 40),
    files: top(files, 25),
    inclusive: top(inclusive, 30),
  };
}
