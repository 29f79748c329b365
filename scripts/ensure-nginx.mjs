// Makes sure an nginx is available for the buffering-proxy end-to-end test: NGINX_PATH, Debian's /usr/sbin/nginx,
// or — when running as root — Debian's `nginx-light` package installed on the spot. Prints the path it found.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Returns the nginx executable, installing Debian's nginx-light when missing and allowed. */
export function ensureNginx() {
  const candidates = [process.env.NGINX_PATH, "/usr/sbin/nginx"];
  const found = candidates.find((path) => path && existsSync(path));
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("nginx not found: install Debian's 'nginx-light' package or set NGINX_PATH");
  }
  console.log("Installing Debian's nginx-light package …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  // The package's own service is never used: the tests run nginx from configs of their own on
  // 127.0.0.1. Debian's policy-rc.d convention keeps the package from starting it on port 80.
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) {
    writeFileSync(policy, "#!/bin/sh\nexit 101\n");
    chmodSync(policy, 0o755);
  }
  try {
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "nginx-light"], {
      stdio: "inherit",
      env,
    });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  if (!existsSync("/usr/sbin/nginx")) {
    throw new Error("nginx-light install finished but /usr/sbin/nginx is missing");
  }
  return "/usr/sbin/nginx";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(ensureNginx());
