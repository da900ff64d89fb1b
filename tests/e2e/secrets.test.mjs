// Secrets across uploads (issue 5's last scenario, with what the app has today): a secret sent
// in one upload survives a later upload that keeps secret_text bindings, and its value never
// lands in storage, the URL, the server's log, or (once it is no longer being composed) the page.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import {
  addBinding, enterToken, field, pickModuleFiles, send, setField, showOutput, storageText, waitFor,
  waitForPreview, waitUntilReady,
} from "./lib/app.mjs";
import { scriptSettings } from "./lib/api.mjs";
import { shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";

const TOKEN = "e2e-secrets-token-Hb3";
const SECRET = "e2e-kept-secret-P9wQz";
const SCRIPT = "e2e-secrets";
const WORKER = "export default {\n  fetch(request, env) {\n    return new Response(env.MODE + (env.API_KEY ? ' keyed' : ''));\n  },\n};\n";

/// Every text of the page a user or a script could read: the markup and every field's value.
const pageText = (page) =>
  page.evaluate(() =>
    [document.documentElement.outerHTML, ...Array.from(document.querySelectorAll("input, textarea, select"), (el) => el.value)].join("\n"),
  );

describe("secrets across uploads", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openSession());
  });

  after(() => closeSession({ server, browser }));

  it("uploads a Worker with a secret; the API keeps the secret without showing its value", async () => {
    await setField(page, "request.account_id", SANDBOX_ACCOUNT);
    await setField(page, "request.script_name", SCRIPT);
    await pickModuleFiles(page, [{ name: "worker.js", content: WORKER, mimeType: "text/javascript" }]);
    const mode = await addBinding(page, "plain_text");
    await setField(page, `bindings[${mode}].name`, "MODE");
    await setField(page, `bindings[${mode}].text`, "first");
    const secret = await addBinding(page, "secret_text");
    await setField(page, `bindings[${secret}].name`, "API_KEY");
    await setField(page, `bindings[${secret}].text`, SECRET);
    await setField(page, "metadata.compatibility_date", "2024-06-01");
    // Masked in the displayed JSON; the curl and "Copy JSON" carry the real value.
    await waitFor(async () => JSON.parse(await page.textContent("#metadata-json")).bindings?.[secret]?.text === "••••••", {
      message: "the secret masked in the preview",
    });
    assert.ok(!(await page.textContent("#metadata-json")).includes(SECRET), "the displayed JSON shows the secret");
    await showOutput(page, "curl");
    assert.ok((await page.textContent("#curl-text")).includes(SECRET), "the curl lacks the secret");
    await showOutput(page, "metadata");
    await page.click("#copy-json");
    await page.waitForSelector('[data-testid="copy-json-status"] .ok');
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    assert.equal(copied.bindings[secret].text, SECRET, "Copy JSON masks the secret");
    await page.check("#show-secrets");
    assert.equal(JSON.parse(await page.textContent("#metadata-json")).bindings[secret].text, SECRET);
    await page.uncheck("#show-secrets");
    await shot(page, "secrets-00-masked");

    await enterToken(page, TOKEN);
    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));

    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT);
    assert.deepEqual(settings.bindings, [
      { type: "plain_text", name: "MODE", text: "first" },
      { type: "secret_text", name: "API_KEY" },
    ]);
  });

  it("a later upload without the secret but keeping secret_text bindings leaves it in place", async () => {
    await page.click('button[aria-label="Remove binding API_KEY"]');
    await setField(page, "bindings[0].text", "second");
    await page.check('.keep input[data-type="secret_text"]');
    await waitForPreview(page, {
      main_module: "worker.js",
      bindings: [{ type: "plain_text", name: "MODE", text: "second" }],
      compatibility_date: "2024-06-01",
      keep_bindings: ["secret_text"],
    });
    assert.ok(!(await pageText(page)).includes(SECRET), "the page still shows the secret after removing it");

    const response = await send(page);
    await shot(page, "secrets-01-kept-by-keep-bindings");
    assert.ok(response.success, JSON.stringify(response));
    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT);
    assert.deepEqual(settings.bindings, [
      { type: "plain_text", name: "MODE", text: "second" },
      { type: "secret_text", name: "API_KEY" },
    ]);
  });

  it("the secret value is in no storage, URL, log or page afterwards", async () => {
    await page.waitForTimeout(400); // let the debounced save run
    for (const text of [SECRET, TOKEN]) {
      assert.ok(!(await storageText(page)).includes(text), `storage holds ${text}`);
      assert.ok(!page.url().includes(text), `the URL holds ${text}`);
      assert.ok(!server.log().includes(text), `the server log holds ${text}`);
    }
    await page.reload();
    await waitUntilReady(page);
    assert.equal(await page.inputValue(field("token")), "");
    assert.ok(!(await pageText(page)).includes(SECRET));
    assert.deepEqual(page.problems, []);
  });
});
