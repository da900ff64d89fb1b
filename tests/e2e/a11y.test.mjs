// Accessibility (issue 14): axe-core (npm, pinned in package-lock.json) on the page in the
// states a user meets first: the blank page, an example (with its placeholders turned into
// errors by a copy), a composition of 30 bindings, the dark theme and a narrow window. No
// serious or critical violation is allowed; each state leaves a screenshot (a11y-*.png).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

import { showOutput, waitFor } from "./lib/app.mjs";
import { launchChromium, newPage, shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { startBindery } from "./lib/server.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/// The serious and critical violations axe finds on the page, one line each.
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")}`);
}

/// Thirty bindings of as many kinds, for a long form.
function thirtyBindings() {
  const kinds = [
    { type: "kv_namespace", namespace_id: "0f2ac74b498b48028cb68387c421e279" },
    { type: "r2_bucket", bucket_name: "files" },
    { type: "d1", id: "6f3b2c1a-0d4e-4f5a-9b8c-7d6e5f4a3b2c" },
    { type: "plain_text", text: "value" },
    { type: "secret_text", text: "s3cret" },
    { type: "queue", queue_name: "jobs" },
    { type: "service", service: "auth" },
    { type: "durable_object_namespace", class_name: "Room", script_name: "rooms" },
    { type: "json", json: { on: true } },
    { type: "analytics_engine", dataset: "events" },
  ];
  return Array.from({ length: 30 }, (_, i) => ({ name: `B_${i}`, ...kinds[i % kinds.length] }));
}

describe("accessibility (axe-core)", () => {
  let server;
  let browser;

  before(async () => {
    server = await startBindery();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open({ colorScheme = "light", viewport = { width: 1440, height: 900 } } = {}) {
    const page = await newPage(browser, server.origin, { colorScheme, viewport });
    await page.goto(server.origin);
    await page.waitForSelector('#upstream[data-upstream="sandbox"]');
    return page;
  }

  async function startExample(page) {
    await page.click("#example-kv-worker");
    await page.waitForSelector("#example-banner");
    // A copy turns the placeholders into errors: the error colours are checked too.
    await page.click("#copy-curl");
    await page.waitForSelector("#findings li.finding.error");
  }

  async function expectNone(page, state) {
    await shot(page, `a11y-${state}`);
    const found = await violations(page);
    assert.deepEqual(found, [], `${state}: serious or critical violations`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }

  it("the blank page", async () => {
    await expectNone(await open(), "blank");
  });

  it("an example", async () => {
    const page = await open();
    await startExample(page);
    await expectNone(page, "example");
  });

  it("a composition with 30 bindings, its parts and its curl", async () => {
    const page = await open();
    await page.setInputFiles("#import-file", {
      name: "thirty.bindery.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({
        format: 1,
        request: { target: "account", operation: "upload", account_id: SANDBOX_ACCOUNT, script_name: "thirty" },
        metadata: { main_module: "index.js", bindings: thirtyBindings(), compatibility_date: "2025-06-01" },
        modules: [{ name: "index.js", kind: "esm", content: "export default { fetch() { return new Response('hi'); } };\n" }],
      })),
    });
    await waitFor(async () => (await page.locator('[data-testid="binding"]').count()) === 30, { message: "the import" });
    await page.click("#binding-types-toggle");
    await showOutput(page, "parts");
    await expectNone(page, "thirty-bindings");
  });

  it("the dark theme", async () => {
    const page = await open({ colorScheme: "dark" });
    await startExample(page);
    await showOutput(page, "curl");
    await expectNone(page, "dark");
  });

  it("a narrow window", async () => {
    const page = await open({ viewport: { width: 700, height: 900 } });
    await startExample(page);
    assert.ok(await page.isVisible("#jump-to-output"), "the jump to the output");
    await expectNone(page, "narrow");
  });
});
