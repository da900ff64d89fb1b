// Static assets hashing in the page (headless Chromium, release build): a folder of 2,000 small
// files and one of 4 large files of 8 MiB, chosen in the Static assets panel. Prints the time
// to hash each and the longest the page was kept busy at a stretch once the browser has handed
// the folder to the page (its \`change\` event; building the file list before it is the
// browser's own work): long tasks seen by a PerformanceObserver, and the longest gap between
// animation frames. The aim is never more than 50 ms.
// Usage: make bench   (or: node tests/e2e/bench/assets-hash.mjs)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { openApp } from "../lib/app.mjs";
import { DIST } from "../lib/paths.mjs";
import { serveStatic } from "../lib/static-server.mjs";

const { launchChromium, newPage } = await import("../lib/browser.mjs").catch((error) => {
  console.error(`cannot load the browser driver (${error.message}): run \`make setup-test\` first`);
  process.exit(1);
});

function pseudoRandom(seed, length) {
  const bytes = Buffer.alloc(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const SMALL = Number(process.env.SMALL ?? 2000);
const root = mkdtempSync(join(tmpdir(), "bindery-hash-bench-"));
const folders = {
  "2,000 small files": (dir) => {
    for (let i = 0; i < SMALL; i++) {
      const sub = join(dir, `d${i % 40}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `f${i}.html`), pseudoRandom(i, 500 + ((i * 7919) % 7000)));
    }
    return SMALL;
  },
  "4 files of 8 MiB": (dir) => {
    const block = pseudoRandom(7, 8 * 1024 * 1024);
    for (let i = 0; i < 4; i++) {
      block[0] = i;
      writeFileSync(join(dir, `big-${i}.bin`), block);
    }
    return 4;
  },
};

const server = await serveStatic(DIST);
const browser = await launchChromium();
try {
  console.log("Static assets hashing in the page (Chromium, release build)");
  console.log();
  console.log("| folder | files | hashing time (from the pick) | longest task | longest frame gap |");
  console.log("|---|---|---|---|---|");
  for (const [label, make] of Object.entries(folders)) {
    const dir = join(root, label.replace(/[^a-z0-9]+/gi, "-"), "site");
    mkdirSync(dir, { recursive: true });
    const count = make(dir);
    const page = await newPage(browser, server.origin);
    await openApp(page, server.origin);
    await page.evaluate(() => {
      window.__longest = 0;
      window.__change = Infinity;
      document.querySelector("#assets-folder").addEventListener("change", () => {
        window.__change = performance.now();
      }, true);
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (entry.startTime >= window.__change) window.__longest = Math.max(window.__longest, entry.duration);
        }
      }).observe({ type: "longtask", buffered: false });
      window.__gap = 0;
      let last = performance.now();
      const frame = (now) => {
        if (last >= window.__change) window.__gap = Math.max(window.__gap, now - last);
        last = now;
        if (!window.__stopFrames) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    await page.setInputFiles("#assets-folder", dir);
    await page.waitForSelector("#assets-summary", { timeout: 300000 }).catch(async (e) => {
      console.error(await page.textContent("#assets"));
      throw e;
    });
    const { longest, gap, seconds } = await page.evaluate(() => {
      window.__stopFrames = true;
      return { longest: window.__longest, gap: window.__gap, seconds: (performance.now() - window.__change) / 1000 };
    });
    console.log(`| ${label} | ${count} | ${seconds.toFixed(2)} s | ${longest ? `${longest.toFixed(0)} ms` : "none over 50 ms"} | ${gap.toFixed(0)} ms |`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  rmSync(root, { recursive: true, force: true });
}
