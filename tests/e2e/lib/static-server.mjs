// A minimal static file server for the built app (127.0.0.1, kernel-chosen port), for
// measurements that need no proxy: the page then runs in its offline mode.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/// Serves `dir`; returns `{ origin, close() }`.
export function serveStatic(dir) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://static.invalid").pathname;
    const relative = normalize(path === "/" ? "/index.html" : path);
    if (relative.includes("..")) {
      res.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(join(dir, relative));
      res.writeHead(200, { "content-type": TYPES[extname(relative)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolveStarted, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolveStarted({
        origin: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
