// Send (issue 4): the API's errors explained next to the field they concern, the auth
// explanation for a missing or malformed token, the token kept out of storage, the URL and the
// server's log, and the active upstream always visible.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import {
  enterToken, field, fieldId, findings, focusedId, pickModuleFiles, send, showOutput, storageText,
  waitFor, waitForPreview,
} from "./lib/app.mjs";
import { shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";

const TOKEN = "e2e-send-token-Qr7Vw";
const SCRIPT = "e2e-send";
const WORKER = 'export default {\n  fetch() {\n    return new Response("hello");\n  },\n};\n';

// A composition whose entry names a part that is not among the modules.
const MISSING_ENTRY = {
  format: 1,
  request: { target: "account", operation: "upload", account_id: SANDBOX_ACCOUNT, script_name: SCRIPT },
  metadata: { main_module: "index.js", compatibility_date: "2024-06-01" },
  modules: [{ name: "worker.js", kind: "esm", content: WORKER }],
};

/// Clicks an explanation's "Go to" button and waits for the focus to land on its field.
async function jumpTo(page, at) {
  await page.click(`#response-explanations button.jump[data-at="${at}"]`);
  await waitFor(async () => (await focusedId(page)) === fieldId(at), { message: `focus on ${at}` });
}

describe("send", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openSession());
  });

  after(() => closeSession({ server, browser }));

  it("shows the active upstream", async () => {
    assert.equal(await page.getAttribute("#upstream", "data-upstream"), "sandbox");
    assert.match(await page.textContent("#upstream"), /sandbox/i);
  });

  it("a main module missing from the parts: the API's error explained, linked to the entry field", async () => {
    await page.setInputFiles("#import-file", {
      name: "missing-entry.bindery.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(MISSING_ENTRY)),
    });
    await waitForPreview(page, { main_module: "index.js", bindings: [], compatibility_date: "2024-06-01" });
    // The checks see it before sending.
    await waitFor(async () => (await findings(page)).some((f) => f.level === "error" && f.at === "metadata.main_module"), {
      message: "an error finding on the main module",
    });

    // Without a token nothing can be sent, and the page says why.
    assert.ok(await page.isDisabled("#send-request"));
    assert.ok(await page.isDisabled("#verify-token"));
    assert.match(await page.textContent("#send"), /Enter an API token first/);

    await enterToken(page, TOKEN);
    // The checks' errors disable Send; the API's own answer is what this test is about.
    assert.ok(await page.isDisabled("#send-request"), "Send is enabled despite the errors");
    const response = await send(page, { despiteErrors: true });
    await shot(page, "send-01-missing-main-module");
    assert.equal(response.status, 400, JSON.stringify(response));
    assert.ok(!response.success);
    const [error] = response.explanations;
    assert.equal(error.code, "10021");
    assert.match(error.message, /No such module/i);
    assert.match(error.why, /index\.js/);
    assert.equal(error.at, "metadata.main_module");
    // Also shown under the field itself, until the composition changes.
    const inline = await page.$eval('.compose .notes [data-rule="api-error"]', (note, id) => ({
      text: note.textContent,
      nextToField: Boolean(note.closest(".panel")?.querySelector(`[id="${id}"]`)),
    }), fieldId("metadata.main_module"));
    assert.match(inline.text, /index\.js/);
    assert.ok(inline.nextToField, "the API's error is not in the entry field's panel");
    await jumpTo(page, "metadata.main_module");
  });

  it("an ES module sent as CommonJS: the error points at the module's kind", async () => {
    await page.selectOption(field("metadata.main_module"), "worker.js");
    await waitFor(async () => (await page.$$('[data-rule="api-error"]')).length === 0, {
      message: "the API's inline error gone once the composition changed",
    });
    await page.selectOption(field("modules[0].kind"), "commonjs");
    await waitFor(async () => {
      const parts = await page.$$eval("#parts-table tbody tr td:nth-child(3)", (cells) => cells.map((c) => c.textContent));
      return parts[1] === "application/javascript";
    }, { message: "worker.js sent as application/javascript" });

    const response = await send(page, { despiteErrors: true });
    await shot(page, "send-02-esm-as-commonjs");
    assert.equal(response.status, 400, JSON.stringify(response));
    const [error] = response.explanations;
    assert.equal(error.code, "10021");
    assert.match(error.message, /Unexpected token 'export'/);
    assert.match(error.why, /ES module/);
    assert.equal(error.at, "modules[0].kind");
    await jumpTo(page, "modules[0].kind");

    // Fixed, the same upload goes through.
    await page.selectOption(field("modules[0].kind"), "esm");
    const fixed = await send(page);
    assert.equal(fixed.status, 200, JSON.stringify(fixed));
    assert.ok(fixed.success);
    await shot(page, "send-03-fixed");
  });

  it("a malformed token gets the authentication explanation, linked to the token field", async () => {
    await enterToken(page, "not a token");
    await page.click("#verify-token");
    await page.waitForSelector("#verify-result li.explanation");
    const verify = await page.$eval("#verify-result li.explanation", (li) => ({
      code: li.dataset.code,
      at: li.querySelector("button.jump")?.dataset.at,
    }));
    assert.equal(verify.at, "token");
    assert.ok(["10000", "9106", "9109", "6003", "6111", "1000"].includes(verify.code), verify.code);
    // An answer about an earlier token is not shown for the one now entered.
    await enterToken(page, "not a token either");
    await page.waitForSelector("#verify-result", { state: "detached" });
    await enterToken(page, "not a token");

    const response = await send(page);
    await shot(page, "send-04-bad-token");
    assert.equal(response.status, 401, JSON.stringify(response));
    const [error] = response.explanations;
    assert.ok(["10000", "9106", "9109", "6003", "6111", "1000"].includes(error.code), error.code);
    assert.match(error.why, /token/i);
    assert.equal(error.at, "token");
    await jumpTo(page, "token");
  });

  it("shows the progress of a large upload", async () => {
    await enterToken(page, TOKEN);
    const big = Buffer.alloc(2 * 1024 * 1024, 0x5a);
    await pickModuleFiles(page, [{ name: "big.bin", content: big }]);
    await waitFor(async () => (await page.$$('[data-testid="module-row"]')).length === 2, { message: "big.bin added" });
    // About two seconds of upload at 1 MB/s, so the progress can be seen.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024,
    });
    try {
      await page.click("#send-request");
      await page.waitForFunction(() => {
        const bar = document.querySelector("#send-progress");
        const value = Number(bar?.getAttribute("value"));
        return value > 0 && value < Number(bar.getAttribute("max"));
      });
      assert.match(await page.textContent(".progress"), /\d+% uploaded/);
      assert.equal(await page.textContent("#send-request"), "Sending…");
      await shot(page, "send-05-progress");
      await page.waitForSelector("#response");
      await page.waitForFunction(() => document.querySelector("#send-request")?.textContent === "Send");
    } finally {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
      });
      await cdp.detach();
    }
    assert.equal(await page.getAttribute("#response", "data-status"), "200");
    await page.click('button[aria-label="Remove big.bin"]');
  });

  it("keeps the token out of storage, the URL, the curl and the server log", async () => {
    await enterToken(page, TOKEN);
    const response = await send(page);
    assert.ok(response.success);
    await page.waitForTimeout(400); // let the debounced save run

    const stored = await storageText(page);
    assert.ok(stored.includes(SCRIPT), "the composition is saved");
    for (const token of [TOKEN, "not a token"]) {
      assert.ok(!stored.includes(token), `storage holds ${token}`);
      assert.ok(!page.url().includes(token), `the URL holds ${token}`);
      await showOutput(page, "curl");
      assert.ok(!(await page.textContent("#curl-text")).includes(token), `the curl holds ${token}`);
      assert.ok(!server.log().includes(token), `the server log holds ${token}`);
    }
    assert.ok(!server.log().toLowerCase().includes("bearer"), "the server log holds an Authorization header");
    // The log does have one line per upload.
    const uploads = server.log().split("\n").filter((line) => line.includes(`PUT /client/v4/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}`));
    assert.equal(uploads.length, 6, server.log());

    // A reload forgets the token entirely.
    await page.reload();
    await page.waitForSelector("#send-request");
    assert.equal(await page.inputValue(field("token")), "");
    assert.ok(await page.isDisabled("#send-request"));
    assert.deepEqual(page.problems, []);
  });
});
