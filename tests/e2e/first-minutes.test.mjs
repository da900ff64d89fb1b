// The first five minutes (issue 14), as a newcomer lives them against the sandbox:
//  - a blank page greets with a neutral to-do list, not errors;
//  - the forum seed (a Worker with a KV namespace), the docs seed up to its step 2 (R2 added
//    to a user Worker by a settings PATCH that keeps KV) and a Worker with static assets reach
//    a 200 from the sandbox in a counted number of actions, starting from the examples. Every action goes through one
//    wrapper (lib/actions.mjs); these tests make no direct API call, read no storage and run
//    no script in the page. Each action leaves a screenshot (newcomer-*.png);
//  - at 1440×900, in light and dark, the metadata JSON and the Copy curl button stay in the
//    viewport after a binding is added at the end of a long form and while it is edited.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import { addBinding, field, findings, todos, waitFor } from "./lib/app.mjs";
import { recordCount, userActions } from "./lib/actions.mjs";
import { launchChromium, newPage, viewShot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { startBindery } from "./lib/server.mjs";

const TOKEN = "e2e-newcomer-token-Pw3x";
const DESKTOP = { width: 1440, height: 900 };

/// Opens the app on a fresh page (a new browser context: nothing stored) without running any
/// script in it: waits for the upstream badge.
async function freshPage(browser, origin, options = {}) {
  const page = await newPage(browser, origin, { viewport: DESKTOP, ...options });
  await page.goto(origin);
  await page.waitForSelector('#upstream[data-upstream="sandbox"]');
  return page;
}

/// Waits for Send's answer to a request whose line contains `what`; returns its status.
async function answer(page, what) {
  await page.waitForSelector(`#response .response-line code:text-matches("${what}")`, { timeout: 20000 });
  return Number(await page.getAttribute("#response", "data-status"));
}

/// The deployed Worker's bindings as the "Deployed Worker" panel lists them (read with its
/// button, after the counted task): `{ name: type label }`.
async function deployedBindings(page) {
  await page.click("#load-deployed");
  await page.waitForSelector("#deployed-summary");
  return Object.fromEntries(
    await page.$$eval("#deployed-summary li.deployed-binding", (items) =>
      items.map((li) => [li.dataset.name, li.querySelector(".help")?.textContent]),
    ),
  );
}

/// Whether the element is wholly inside the viewport.
async function inViewport(page, selector) {
  const box = await page.locator(selector).boundingBox();
  const { width, height } = page.viewportSize();
  return Boolean(box) && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

describe("the first five minutes", () => {
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

  it("a blank page shows no error before any input, and names the three things to do", async () => {
    const page = await freshPage(browser, server.origin);
    const listed = await waitFor(async () => {
      const items = await todos(page);
      return items.length > 0 && items;
    }, { message: "the to-do list" });
    assert.deepEqual(listed.map((t) => t.label), ["account id", "script name", "a module"]);
    assert.deepEqual(listed.map((t) => t.at), ["request.account_id", "request.script_name", "metadata.main_module"]);
    assert.deepEqual((await findings(page)).filter((f) => f.level === "error"), []);
    assert.equal(await page.locator(".note.error, .finding.error").count(), 0, "something red on the page");
    assert.equal((await page.textContent('[data-testid="error-count"]')).trim(), "0 errors");
    // The examples are offered.
    assert.ok(await page.isVisible("#example-kv-worker"));
    await viewShot(page, "newcomer-00-blank");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("the forum seed: from a fresh page to a 200 in at most 8 actions, with the example", async () => {
    const aim = 8;
    const page = await freshPage(browser, server.origin);
    const user = userActions(page, { name: "newcomer-forum", aim });
    await user.click("#example-kv-worker", "start from “Worker with a KV namespace”");
    await user.type(field("token"), TOKEN);
    await user.click("#verify-token", "verify the token");
    // The token reaches one account: it replaces the placeholder.
    await waitFor(async () => (await page.inputValue(field("request.account_id"))) === SANDBOX_ACCOUNT, {
      message: "the account id filled in",
    });
    await user.click("#create-resources", "find or create the KV namespace");
    await page.waitForSelector("#example-done");
    assert.match(await page.textContent("#example-done"), /Created the KV namespace visit-counter-USER_KV/);
    assert.deepEqual(await todos(page), [], "nothing left to do");
    await user.click("#send-request", "send");
    assert.equal(await answer(page, "PUT .*/workers/scripts/visit-counter"), 200);
    recordCount("forum seed (Worker with KV)", user, aim);
    assert.ok(user.count <= aim, `${user.count} actions: ${user.steps.join(" → ")}`);

    assert.deepEqual(await deployedBindings(page), { USER_KV: "KV namespace" });
    await viewShot(page, "newcomer-forum-done");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("the docs seed up to step 2: from a fresh page to the settings PATCH's 200 in at most 10 actions", async () => {
    const aim = 10;
    const page = await freshPage(browser, server.origin);
    const user = userActions(page, { name: "newcomer-docs", aim });
    // Step 1: the user Worker with its KV namespace, in the dispatch namespace.
    await user.click("#example-wfp-user-worker-kv", "start from the user Worker with KV");
    await user.type(field("token"), TOKEN);
    await user.click("#verify-token", "verify the token");
    await waitFor(async () => (await page.inputValue(field("request.account_id"))) === SANDBOX_ACCOUNT, {
      message: "the account id filled in",
    });
    await user.click("#create-resources", "find or create the dispatch namespace and the KV namespace");
    await page.waitForSelector("#example-done");
    assert.match(await page.textContent("#example-done"), /dispatch namespace production/);
    await user.click("#send-request", "send step 1");
    assert.equal(await answer(page, "PUT .*/dispatch/namespaces/production/scripts/customer-42"), 200);

    // Step 2: R2 added by a settings PATCH that keeps USER_KV.
    await user.selectOption("#example-menu", "wfp-add-r2-keep-kv", "start from “Add R2 to that user Worker”");
    assert.equal(await page.inputValue(field("request.account_id")), SANDBOX_ACCOUNT, "the account stays");
    await user.click("#create-resources", "find or create the R2 bucket");
    await page.waitForSelector("#example-done");
    assert.match(await page.textContent("#example-done"), /R2 bucket customer-42-files/);
    await user.click("#send-request", "send step 2");
    assert.equal(await answer(page, "PATCH .*/scripts/customer-42/settings"), 200);
    recordCount("docs seed up to step 2 (user Worker with KV, then R2 keeping KV)", user, aim);
    assert.ok(user.count <= aim, `${user.count} actions: ${user.steps.join(" → ")}`);

    assert.deepEqual(await deployedBindings(page), { USER_KV: "KV namespace", STORAGE: "R2 bucket" });
    await viewShot(page, "newcomer-docs-done");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("a Worker with static assets: from a fresh page to a 200 with the example's assets folder uploaded, in at most 8 actions", async () => {
    const aim = 8;
    const page = await freshPage(browser, server.origin);
    const user = userActions(page, { name: "newcomer-assets", aim });
    await user.click("#example-static-assets", "start from “Worker with static assets”");
    // The example's folder is in the assets panel, and its upload is what is left to do.
    await waitFor(async () => /^public: 3 files/.test((await page.textContent("#assets-summary")) ?? ""), {
      message: "the example's assets folder read and hashed",
    });
    assert.deepEqual((await todos(page)).map((t) => t.label), [
      "account id (replace the placeholder)", "ASSETS: upload the assets folder",
    ]);
    await user.type(field("token"), TOKEN);
    await user.click("#verify-token", "verify the token");
    await waitFor(async () => (await page.inputValue(field("request.account_id"))) === SANDBOX_ACCOUNT, {
      message: "the account id filled in",
    });
    await user.click("#assets-upload", "upload the assets folder");
    await page.waitForSelector("#assets-result", { timeout: 20000 });
    assert.match(await page.textContent("#assets-result"), /Uploaded 3 file\(s\)/);
    assert.deepEqual(await todos(page), [], "nothing left to do");
    assert.match(await page.textContent("#metadata-json"), /"jwt"/);
    await user.click("#send-request", "send");
    assert.equal(await answer(page, "PUT .*/workers/scripts/my-site"), 200);
    recordCount("Worker with static assets", user, aim);
    assert.ok(user.count <= aim, `${user.count} actions: ${user.steps.join(" → ")}`);

    assert.deepEqual(Object.keys(await deployedBindings(page)), ["ASSETS"]);
    await viewShot(page, "newcomer-assets-done");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("after the first binding the palette folds to its search box and the most used types; the full list opens on demand", async () => {
    const page = await freshPage(browser, server.origin);
    const typeButtons = () => page.locator("#binding-types button.type:visible").count();
    const everyType = await typeButtons();
    assert.ok(everyType > 40, `${everyType} types offered on a blank page`);
    // Type to filter, Enter adds the first match.
    await page.fill("#binding-search", "kv");
    await page.press("#binding-search", "Enter");
    await page.waitForSelector('[data-testid="binding"]');
    assert.equal(await page.inputValue("#binding-search"), "kv");
    await page.fill("#binding-search", "");
    // Folded: the most used types only.
    await page.waitForSelector("#binding-types.most-used");
    assert.ok((await typeButtons()) <= 8, "the folded palette shows at most eight types");
    assert.ok(await page.isVisible("#add-binding-r2_bucket"));
    assert.ok(!(await page.isVisible("#add-binding-analytics_engine")), "a rarer type shows while folded");
    assert.equal(await page.getAttribute("#binding-types-toggle", "aria-expanded"), "false");
    await viewShot(page, "newcomer-palette-folded");
    // The full list on demand…
    await page.click("#binding-types-toggle");
    assert.equal(await page.getAttribute("#binding-types-toggle", "aria-expanded"), "true");
    assert.equal(await typeButtons(), everyType);
    await page.click("#binding-types-toggle");
    // …and a search still reaches every type.
    await page.fill("#binding-search", "analytics");
    await page.waitForSelector("#add-binding-analytics_engine");
    await page.press("#binding-search", "Enter");
    await waitFor(async () => (await page.locator('[data-testid="binding"]').count()) === 2, { message: "the second binding" });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("on a narrow window the output follows the form, and a link jumps to it", async () => {
    const wide = await freshPage(browser, server.origin);
    assert.ok(!(await wide.isVisible("#jump-to-output")), "the link shows beside the output");
    await wide.context().close();
    const page = await freshPage(browser, server.origin, { viewport: { width: 700, height: 900 } });
    assert.ok(!(await inViewport(page, "#output-title")), "the output is under the form");
    await page.click("#jump-to-output");
    await waitFor(async () => inViewport(page, "#output-title"), { message: "the output in view after the jump" });
    await viewShot(page, "newcomer-narrow-jumped");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  for (const colorScheme of ["light", "dark"]) {
    it(`at 1440×900 (${colorScheme}), the metadata JSON and Copy curl stay in view while a new binding is edited`, async () => {
      const page = await freshPage(browser, server.origin, { colorScheme });
      // A long form: twelve bindings, then one more added at its end.
      const bindings = Array.from({ length: 12 }, (_, i) => ({
        type: "plain_text", name: `SETTING_${i}`, text: `value ${i}`,
      }));
      await page.setInputFiles("#import-file", {
        name: "long.bindery.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify({
          format: 1,
          request: { target: "account", operation: "upload", account_id: SANDBOX_ACCOUNT, script_name: "long-form" },
          metadata: { main_module: "index.js", bindings, compatibility_date: "2025-06-01" },
          modules: [{ name: "index.js", kind: "esm", content: "export default { fetch() { return new Response('hi'); } };\n" }],
        })),
      });
      await waitFor(async () => (await page.locator('[data-testid="binding"]').count()) === 12, { message: "the import" });
      const checkInView = async (moment) => {
        for (const selector of ["#metadata-json", "#copy-curl", "#request-line"]) {
          assert.ok(await inViewport(page, selector), `${selector} is out of view ${moment} (${colorScheme})`);
        }
      };
      const index = await addBinding(page, "r2_bucket");
      await checkInView("after adding a binding");
      await page.keyboard.type("FILES"); // the new binding's name field has the focus
      await checkInView("while typing its name");
      await page.click(field(`bindings[${index}].bucket_name`));
      await page.keyboard.type("my-files");
      await checkInView("while typing its bucket");
      await waitFor(async () => (await page.textContent("#metadata-json")).includes('"my-files"'), {
        message: "the edit in the JSON",
      });
      await viewShot(page, `newcomer-visible-${colorScheme}`);
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }
});
