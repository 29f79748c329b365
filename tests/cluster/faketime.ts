/**
 * libfaketime for the cluster test: an instance started with `skewedClock(lib, "+7s")` in its
 * environment sees its wall clock that far off (monotonic time stays true), as a badly synced
 * machine would. Debian's `faketime` package is installed when missing and running as root.
 */

/** The libfaketime library, installing Debian's package when missing and allowed, or undefined. */
export async function findFaketime(): Promise<string | undefined> {
  const path = `/usr/lib/${Deno.build.arch}-linux-gnu/faketime/libfaketimeMT.so.1`;
  const exists = () => Deno.stat(path).then(() => true, () => false);
  if (await exists() || Deno.uid?.() !== 0) return await exists() ? path : undefined;
  await new Deno.Command("apt-get", {
    args: ["install", "-y", "-qq", "--no-install-recommends", "faketime"],
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "null",
    stderr: "null",
  }).output();
  return await exists() ? path : undefined;
}

/** The environment that offsets a process's wall clock by `offset` ("+7s", "-15s"). */
export function skewedClock(library: string, offset: string): Record<string, string> {
  return { LD_PRELOAD: library, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: "1" };
}
