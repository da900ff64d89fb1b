// The composer by keyboard alone (issue 3: "every control reachable by keyboard with visible
// focus"): one full Tab cycle reaches every main control and each stop shows a focus ring (on
// the control, or on the visible label of a visually hidden file input), and bindings can be
// added from the type search with Enter; typing causes no layout jumps.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import { field, fieldId, focusedId, previewJson, waitFor, waitForPreview } from "./lib/app.mjs";
import { shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";

const COMPOSITION = {
  format: 1,
  request: { target: "account", operation: "upload", account_id: SANDBOX_ACCOUNT, script_name: "keyboard" },
  metadata: {
    main_module: "index.js",
    compatibility_date: "2024-06-01",
    bindings: [{ type: "kv_namespace", name: "USER_KV", namespace_id: "0f2ac74b498b48028cb68387c421e279" }],
  },
  modules: [
    { name: "index.js", kind: "esm", content: "export default { fetch(request, env) { return new Response('hi'); } };\n" },
    { name: "page.html", kind: "text", content: "<p>hi</p>\n" },
  ],
};

/// Where the keyboard focus is and whether it can be seen.
function focusStop(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const ringed = (e) => {
      const style = getComputedStyle(e);
      return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
    };
    const box = el.getBoundingClientRect();
    const hidden = box.width <= 1 || box.height <= 1;
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return {
      key: el.id || `${el.tagName.toLowerCase()}:${(el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40)}`,
      atBody: el === document.body,
      visibleFocus: hidden ? Boolean(label && ringed(label)) : ringed(el),
    };
  });
}

describe("keyboard", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openSession());
    await page.setInputFiles("#import-file", {
      name: "keyboard.bindery.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(COMPOSITION)),
    });
    await waitFor(async () => (await previewJson(page)).main_module === "index.js", { message: "the import" });
  });

  after(() => closeSession({ server, browser }));

  it("one Tab cycle reaches every main control, each with a visible focus", async () => {
    await page.focus("body");
    const stops = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press("Tab");
      const stop = await focusStop(page);
      if (stop.atBody || stops.some((s) => s.key === stop.key)) break;
      stops.push(stop);
    }
    const keys = stops.map((s) => s.key);
    const expected = [
      "new-composition", "export-composition", "export-secrets", "import-file",
      fieldId("request.target"), fieldId("request.operation"), fieldId("request.account_id"),
      fieldId("request.script_name"), fieldId("metadata.main_module"), "module-files",
      fieldId("modules[0].name"), fieldId("modules[1].kind"), fieldId("metadata.compatibility_date"),
      "binding-search", "add-binding-kv_namespace", fieldId("bindings[0].name"),
      fieldId("bindings[0].namespace_id"), fieldId("token"), "copy-json", "copy-curl", "tab-metadata",
      "metadata-json", "example-menu",
    ];
    for (const key of expected) assert.ok(keys.includes(key), `${key} is not reachable with Tab; stops: ${keys.join(" ")}`);
    const unseen = stops.filter((s) => !s.visibleFocus).map((s) => s.key);
    assert.deepEqual(unseen, [], "stops without a visible focus");
  });

  it("the output's tabs are one Tab stop, chosen with the arrow keys; the shown tab's controls follow", async () => {
    await page.focus("#tab-metadata");
    await page.keyboard.press("ArrowRight");
    await waitFor(async () => (await focusedId(page)) === "tab-parts", { message: "focus on the Parts tab" });
    assert.equal(await page.getAttribute("#tab-parts", "aria-selected"), "true");
    await page.keyboard.press("ArrowRight");
    await waitFor(async () => (await focusedId(page)) === "tab-curl", { message: "focus on the curl tab" });
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "curl-prefix", "the curl tab's first control follows the tab");
    const stop = await focusStop(page);
    assert.ok(stop.visibleFocus, "the prefix field shows its focus");
    await page.focus("#tab-curl");
    await page.keyboard.press("End");
    await waitFor(async () => (await focusedId(page)) === "tab-wrangler", { message: "focus on the last tab, wrangler.jsonc" });
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "copy-wrangler", "the wrangler.jsonc tab's copy button follows the tab");
    await page.focus("#tab-wrangler");
    await page.keyboard.press("Home");
    await waitFor(async () => (await page.getAttribute("#tab-metadata", "aria-selected")) === "true", {
      message: "the metadata tab chosen again",
    });
  });

  it("typing never moves the field typed in, and the rest of the page shifts little", async () => {
    await page.evaluate(() => {
      window.__layoutShift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__layoutShift += entry.value;
      }).observe({ type: "layout-shift" });
    });
    // Values that pass through invalid states on the way (findings come and go as one types).
    const typing = [
      ["request.account_id", SANDBOX_ACCOUNT],
      ["request.script_name", "my-worker"],
      ["bindings[0].name", "USER_KV"],
      ["bindings[0].namespace_id", "0f2ac74b498b48028cb68387c421e279"],
      ["metadata.compatibility_date", "2024-06-01"],
    ];
    for (const [at, text] of typing) {
      await page.click(field(at), { clickCount: 3 });
      await page.keyboard.press("Backspace");
      await page.evaluate(() => (window.__layoutShift = 0));
      const tops = [];
      const sendTops = [];
      for (const ch of text) {
        await page.keyboard.type(ch);
        const [top, sendTop] = await page.$eval(field(at), (el) =>
          new Promise((r) => requestAnimationFrame(() => r([
            el.getBoundingClientRect().top + window.scrollY,
            // Its place in the side column's layout (whatever that column is scrolled to).
            document.querySelector("#send").getBoundingClientRect().top
              - document.querySelector(".side").getBoundingClientRect().top
              + document.querySelector(".side").scrollTop,
          ]))));
        tops.push(top);
        sendTops.push(sendTop);
      }
      assert.equal(Math.max(...tops) - Math.min(...tops), 0, `${at} moved while typing`);
      // Findings come and go as one types: the Checks panel must not push Send and Preview.
      assert.equal(Math.max(...sendTops) - Math.min(...sendTops), 0, `the Send panel moved while typing into ${at}`);
      // Web Vitals call a cumulative layout shift under 0.1 good.
      const shift = await page.evaluate(() => window.__layoutShift);
      assert.ok(shift < 0.1, `typing into ${at} shifted the page by ${shift.toFixed(3)}`);
    }
  });

  it("the type search adds the first matching binding with Enter and moves on to its name", async () => {
    await page.focus("#binding-search");
    await page.keyboard.type("r2");
    await page.keyboard.press("Enter");
    await waitFor(async () => (await focusedId(page)) === fieldId("bindings[1].name"), { message: "focus on the new binding's name" });
    await page.keyboard.type("FILES");
    await page.keyboard.press("Tab");
    await page.keyboard.type("my-bucket");
    await waitForPreview(page, {
      ...COMPOSITION.metadata,
      bindings: [...COMPOSITION.metadata.bindings, { type: "r2_bucket", name: "FILES", bucket_name: "my-bucket" }],
    });
    await shot(page, "keyboard-01-binding-added");
    assert.deepEqual(page.problems, []);
  });
});
