// Working against a live account (issue 5), in the app through the proxy against the sandbox:
// verify the token, choose the account, create a KV namespace from the picker and bind it,
// upload (seed 000); load that Worker back, add an R2 bucket created from the picker, see the
// diff say the KV binding is kept, send a settings PATCH and read both bindings back (seed 001).
// A secret set in the first upload survives a later upload that keeps it through the diff's
// "Keep", and its value never reaches the page, storage or the server log.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  addBinding, field, fieldId, pickModuleFiles, previewJson, requestLine, send, setField,
  storageText, waitFor, waitForPreview, waitUntilReady,
} from "./lib/app.mjs";
import { api, scriptSettings } from "./lib/api.mjs";
import { shot } from "./lib/browser.mjs";
import { FIXTURES, SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";
import { createFromPicker, diffLine, verifyAndChooseAccount, openPicker, pageText, pickerItems } from "./lib/live.mjs";

const TOKEN = "e2e-live-token-Qx7";
const SECRET = "e2e-live-secret-Zr81v";
const SCRIPT = "e2e-live-counter";
const WORKER = readFileSync(join(FIXTURES, "seed-kv-worker/worker.js"));

describe("live account: pickers, load, diff", () => {
  let server;
  let browser;
  let page;
  let kvId;

  before(async () => {
    ({ server, browser, page } = await openSession());
  });

  after(() => closeSession({ server, browser }));

  it("offers the token's accounts after verifying, and fills the account id", async () => {
    assert.equal(await page.locator("#account-choice").count(), 0, "no chooser before verifying");
    await verifyAndChooseAccount(page, TOKEN, SANDBOX_ACCOUNT);
  });

  it("creates a KV namespace from the picker, binds it, and uploads (seed 000)", async () => {
    await setField(page, "request.script_name", SCRIPT);
    await pickModuleFiles(page, [{ name: "worker.js", content: WORKER, mimeType: "text/javascript" }]);
    await setField(page, "metadata.compatibility_date", "2024-06-01");
    const kv = await addBinding(page, "kv_namespace");
    await setField(page, `bindings[${kv}].name`, "USER_KV");

    const created = await createFromPicker(page, `bindings[${kv}].namespace_id`, "e2e-live-users");
    kvId = await page.inputValue(field(`bindings[${kv}].namespace_id`));
    assert.match(kvId, /^[0-9a-f]{32}$/, "the new namespace's id fills the field");
    assert.match(created, /Created e2e-live-users/);
    // The list read from the account now offers it by its title.
    const items = await pickerItems(page, `bindings[${kv}].namespace_id`);
    assert.deepEqual(items.find((i) => i.value === kvId)?.label, "e2e-live-users");
    const listed = await api(server.origin, TOKEN, "GET", `/accounts/${SANDBOX_ACCOUNT}/storage/kv/namespaces`);
    assert.ok(listed.result.some((n) => n.id === kvId && n.title === "e2e-live-users"));

    const secret = await addBinding(page, "secret_text");
    await setField(page, `bindings[${secret}].name`, "API_KEY");
    await setField(page, `bindings[${secret}].text`, SECRET);
    await waitForPreview(page, {
      main_module: "worker.js",
      bindings: [
        { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
        // The displayed JSON masks the value (the request carries it).
        { type: "secret_text", name: "API_KEY", text: "••••••" },
      ],
      compatibility_date: "2024-06-01",
    });
    // Before the first upload there is nothing deployed to compare with.
    await page.click("#load-deployed");
    await page.waitForSelector("#deployed-missing");
    await shot(page, "live-01-kv-created-from-picker");

    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT);
    assert.deepEqual(settings.bindings, [
      { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
      { type: "secret_text", name: "API_KEY" },
    ]);
  });

  it("loads the Worker back, adds an R2 bucket, shows KV kept, and sends a settings PATCH (seed 001)", async () => {
    await page.click("#load-deployed");
    await page.waitForSelector("#deployed-summary");
    const summary = await page.textContent("#deployed-summary");
    assert.match(summary, /API_KEY.*kept \(value not readable\)/);
    assert.ok(!summary.includes(SECRET));
    await page.click("#load-without-modules");
    await waitForPreview(page, {
      bindings: [
        { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
        { type: "secret_text", name: "API_KEY" },
      ],
      compatibility_date: "2024-06-01",
    }, "the composition loaded from the account");
    assert.equal(await page.inputValue(field("request.operation")), "settings");

    // Choosing a full upload without code: the hint suggests the PATCH again, in one click.
    await page.selectOption(field("request.operation"), "upload");
    await page.waitForSelector("#operation-suggestion");
    assert.match(await page.textContent("#operation-suggestion"), /Settings/);
    await page.click("#apply-suggestion");
    await waitFor(async () => (await page.inputValue(field("request.operation"))) === "settings", {
      message: "the suggested operation applied",
    });

    const r2 = await addBinding(page, "r2_bucket");
    await setField(page, `bindings[${r2}].name`, "FILES");
    await createFromPicker(page, `bindings[${r2}].bucket_name`, "e2e-live-files");
    assert.equal(await page.inputValue(field(`bindings[${r2}].bucket_name`)), "e2e-live-files");

    assert.match(await diffLine(page, "FILES"), /R2 bucket binding FILES will be added/);
    assert.match(await diffLine(page, "USER_KV"), /KV namespace binding USER_KV is kept/);
    assert.match(await diffLine(page, "API_KEY"), /is kept \(value not readable\)/);
    await shot(page, "live-02-diff-before-patch");

    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    assert.match(response.request, /^PATCH .*\/workers\/scripts\/e2e-live-counter\/settings$/);
    // The comparison is read again after the send: nothing left to change.
    await page.waitForSelector("#diff-empty");
    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT);
    assert.deepEqual(settings.bindings, [
      { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
      { type: "secret_text", name: "API_KEY" },
      { type: "r2_bucket", name: "FILES", bucket_name: "e2e-live-files" },
    ]);
  });

  it("a later upload without the secret keeps it through the diff's Keep", async () => {
    await pickModuleFiles(page, [{ name: "worker.js", content: WORKER, mimeType: "text/javascript" }]);
    await page.selectOption(field("request.operation"), "upload");
    await page.click('button[aria-label="Remove binding API_KEY"]');
    await page.click("#load-deployed");
    await page.waitForSelector('#diff li[data-name="API_KEY"][data-change="removed"]');
    assert.match(await diffLine(page, "API_KEY"), /API_KEY will be removed/);
    await page.click('#diff li[data-name="API_KEY"] button[data-resolve="keep"]');
    await waitFor(async () => /API_KEY is kept/.test(await diffLine(page, "API_KEY")), {
      message: "the diff to show the secret kept",
    });
    const preview = await previewJson(page);
    assert.deepEqual(preview.keep_bindings, ["secret_text"], JSON.stringify(preview));
    await shot(page, "live-03-secret-kept");

    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT);
    const byName = (list) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(byName(settings.bindings), [
      { type: "secret_text", name: "API_KEY" },
      { type: "r2_bucket", name: "FILES", bucket_name: "e2e-live-files" },
      { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
    ]);
  });

  it("the request bar's dispatch namespace is picked (and created) from the account too", async () => {
    await page.selectOption(field("request.target"), "dispatch");
    await createFromPicker(page, "request.dispatch_namespace", "e2e-live-platform");
    assert.equal(await page.inputValue(field("request.dispatch_namespace")), "e2e-live-platform");
    assert.match(await requestLine(page), /\/workers\/dispatch\/namespaces\/e2e-live-platform\/scripts\/e2e-live-counter$/);
    // Verifying the token again reads the target's settings by itself: no user Worker of that
    // name exists in the new namespace, so there is nothing to compare.
    await page.click("#verify-token");
    await page.waitForSelector("#deployed-missing");
    await shot(page, "live-05-dispatch-namespace-picked");
    await page.selectOption(field("request.target"), "account");
  });

  it("a list that fails shows why inline, and the id can still be typed", async () => {
    // An empty list (the sandbox has no Hyperdrive configs) says so.
    const hd = await addBinding(page, "hyperdrive");
    await setField(page, `bindings[${hd}].name`, "DB");
    const hdPick = await openPicker(page, `bindings[${hd}].id`);
    assert.match(await page.textContent(`${hdPick}-panel .picker-status`), /No Hyperdrive configs in this account yet/);
    // A refused list (no permission) shows the API's words next to the field.
    await page.route("**/vectorize/v2/indexes**", (route) =>
      route.fulfill({
        status: 403,
        contentType: "application/json",
        body: JSON.stringify({ success: false, errors: [{ code: 10000, message: "Authentication error" }], messages: [], result: null }),
      }),
    );
    const vx = await addBinding(page, "vectorize");
    await setField(page, `bindings[${vx}].name`, "INDEX");
    const vxPick = `#${fieldId(`bindings[${vx}].index_name`)}-pick`;
    await page.click(vxPick);
    await page.waitForSelector(`${vxPick}-panel .picker-status.error`);
    assert.match(await page.textContent(`${vxPick}-panel .picker-status`), /HTTP 403: Authentication error \(10000\)/);
    await shot(page, "live-04-picker-failure-inline");
    await setField(page, `bindings[${vx}].index_name`, "typed-by-hand");
    const preview = await previewJson(page);
    assert.deepEqual(preview.bindings.at(-1), { type: "vectorize", name: "INDEX", index_name: "typed-by-hand" });
    await page.unroute("**/vectorize/v2/indexes**");
    await page.click('button[aria-label="Remove binding INDEX"]');
    await page.click('button[aria-label="Remove binding DB"]');
  });

  it("neither the secret nor the token is in the page, storage or the server log", async () => {
    await page.waitForTimeout(400); // let the debounced save run
    assert.ok(!(await pageText(page)).includes(SECRET), "the page shows the secret");
    for (const text of [SECRET, TOKEN]) {
      assert.ok(!(await storageText(page)).includes(text), `storage holds ${text}`);
      assert.ok(!page.url().includes(text), `the URL holds ${text}`);
      assert.ok(!server.log().includes(text), `the server log holds ${text}`);
    }
    await page.reload();
    await waitUntilReady(page);
    assert.equal(await page.inputValue(field("token")), "");
    assert.equal(await page.locator("#account-choice").count(), 0, "the accounts are forgotten with the token");
    assert.deepEqual(page.problems, []);
  });
});
