// Makes sure a Chromium is available for the browser suite: CHROME_PATH, Debian's /usr/bin/chromium, or — when
// running as root — Debian's package installed on the spot. Prints the path it found.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Flags for headless Chromium on these machines: no sandbox as root, and no background networking, which a closed
 * network answers with refused connections.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Returns the Chromium executable, installing Debian's package when missing and allowed. */
export function ensureChromium() {
  const candidates = [process.env.CHROME_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path) => path && existsSync(path));
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("Chromium not found: install Debian's 'chromium' package or set CHROME_PATH");
  }
  console.log("Installing Debian's chromium package …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    stdio: "inherit",
    env,
  });
  if (!existsSync("/usr/bin/chromium")) {
    throw new Error("Chromium install finished but /usr/bin/chromium is missing");
  }
  return "/usr/bin/chromium";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(ensureChromium());
