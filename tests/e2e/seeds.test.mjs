// The two seed scenarios, done in the app through the proxy against the sandbox:
//  1. an account Worker `worker.js` with a KV binding USER_KV to a namespace created first;
//  2. a Workers for Platforms user Worker with a KV binding, then a settings PATCH that adds an
//     R2 bucket STORAGE and keeps the KV binding; both are read back from the sandbox.
// Resources are created with direct calls through the proxy (the app has no resource picker yet).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  addBinding, enterToken, openApp, pickModuleFiles, previewParts, requestLine, send, setField,
  storageText, verifyToken, waitFor, waitForPreview,
} from "./lib/app.mjs";
import {
  createDispatchNamespace, createKvNamespace, createR2Bucket, scriptSettings, userWorkerBindings,
} from "./lib/api.mjs";
import { launchChromium, newPage, shot } from "./lib/browser.mjs";
import { FIXTURES, SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { startBindery } from "./lib/server.mjs";

const TOKEN = "e2e-seeds-token-Lm42";
const API = "https://api.cloudflare.com/client/v4";

/// The seeds' Worker: `worker.js` from a fixture, the KV namespace `namespaceId` bound as
/// USER_KV, the seeds' compatibility date; waits for the preview to show exactly that and
/// returns the KV binding's index.
async function composeKvWorker(page, fixture, namespaceId) {
  const worker = readFileSync(join(FIXTURES, `${fixture}/worker.js`));
  await pickModuleFiles(page, [{ name: "worker.js", content: worker, mimeType: "text/javascript" }]);
  const kv = await addBinding(page, "kv_namespace");
  await setField(page, `bindings[${kv}].name`, "USER_KV");
  await setField(page, `bindings[${kv}].namespace_id`, namespaceId);
  await setField(page, "metadata.compatibility_date", "2024-06-01");
  await waitForPreview(page, {
    main_module: "worker.js",
    bindings: [{ type: "kv_namespace", name: "USER_KV", namespace_id: namespaceId }],
    compatibility_date: "2024-06-01",
  });
  return kv;
}

describe("seed scenarios through the UI", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startBindery();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("seed 1: an account Worker with a KV binding to a namespace created first", async () => {
    const namespaceId = await createKvNamespace(server.origin, TOKEN, "visit-counter-USER_KV");
    page = await newPage(browser, server.origin);
    await openApp(page, server.origin);

    await setField(page, "request.account_id", SANDBOX_ACCOUNT);
    await setField(page, "request.script_name", "visit-counter");
    await composeKvWorker(page, "seed-kv-worker", namespaceId);
    assert.equal(await requestLine(page), `PUT ${API}/accounts/${SANDBOX_ACCOUNT}/workers/scripts/visit-counter`);

    await verifyToken(page, TOKEN);
    assert.match(await page.textContent("#verify-result"), /Token verified: active/);

    const response = await send(page);
    await shot(page, "seeds-01-kv-worker-sent");
    assert.equal(response.status, 200, JSON.stringify(response));
    assert.ok(response.success, JSON.stringify(response));
    assert.deepEqual(response.explanations, []);

    const settings = await scriptSettings(server.origin, TOKEN, "visit-counter");
    assert.deepEqual(settings.bindings, [{ type: "kv_namespace", name: "USER_KV", namespace_id: namespaceId }]);
    assert.equal(settings.compatibility_date, "2024-06-01");
    await page.context().close();
  });

  it("seed 2: a WfP user Worker with KV, then a settings PATCH adding R2 that keeps KV", async () => {
    await createDispatchNamespace(server.origin, TOKEN, "production");
    const namespaceId = await createKvNamespace(server.origin, TOKEN, "customer-42-USER_KV");
    await createR2Bucket(server.origin, TOKEN, "customer-42-files");
    page = await newPage(browser, server.origin);
    await openApp(page, server.origin);

    await page.selectOption('[id="f-request-target"]', "dispatch");
    await setField(page, "request.account_id", SANDBOX_ACCOUNT);
    await setField(page, "request.dispatch_namespace", "production");
    await setField(page, "request.script_name", "customer-42");
    const kv = await composeKvWorker(page, "wfp-kv-user-worker", namespaceId);
    const userWorker = `${API}/accounts/${SANDBOX_ACCOUNT}/workers/dispatch/namespaces/production/scripts/customer-42`;
    assert.equal(await requestLine(page), `PUT ${userWorker}`);

    await enterToken(page, TOKEN);
    const upload = await send(page);
    await shot(page, "seeds-02-wfp-user-worker-sent");
    assert.equal(upload.status, 200, JSON.stringify(upload));
    assert.ok(upload.success, JSON.stringify(upload));

    // The settings-style update: only bindings change, so a PATCH of `settings`. A KV binding
    // given by type and name only keeps the one the Worker has.
    await page.selectOption('[id="f-request-operation"]', "settings");
    await setField(page, `bindings[${kv}].namespace_id`, "");
    const r2 = await addBinding(page, "r2_bucket");
    await setField(page, `bindings[${r2}].name`, "STORAGE");
    await setField(page, `bindings[${r2}].bucket_name`, "customer-42-files");
    const fixture = JSON.parse(readFileSync(join(FIXTURES, "wfp-settings-add-r2/composition.json"), "utf8"));
    await waitForPreview(page, fixture.metadata, "the settings JSON of the wfp-settings-add-r2 fixture");
    assert.equal(await requestLine(page), `PATCH ${userWorker}/settings`);
    await waitFor(async () => (await previewParts(page)).map((p) => p.name).join() === "settings", {
      message: "a single `settings` part",
    });

    const patch = await send(page);
    await shot(page, "seeds-03-wfp-settings-patch-sent");
    assert.equal(patch.status, 200, JSON.stringify(patch));
    assert.ok(patch.success, JSON.stringify(patch));

    const expected = [
      { type: "kv_namespace", name: "USER_KV", namespace_id: namespaceId },
      { type: "r2_bucket", name: "STORAGE", bucket_name: "customer-42-files" },
    ];
    const byName = (list) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    const settings = await scriptSettings(server.origin, TOKEN, "customer-42", "production");
    assert.deepEqual(byName(settings.bindings), byName(expected));
    assert.deepEqual(byName(await userWorkerBindings(server.origin, TOKEN, "production", "customer-42")), byName(expected));

    assert.ok(!(await storageText(page)).includes(TOKEN));
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("logged every request without the token", () => {
    const log = server.log();
    assert.match(log, /PUT \/client\/v4\/accounts\/\w+\/workers\/scripts\/visit-counter 200/);
    assert.match(log, /PATCH \/client\/v4\/accounts\/\w+\/workers\/dispatch\/namespaces\/production\/scripts\/customer-42\/settings 200/);
    assert.ok(!log.includes(TOKEN), "the server log holds the token");
  });
});
