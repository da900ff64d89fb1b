// Every request the app can build, sent to the sandbox through the proxy: upload, version,
// content-only and settings PATCH; strict inheritance; and the API's refusals about the request
// itself (account id, dispatch namespace, a binding to a missing namespace), each explained and
// linked to its field.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import {
  addBinding, enterToken, field, fieldId, findings, focusedId, pickModuleFiles, previewJson,
  previewParts, requestLine, send, setField, showOutput, waitFor,
} from "./lib/app.mjs";
import { scriptSettings } from "./lib/api.mjs";
import { shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";

const TOKEN = "e2e-requests-token-Vd5";
const SCRIPT = "e2e-requests";
const API = "https://api.cloudflare.com/client/v4";
const SCRIPT_URL = `${API}/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}`;
const WORKER = "export default {\n  fetch(request, env) {\n    return new Response(env.MODE);\n  },\n};\n";

/// Chooses an operation and waits for the request line to follow.
async function chooseOperation(page, operation, line) {
  await page.selectOption(field("request.operation"), operation);
  await waitFor(async () => (await requestLine(page)) === line, { message: `request line ${line}` });
}

describe("requests", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openSession());
    await setField(page, "request.account_id", SANDBOX_ACCOUNT);
    await setField(page, "request.script_name", SCRIPT);
    await pickModuleFiles(page, [{ name: "worker.js", content: WORKER, mimeType: "text/javascript" }]);
    const mode = await addBinding(page, "plain_text");
    await setField(page, `bindings[${mode}].name`, "MODE");
    await setField(page, `bindings[${mode}].text`, "one");
    await setField(page, "metadata.compatibility_date", "2024-06-01");
    await enterToken(page, TOKEN);
  });

  after(() => closeSession({ server, browser }));

  it("fields that do not apply are disabled with a reason", async () => {
    assert.ok(await page.isDisabled(field("request.dispatch_namespace")));
    assert.match(await page.textContent(".request"), /Only for Workers for Platforms user Workers/);
    await page.selectOption(field("request.operation"), "settings");
    assert.ok(await page.isDisabled(field("request.bindings_inherit_strict")));
    assert.match(await page.textContent(".request"), /Only for uploads and version uploads/);
    assert.match(await page.textContent(".modules"), /settings PATCH sends no code/);
    await page.selectOption(field("request.operation"), "upload");
    assert.ok(!(await page.isDisabled(field("request.bindings_inherit_strict"))));
  });

  it("uploads, then uploads a version, then the content only, each accepted", async () => {
    const cases = [
      ["upload", `PUT ${SCRIPT_URL}`],
      ["version", `POST ${SCRIPT_URL}/versions`],
      ["content", `PUT ${SCRIPT_URL}/content`],
    ];
    for (const [operation, line] of cases) {
      await chooseOperation(page, operation, line);
      assert.deepEqual((await previewParts(page)).map((p) => p.name), ["metadata", "worker.js"]);
      const response = await send(page);
      assert.equal(response.status, 200, `${operation}: ${JSON.stringify(response)}`);
      assert.ok(response.success, `${operation}: ${JSON.stringify(response)}`);
      assert.equal(response.request, line.replace(API, "/client/v4"));
    }
    await shot(page, "requests-01-content-upload");
  });

  it("a settings PATCH sends one `settings` part and changes the binding", async () => {
    await chooseOperation(page, "settings", `PATCH ${SCRIPT_URL}/settings`);
    await setField(page, "bindings[0].text", "two");
    await waitFor(async () => (await previewParts(page)).map((p) => p.name).join() === "settings", {
      message: "only the settings part",
    });
    assert.match(await page.textContent("#output-metadata h3"), /Part `settings`/);
    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    const settings = await scriptSettings(server.origin, TOKEN, SCRIPT);
    assert.deepEqual(settings.bindings, [{ type: "plain_text", name: "MODE", text: "two" }]);
  });

  it("strict inheritance goes into the query string, and the log shows the key only", async () => {
    await chooseOperation(page, "upload", `PUT ${SCRIPT_URL}`);
    await page.check(field("request.bindings_inherit_strict"));
    await waitFor(async () => (await requestLine(page)) === `PUT ${SCRIPT_URL}?bindings_inherit=strict`, {
      message: "the strict query",
    });
    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    assert.match(server.log(), new RegExp(`PUT /client/v4/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}\\?bindings_inherit=… 200`));
    await page.uncheck(field("request.bindings_inherit_strict"));
  });

  it("refusals about the request are explained and lead to their field", async () => {
    const refusals = [
      {
        change: () => setField(page, "request.account_id", "0123456789abcdef0123456789abcdef"),
        undo: () => setField(page, "request.account_id", SANDBOX_ACCOUNT),
        code: "7003",
        at: "request.account_id",
      },
      {
        change: async () => {
          await page.selectOption(field("request.target"), "dispatch");
          await setField(page, "request.dispatch_namespace", "no-such-namespace");
        },
        undo: () => page.selectOption(field("request.target"), "account"),
        code: "100119",
        at: "request.dispatch_namespace",
      },
      {
        change: async () => {
          const kv = await addBinding(page, "kv_namespace");
          await setField(page, `bindings[${kv}].name`, "MISSING_KV");
          await setField(page, `bindings[${kv}].namespace_id`, "ffffffffffffffffffffffffffffffff");
        },
        undo: () => page.click('button[aria-label="Remove binding MISSING_KV"]'),
        code: "10041",
        at: "bindings[1].namespace_id",
      },
    ];
    for (const refusal of refusals) {
      await refusal.change();
      const response = await send(page);
      assert.ok(!response.success, JSON.stringify(response));
      const explained = response.explanations.find((e) => e.code === refusal.code);
      assert.ok(explained, `no explanation for ${refusal.code}: ${JSON.stringify(response)}`);
      assert.equal(explained.at, refusal.at);
      await shot(page, `requests-02-refused-${refusal.code}`);
      await page.click(`#response-explanations button.jump[data-at="${refusal.at}"]`);
      await waitFor(async () => (await focusedId(page)) === fieldId(refusal.at), { message: `focus on ${refusal.at}` });
      await refusal.undo();
    }
    const fine = await send(page);
    assert.ok(fine.success, JSON.stringify(fine));
    assert.deepEqual(page.problems, []);
  });
  it("an account id, script name or namespace that would change the endpoint is neither sent nor rendered", async () => {
    const cases = [
      { at: "request.account_id", value: "..", undo: SANDBOX_ACCOUNT },
      { at: "request.script_name", value: ".", undo: SCRIPT },
      { at: "request.script_name", value: "a/b", undo: SCRIPT },
    ];
    // The curl tab shows what would be rendered.
    await showOutput(page, "curl");
    for (const { at, value, undo } of cases) {
      await setField(page, at, value);
      await waitFor(async () => (await page.isDisabled("#send-request")), { message: `Send disabled for ${at} ${value}` });
      assert.match(await page.textContent("#send-blocked"), /Not sent: .* would /);
      const problems = await findings(page);
      assert.ok(problems.some((f) => f.rule === "endpoint-segment-unsafe" && f.at === at), JSON.stringify(problems));
      const curl = await page.textContent("#curl-text");
      assert.match(curl, /^# not rendered: /);
      assert.doesNotMatch(curl, /curl --path-as-is/);
      await shot(page, `requests-03-endpoint-${at.split(".")[1]}`);
      await setField(page, at, undo);
      await waitFor(async () => !(await page.isDisabled("#send-request")), { message: "Send enabled again" });
      assert.match(await page.textContent("#curl-text"), /curl --path-as-is -X PUT/);
    }
    assert.deepEqual(page.problems, []);
  });

  it("a settings PATCH says what it does with each list; removing the last binding removes all, and it can be left unchanged again", async () => {
    await showOutput(page, "metadata");
    await chooseOperation(page, "settings", `PATCH ${SCRIPT_URL}/settings`);
    const state = (name) => page.getAttribute(`[data-testid="patch-list-${name}"]`, "data-state");
    assert.equal(await state("bindings"), "Replace");
    assert.equal(await state("compatibility_flags"), "Unchanged");
    await page.click('[aria-label="Remove binding MODE"]');
    await waitFor(async () => (await state("bindings")) === "Remove all", { message: "remove all" });
    assert.deepEqual((await previewJson(page)).bindings, []);
    await shot(page, "requests-04-patch-remove-all");
    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    assert.deepEqual((await scriptSettings(server.origin, TOKEN, SCRIPT)).bindings, []);
    await page.click('[data-testid="patch-list-bindings-switch"]');
    await waitFor(async () => (await state("bindings")) === "Unchanged", { message: "unchanged again" });
    assert.equal((await previewJson(page)).bindings, undefined);
    assert.deepEqual(page.problems, []);
  });
});
