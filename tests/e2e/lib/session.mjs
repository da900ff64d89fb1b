// The set-up most test files share: `bindery serve` against the sandbox, Chromium, and the app
// open in one page; and its tear-down.
import { openApp } from "./app.mjs";
import { launchChromium, newPage } from "./browser.mjs";
import { startBindery } from "./server.mjs";

/// Starts the server and the browser and opens the app: `{ server, browser, page }`.
export async function openSession() {
  const server = await startBindery();
  const browser = await launchChromium();
  const page = await newPage(browser, server.origin);
  await openApp(page, server.origin);
  return { server, browser, page };
}

/// Closes what `openSession` started; safe on a session that failed half-way.
export async function closeSession({ server, browser } = {}) {
  await browser?.close();
  await server?.stop();
}
