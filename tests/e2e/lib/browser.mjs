// Debian's Chromium driven by playwright-core (which never downloads a browser here), and
// screenshots into artifacts/e2e/.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { ARTIFACTS } from "./paths.mjs";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

function chromiumPath() {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("chromium is not installed (make setup-test installs Debian's package)");
  }
}

/// Launches headless Chromium (Playwright gives it its own empty profile).
export function launchChromium() {
  return chromium.launch({ executablePath: chromiumPath(), args: ARGS });
}

/// A fresh context and page on `origin` (1400×1000 unless `viewport` says otherwise), with the
/// clipboard allowed, console errors and uncaught exceptions collected in `page.problems`, and
/// the URL of every request (the page's and its workers') in `page.requested`.
export async function newPage(browser, origin, { colorScheme = "light", viewport = { width: 1400, height: 1000 } } = {}) {
  const context = await browser.newContext({
    viewport,
    colorScheme,
    acceptDownloads: true,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  page.requested = [];
  context.on("request", (request) => page.requested.push(request.url()));
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    // Chromium reports every HTTP error status as a console error; API errors are expected here.
    const text = message.text();
    if (message.type() === "error" && !text.startsWith("Failed to load resource: the server responded with a status of")) {
      page.problems.push(`console: ${text}`);
    }
  });
  return page;
}

/// Saves a full-page screenshot as artifacts/e2e/<name>.png.
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/// Saves what the viewport shows (not the whole page) as artifacts/e2e/<name>.png.
export async function viewShot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
