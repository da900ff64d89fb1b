// Prints the first-load weight of the release build in dist/: every wasm, JS and CSS file the
// page names (index.html), raw and gzipped (level 9, as a server would send it), and the total
// against the budget; then the files loaded later, on the first import (the import worker's,
// which the page does not name), with their own total.
// Usage: make bench   (or: node tests/e2e/bench/bundle-size.mjs [DIST])
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, extname, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const dist = resolve(process.argv[2] ?? join(import.meta.dirname, "../../../dist"));
const BUDGET_KB = 350;
const AIM_KB = 200;

const files = readdirSync(dist)
  .filter((name) => [".wasm", ".js", ".css"].includes(extname(name)))
  .filter((name) => statSync(join(dist, name)).isFile())
  .sort();
if (files.length === 0) {
  console.error(`no wasm/js/css in ${dist}: build the app first (make dist)`);
  process.exit(1);
}

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(8);
const page = readFileSync(join(dist, "index.html"), "utf8");
const named = (name) => page.includes(`/${name}`) || page.includes(`"${name}`);

/// Prints one row per file and the total; returns the gzipped total in bytes.
function table(title, names) {
  let raw = 0;
  let gzipped = 0;
  console.log(title);
  console.log(`${"file".padEnd(44)} ${"raw KB".padStart(8)} ${"gzip KB".padStart(8)}`);
  for (const name of names) {
    const bytes = readFileSync(join(dist, name));
    const gz = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzipped += gz;
    console.log(`${name.padEnd(44)} ${kb(bytes.length)} ${kb(gz)}`);
  }
  console.log(`${"total".padEnd(44)} ${kb(raw)} ${kb(gzipped)}`);
  return gzipped;
}

const gzipped = table(`first-load weight of ${dist}`, files.filter(named));
const verdict = gzipped / 1024 <= AIM_KB ? "within the aim" : gzipped / 1024 <= BUDGET_KB ? "within the budget" : "OVER the budget";
console.log(`budget ${BUDGET_KB} KB gzipped, aim ${AIM_KB} KB: ${verdict}`);
const later = files.filter((name) => !named(name));
if (later.length > 0) {
  console.log("");
  table("loaded on the first import (the import worker)", later);
}
