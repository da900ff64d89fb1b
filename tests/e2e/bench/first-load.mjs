// Time from opening the app to its first painted frame, as a user waits for it: headless
// Chromium loads the release build from `bindery serve` (precompressed files, cache headers)
// over a loopback link shaped by Chromium's network emulation, with an empty cache ("first
// visit") and then again in the same browser ("next visit": the hashed files come from the
// cache, index.html is revalidated). Each row is RUNS loads; figures are medians, with the
// fastest and slowest in brackets. Side by side: the same build sent uncompressed (a client
// that takes no compression), which is what `bindery serve` sent before it served compressed
// copies.
//
// "painted" is the end of the frame that first paints the composer (its preview is in the
// DOM, then the frame's style, layout and paint have run), measured from the navigation's
// start; "wasm in" is when the page's wasm finished arriving.
// Usage: make bench   (or: node tests/e2e/bench/first-load.mjs [RUNS]; needs dist/ and
// target/debug/bindery)
import { existsSync } from "node:fs";
import { join } from "node:path";

import { DIST } from "../lib/paths.mjs";
import { startBindery, waitForCompressedCopies } from "../lib/server.mjs";

const { launchChromium } = await import("../lib/browser.mjs").catch((error) => {
  console.error(`cannot load the browser driver (${error.message}): run \`make setup-test\` first`);
  process.exit(1);
});

const RUNS = Number(process.argv[2] ?? 5);

/// Links, as Chromium emulates them: round-trip latency added per request, throughput in
/// bytes per second (none = loopback as it is).
const LINKS = [
  { name: "loopback", latency: 0, down: -1, up: -1 },
  { name: "cable 50 Mbit/s, 20 ms", latency: 20, down: (50e6 / 8), up: (10e6 / 8) },
  { name: "4G 9 Mbit/s, 60 ms", latency: 60, down: (9e6 / 8), up: (1.5e6 / 8) },
  { name: "slow 4G 1.6 Mbit/s, 150 ms", latency: 150, down: (1.6e6 / 8), up: (0.75e6 / 8) },
];
const ENCODINGS = [
  { name: "compressed", header: null },
  { name: "uncompressed", header: "identity" },
];

// Runs in the page before its scripts: marks the end of the first frame that paints the
// composer (the preview exists; a message posted from the next animation frame runs after that
// frame's rendering task).
const MARK_PAINTED = () => {
  const done = () =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (window.__painted = performance.now());
      channel.port2.postMessage(null);
    });
  const seen = () => document.getElementById("metadata-json");
  new MutationObserver((_, observer) => {
    if (seen()) {
      observer.disconnect();
      done();
    }
  }).observe(document, { childList: true, subtree: true });
};

/// One load in `page`; returns what it cost.
async function load(page, origin, reload) {
  if (reload) await page.reload({ waitUntil: "commit" });
  else await page.goto(origin, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__painted !== undefined, null, { timeout: 120_000, polling: 20 });
  return page.evaluate(() => {
    const resources = performance.getEntriesByType("resource");
    const nav = performance.getEntriesByType("navigation")[0];
    const wasm = resources.find((r) => r.name.endsWith(".wasm"));
    return {
      painted: window.__painted,
      wasmIn: wasm ? wasm.responseEnd : NaN,
      bytes: [nav, ...resources].reduce((sum, r) => sum + (r.transferSize || 0), 0),
    };
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (values) =>
  `${Math.round(median(values))} ms (${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))})`;

if (!existsSync(join(DIST, "index.html"))) {
  console.error(`${DIST} has no index.html: build the app first (make dist)`);
  process.exit(1);
}
const server = await startBindery({ upstream: "sandbox" });
const browser = await launchChromium();
try {
  await waitForCompressedCopies();

  console.log(`first load of ${DIST} from bindery serve, headless Chromium, ${RUNS} runs per row`);
  console.log(
    `${"link".padEnd(28)} ${"sent".padEnd(13)} ${"KB over wire".padStart(12)}  ${"first visit: wasm in".padEnd(24)} ${"first visit: painted".padEnd(24)} next visit: painted`,
  );
  for (const link of LINKS) {
    for (const encoding of ENCODINGS) {
      const first = [];
      const next = [];
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
        await context.addInitScript(MARK_PAINTED);
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.emulateNetworkConditions", {
          offline: false,
          latency: link.latency,
          downloadThroughput: link.down,
          uploadThroughput: link.up,
        });
        if (encoding.header) {
          await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": encoding.header } });
        }
        first.push(await load(page, server.origin, false));
        next.push(await load(page, server.origin, true));
        await context.close();
      }
      const kb = median(first.map((r) => r.bytes)) / 1024;
      console.log(
        `${link.name.padEnd(28)} ${encoding.name.padEnd(13)} ${kb.toFixed(1).padStart(12)}  ${ms(first.map((r) => r.wasmIn)).padEnd(24)} ${ms(first.map((r) => r.painted)).padEnd(24)} ${ms(next.map((r) => r.painted))}`,
      );
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
