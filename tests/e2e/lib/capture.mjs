// A local HTTP server that records every request it gets (method, path, query, headers, raw
// body) and answers like the API would on success, so a copied curl command can be run
// against it and its bytes checked.
import { createServer } from "node:http";

/// Starts listening on 127.0.0.1 (kernel-chosen port).
/// Returns `{ base, requests, close() }`; each request is `{ method, path, query, headers, body }`
/// with `query` a URLSearchParams and `body` a Buffer.
export function startCapture() {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url, "http://capture.invalid");
      requests.push({
        method: req.method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const envelope = { success: true, errors: [], messages: [], result: { id: "captured" } };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(envelope));
    });
  });
  return new Promise((resolveStarted, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolveStarted({
        base: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
