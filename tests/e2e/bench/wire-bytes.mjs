// Prints the bytes of a first load over the wire, as `bindery serve` sends the release build in
// dist/: every file the page loads, as sent to a client that takes no compression, to one that
// takes gzip, and to a browser (brotli), with the totals; then the import worker's files, which
// the page loads on the first import only (index.html does not name them).
// Usage: make bench   (or: node tests/e2e/bench/wire-bytes.mjs; needs target/debug/bindery)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";

import { DIST } from "../lib/paths.mjs";
import { startBindery, waitForCompressedCopies } from "../lib/server.mjs";

const ENCODINGS = [
  ["none", "identity"],
  ["gzip", "gzip"],
  ["browser", "gzip, deflate, br, zstd"],
];

/// The body bytes as they arrive (nothing decoded) and the Content-Encoding.
function fetchRaw(origin, path, acceptEncoding) {
  return new Promise((done, fail) => {
    const req = request(`${origin}${path}`, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk) => (bytes += chunk.length));
      res.on("end", () => done({ status: res.statusCode, bytes, encoding: res.headers["content-encoding"] ?? "-" }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

const files = readdirSync(DIST)
  .filter((name) => !name.startsWith(".") && !/\.(br|gz|partial)$/.test(name))
  .filter((name) => statSync(join(DIST, name)).isFile())
  .sort();
if (!files.includes("index.html")) {
  console.error(`${DIST} has no index.html: build the app first (make dist)`);
  process.exit(1);
}

const server = await startBindery({ upstream: "sandbox" });
try {
  await waitForCompressedCopies();
  const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(9);
  const page = readFileSync(join(DIST, "index.html"), "utf8");
  const onFirstLoad = (name) => name === "index.html" || page.includes(`/${name}`) || page.includes(`"${name}`);
  const table = async (title, names) => {
    console.log(title);
    console.log(`${"file".padEnd(40)} ${ENCODINGS.map(([label]) => `${label} KB`.padStart(9)).join(" ")}  sent as`);
    const totals = ENCODINGS.map(() => 0);
    for (const name of names) {
      const path = name === "index.html" ? "/" : `/${name}`;
      const row = [];
      let sentAs = "";
      for (const [index, [, accept]] of ENCODINGS.entries()) {
        const reply = await fetchRaw(server.origin, path, accept);
        if (reply.status !== 200) throw new Error(`${path}: HTTP ${reply.status}`);
        totals[index] += reply.bytes;
        row.push(kb(reply.bytes));
        sentAs = reply.encoding;
      }
      console.log(`${name.padEnd(40)} ${row.join(" ")}  ${sentAs}`);
    }
    console.log(`${"total".padEnd(40)} ${totals.map(kb).join(" ")}`);
    return totals;
  };
  const totals = await table(`first load over the wire from bindery serve (${DIST})`, files.filter(onFirstLoad));
  console.log(`a browser gets ${(100 * totals[2] / totals[0]).toFixed(0)} % of the uncompressed bytes`);
  const later = files.filter((name) => !onFirstLoad(name));
  if (later.length > 0) {
    console.log("");
    await table("on the first import (the import worker)", later);
  }
} finally {
  await server.stop();
}
