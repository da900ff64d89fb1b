// Runs `bindery serve` on a free loopback port for one test file, and keeps everything it
// prints (one line per request on stderr) so tests can check what was logged.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { BINARY, DIST } from "./paths.mjs";

/// A port nothing listens on right now (the kernel picks it; we close and hand it over).
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/// Starts the server and waits until `/bindery/info` answers.
/// Returns `{ origin, port, log(), stop() }`; `log()` is everything printed so far.
export async function startBindery({ upstream = "sandbox", dist = DIST, timeoutMs = 20000 } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: run \`cargo build --bin bindery\` (make test-e2e does)`);
  }
  if (!existsSync(join(dist, "index.html"))) {
    throw new Error(`${dist} has no index.html: build the app first (make dist)`);
  }
  const port = await freePort();
  const child = spawn(
    BINARY,
    ["serve", "--addr", `127.0.0.1:${port}`, "--upstream", upstream, "--dist", dist],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let exited = null;
  const exit = new Promise((resolveExit) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolveExit(exited);
    }),
  );

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`bindery serve exited (${JSON.stringify(exited)}) before answering:\n${output}`);
    }
    try {
      const reply = await fetch(`${origin}/bindery/info`);
      if (reply.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`bindery serve did not answer on ${origin} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    origin,
    port,
    log: () => output,
    async stop() {
      if (exited) return;
      child.kill("SIGINT"); // graceful shutdown (Ctrl-C)
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/// The first start of `bindery serve` after a build compresses the build's files once, in the
/// background: waits until every file of `dist` worth it (text and wasm over 1 KB) has both
/// copies, newer than itself. For the benchmarks that measure what a browser is sent.
export async function waitForCompressedCopies(dist = DIST, timeoutMs = 180_000) {
  const compressed = (name) =>
    ["br", "gz"].every((suffix) => {
      const copy = join(dist, `${name}.${suffix}`);
      return existsSync(copy) && statSync(copy).mtimeMs >= statSync(join(dist, name)).mtimeMs;
    });
  const worthIt = readdirSync(dist).filter(
    (name) => /\.(wasm|js|css|html|svg)$/.test(name) && statSync(join(dist, name)).size > 1024,
  );
  const deadline = Date.now() + timeoutMs;
  while (!worthIt.every(compressed)) {
    if (Date.now() > deadline) {
      throw new Error(`not compressed after ${timeoutMs / 1000} s: ${worthIt.filter((name) => !compressed(name))}`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
}
