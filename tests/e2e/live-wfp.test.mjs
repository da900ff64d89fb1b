// Working against a live account on a Workers for Platforms user Worker (issue 5, seed 001), in
// the app through the proxy against the sandbox: verify the token, choose the account, pick the
// user Worker's dispatch namespace from the request bar (one listed, one created there), create
// a KV namespace from the binding picker, bind it as USER_KV and upload worker.js; then load that
// user Worker back, add an R2 bucket STORAGE created from the picker, see the diff say USER_KV is
// kept and STORAGE added, send the settings PATCH, and read both bindings back from the user
// Worker's `…/bindings` and `…/settings`. The token never reaches storage, the URL or the log.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  addBinding, field, findings, pickModuleFiles, requestLine, send, setField, storageText,
  waitFor, waitForPreview, waitUntilReady,
} from "./lib/app.mjs";
import { api, createDispatchNamespace, scriptSettings, userWorkerBindings } from "./lib/api.mjs";
import { shot } from "./lib/browser.mjs";
import { FIXTURES, SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";
import { createFromPicker, diffLine, verifyAndChooseAccount, openPicker, pickerItems } from "./lib/live.mjs";

const TOKEN = "e2e-wfp-token-Hk42p";
const NAMESPACE = "production";
const OTHER_NAMESPACE = "staging";
const SCRIPT = "customer-42";
const BUCKET = "customer-42-files";
const WORKER = readFileSync(join(FIXTURES, "wfp-kv-user-worker/worker.js"));
const USER_WORKER_PATH = `/accounts/${SANDBOX_ACCOUNT}/workers/dispatch/namespaces/${NAMESPACE}/scripts/${SCRIPT}`;

/// The user Worker's entry module as the sandbox keeps it (`GET …/content`).
async function userWorkerCode(origin) {
  const reply = await fetch(`${origin}/client/v4${USER_WORKER_PATH}/content`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(reply.status, 200, `GET …/content → ${reply.status}`);
  return Buffer.from(await reply.arrayBuffer());
}

/// The binding-name lint's findings (names read but not bound, bindings never read).
async function envFindings(page) {
  return (await findings(page)).filter((f) => f.rule === "env-name-unbound" || f.rule === "binding-unused");
}

describe("live account, Workers for Platforms: a user Worker loaded, diffed and patched", () => {
  let server;
  let browser;
  let page;
  let kvId;

  before(async () => {
    ({ server, browser, page } = await openSession());
    // A namespace that already exists in the account, for the picker to list next to the new one.
    await createDispatchNamespace(server.origin, TOKEN, OTHER_NAMESPACE);
  });

  after(() => closeSession({ server, browser }));

  it("verifies the token and fills the account id from the chooser", async () => {
    await verifyAndChooseAccount(page, TOKEN, SANDBOX_ACCOUNT);
  });

  it("picks the dispatch namespace in the request bar: lists the existing one, creates another", async () => {
    await page.selectOption(field("request.target"), "dispatch");
    await setField(page, "request.script_name", SCRIPT);
    const before = await pickerItems(page, "request.dispatch_namespace");
    assert.deepEqual(before.map((i) => i.label), [OTHER_NAMESPACE], "the account's namespaces by name");

    const created = await createFromPicker(page, "request.dispatch_namespace", NAMESPACE);
    assert.match(created, new RegExp(`Created ${NAMESPACE}`));
    assert.equal(await page.inputValue(field("request.dispatch_namespace")), NAMESPACE);
    const listed = await api(server.origin, TOKEN, "GET", `/accounts/${SANDBOX_ACCOUNT}/workers/dispatch/namespaces`);
    assert.deepEqual(listed.result.map((n) => n.namespace_name).sort(), [NAMESPACE, OTHER_NAMESPACE]);

    // Picking from the list switches the field; the search narrows the list to the new one.
    const base = await openPicker(page, "request.dispatch_namespace");
    await page.click(`${base}-list .picker-item[data-value="${OTHER_NAMESPACE}"]`);
    await waitFor(async () => (await page.inputValue(field("request.dispatch_namespace"))) === OTHER_NAMESPACE, {
      message: "the namespace picked from the list",
    });
    await openPicker(page, "request.dispatch_namespace");
    await page.fill(`${base}-search`, "prod");
    await page.waitForFunction(
      (list) => document.querySelectorAll(`${list} .picker-item`).length === 1,
      `${base}-list`,
    );
    await page.click(`${base}-list .picker-item[data-value="${NAMESPACE}"]`);
    await waitFor(async () => (await page.inputValue(field("request.dispatch_namespace"))) === NAMESPACE, {
      message: "the created namespace picked back",
    });
    assert.equal(await requestLine(page), `PUT https://api.cloudflare.com/client/v4${USER_WORKER_PATH}`);
  });

  it("creates a KV namespace from the binding picker, binds it as USER_KV and uploads the user Worker", async () => {
    await pickModuleFiles(page, [{ name: "worker.js", content: WORKER, mimeType: "text/javascript" }]);
    await setField(page, "metadata.compatibility_date", "2024-06-01");
    // The code reads env.USER_KV, which nothing binds yet: the binding-name lint says so.
    await waitFor(async () => (await envFindings(page)).some((f) => f.rule === "env-name-unbound" && /USER_KV/.test(f.message)), {
      message: "a warning that USER_KV is read but not bound",
    });
    const kv = await addBinding(page, "kv_namespace");
    await setField(page, `bindings[${kv}].name`, "USER_KV");
    const created = await createFromPicker(page, `bindings[${kv}].namespace_id`, "customer-42-kv");
    assert.match(created, /Created customer-42-kv/);
    kvId = await page.inputValue(field(`bindings[${kv}].namespace_id`));
    assert.match(kvId, /^[0-9a-f]{32}$/, "the new namespace's id fills the field");
    const listed = await api(server.origin, TOKEN, "GET", `/accounts/${SANDBOX_ACCOUNT}/storage/kv/namespaces`);
    assert.ok(listed.result.some((n) => n.id === kvId && n.title === "customer-42-kv"), JSON.stringify(listed.result));

    await waitForPreview(page, {
      main_module: "worker.js",
      bindings: [{ type: "kv_namespace", name: "USER_KV", namespace_id: kvId }],
      compatibility_date: "2024-06-01",
    });
    // Now USER_KV is bound and read: the binding-name lint has nothing left to say.
    await waitFor(async () => (await envFindings(page)).length === 0, { message: "no binding-name warning left" });
    // Nothing is deployed in the namespace under that name yet.
    await page.click("#load-deployed");
    await page.waitForSelector("#deployed-missing");
    await shot(page, "live-wfp-01-user-worker-composed");

    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    assert.match(response.request, new RegExp(`^PUT .*${USER_WORKER_PATH}$`));
    assert.deepEqual(await userWorkerBindings(server.origin, TOKEN, NAMESPACE, SCRIPT), [
      { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
    ]);
    // A user Worker, not an account Worker of the same name.
    const account = await api(server.origin, TOKEN, "GET", `/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}/settings`, undefined, {
      allowFailure: true,
    });
    assert.equal(account.success, false, "no account Worker was written");
  });

  it("loads the user Worker back, adds an R2 bucket, shows USER_KV kept and sends a settings PATCH (seed 001)", async () => {
    await page.click("#load-deployed");
    await page.waitForSelector("#deployed-summary");
    assert.match(await page.textContent("#deployed-summary summary"), /Deployed: 1 binding, compatibility date 2024-06-01/);
    await page.click("#load-without-modules");
    await waitForPreview(page, {
      bindings: [{ type: "kv_namespace", name: "USER_KV", namespace_id: kvId }],
      compatibility_date: "2024-06-01",
    }, "the composition loaded from the user Worker");
    assert.equal(await page.inputValue(field("request.operation")), "settings");
    assert.equal(await page.inputValue(field("request.dispatch_namespace")), NAMESPACE, "still the same user Worker");
    assert.equal(await requestLine(page), `PATCH https://api.cloudflare.com/client/v4${USER_WORKER_PATH}/settings`);
    // Loaded without modules: the panel says the deployed code stays, not that modules are held back.
    assert.match(await page.textContent("section.modules"), /the deployed code stays as it is/);

    const r2 = await addBinding(page, "r2_bucket");
    await setField(page, `bindings[${r2}].name`, "STORAGE");
    await createFromPicker(page, `bindings[${r2}].bucket_name`, BUCKET);
    assert.equal(await page.inputValue(field(`bindings[${r2}].bucket_name`)), BUCKET);
    await waitForPreview(page, {
      bindings: [
        { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
        { type: "r2_bucket", name: "STORAGE", bucket_name: BUCKET },
      ],
      compatibility_date: "2024-06-01",
    });

    assert.match(await diffLine(page, "STORAGE"), /R2 bucket binding STORAGE will be added/);
    assert.match(await diffLine(page, "USER_KV"), /KV namespace binding USER_KV is kept/);
    assert.equal(await page.locator('#diff li[data-change="removed"]').count(), 0, "nothing would be removed");
    await shot(page, "live-wfp-02-diff-before-patch");

    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    assert.match(response.request, new RegExp(`^PATCH .*${USER_WORKER_PATH}/settings$`));
    // The comparison is read again after the send: nothing left to change.
    await page.waitForSelector("#diff-empty");
    await shot(page, "live-wfp-03-after-patch");

    const expected = [
      { type: "kv_namespace", name: "USER_KV", namespace_id: kvId },
      { type: "r2_bucket", name: "STORAGE", bucket_name: BUCKET },
    ];
    assert.deepEqual(await userWorkerBindings(server.origin, TOKEN, NAMESPACE, SCRIPT), expected);
    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT, NAMESPACE);
    assert.deepEqual(settings.bindings, expected);
    assert.equal(settings.compatibility_date, "2024-06-01");
    // A settings PATCH leaves the code as uploaded.
    assert.deepEqual(await userWorkerCode(server.origin), WORKER);
  });

  it("the token is not in storage, the URL or the server log", async () => {
    await page.waitForTimeout(400); // let the debounced save run
    assert.ok(!(await storageText(page)).includes(TOKEN), "storage holds the token");
    assert.ok(!page.url().includes(TOKEN), "the URL holds the token");
    assert.ok(server.log().includes(`/workers/dispatch/namespaces/${NAMESPACE}/scripts/${SCRIPT}/settings`), "the log has the requests");
    assert.ok(!server.log().includes(TOKEN), "the server log holds the token");
    await page.reload();
    await waitUntilReady(page);
    assert.equal(await page.inputValue(field("token")), "");
    assert.deepEqual(page.problems, []);
  });
});
