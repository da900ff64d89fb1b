// Deploying like the dashboard (issue 12), in the app through the proxy against the sandbox:
// a Worker with a folder of static assets uploaded and deployed; a second version deployed at
// 100 % and then split 90/10; a rollback; a secret put and deleted. After each, what the
// Deployed Worker panel shows, checked against the sandbox's own lists.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { addBinding, field, pickModuleFiles, previewJson, send, setField, storageText, waitFor } from "./lib/app.mjs";
import { api } from "./lib/api.mjs";
import { shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";
import { pageText, verifyAndChooseAccount } from "./lib/live.mjs";

const TOKEN = "e2e-deploy-token-Wn4";
const SCRIPT = "e2e-deploy-site";
const SECRET = "e2e-deploy-secret-value-Kp9";
const worker = (greeting) =>
  `export default { fetch(request, env) { return new URL(request.url).pathname.startsWith("/api") ? new Response("${greeting}") : env.ASSETS.fetch(request) } }\n`;
const script = (rest = "") => `/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}${rest}`;

/// The panel's versions: `{ id, share }` each, newest first.
const versions = (page) =>
  page.$$eval("#versions li.version", (items) =>
    items.map((li) => ({ id: li.dataset.versionId, share: Number(li.dataset.share) })),
  );

/// Reads the panel again and waits until it shows `count` versions.
async function readHistory(page, count) {
  await page.click("#load-history");
  await waitFor(async () => (await versions(page)).length === count, { message: `${count} version(s) listed` });
}

/// Presses Deploy and waits for the panel to say it worked and to show the new state.
async function deploy(page) {
  await page.click("#deploy-button");
  await page.waitForSelector("#deployed-action-result.ok");
  return (await page.textContent("#deployed-action-result")).trim();
}

const changes = (page) => page.$$eval("#deploy-changes li", (items) => items.map((li) => li.textContent.trim()));

describe("deploy: assets, versions, gradual deployments, rollback, secrets", () => {
  let server;
  let browser;
  let page;
  let folder;
  let first;
  let second;

  before(async () => {
    ({ server, browser, page } = await openSession());
    folder = mkdtempSync(join(tmpdir(), "bindery-e2e-assets-"));
    const site = join(folder, "site");
    mkdirSync(join(site, "css"), { recursive: true });
    writeFileSync(join(site, "index.html"), "<!doctype html><h1>Hello from the assets</h1>\n");
    writeFileSync(join(site, "css/site.css"), "h1 { color: rebeccapurple }\n");
    writeFileSync(join(site, "notes.md"), "left out by .assetsignore\n");
    writeFileSync(join(site, ".assetsignore"), "*.md\n");
    writeFileSync(join(site, "_headers"), "/*\n  X-Frame-Options: DENY\n");
  });

  after(async () => {
    await closeSession({ server, browser });
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("uploads a folder of assets and deploys the Worker with them", async () => {
    await verifyAndChooseAccount(page, TOKEN, SANDBOX_ACCOUNT);
    await setField(page, "request.script_name", SCRIPT);
    await pickModuleFiles(page, [{ name: "worker.js", content: worker("v1"), mimeType: "text/javascript" }]);
    await setField(page, "metadata.compatibility_date", "2025-02-01");
    const binding = await addBinding(page, "assets");
    await setField(page, `bindings[${binding}].name`, "ASSETS");

    await page.setInputFiles("#assets-folder", join(folder, "site"));
    await page.waitForSelector("#assets-summary");
    assert.match(await page.textContent("#assets-summary"), /^site: 2 files, /, ".assetsignore leaves notes.md out");
    await page.selectOption("#assets-not-found", "404-page");
    await shot(page, "deploy-01-assets-hashed");
    await page.click("#assets-upload");
    await page.waitForSelector("#assets-result");
    assert.match(await page.textContent("#assets-result"), /Uploaded 2 file\(s\), 0 already there/);
    const metadata = await previewJson(page);
    assert.match(metadata.assets.jwt, /\S{10,}/, "the completion token is in metadata.assets.jwt");
    assert.equal(metadata.assets.config.not_found_handling, "404-page");
    assert.equal(metadata.assets.config._headers, "/*\n  X-Frame-Options: DENY\n");

    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    await page.click("#load-deployed");
    await readHistory(page, 1);
    [{ id: first }] = await versions(page);
    assert.deepEqual(await versions(page), [{ id: first, share: 100 }]);
    assert.match(await page.textContent("#current-deployment"), /Serving now: .* at 100 %/);
    await shot(page, "deploy-02-uploaded-with-assets");
  });

  it("deploys a second version at 100 %, showing what changes first", async () => {
    await page.selectOption(field("request.operation"), "version");
    await pickModuleFiles(page, [{ name: "worker.js", content: worker("v2"), mimeType: "text/javascript" }]);
    // A completion token is good for one upload: a new session finds every file there already.
    await page.click("#assets-upload");
    await waitFor(async () => /Uploaded 0 file\(s\), 2 already there/.test(await page.textContent("#assets-result").catch(() => "")), {
      message: "a second session that uploads nothing",
    });
    const response = await send(page);
    assert.ok(response.success, JSON.stringify(response));
    await readHistory(page, 2);
    [{ id: second }] = await versions(page);
    assert.notEqual(second, first);
    assert.deepEqual(await versions(page), [{ id: second, share: 0 }, { id: first, share: 100 }], "a version upload deploys nothing");

    assert.equal(await page.inputValue("#deploy-version"), second, "the form starts on the newest version");
    await page.fill("#deploy-message", "ship v2");
    assert.deepEqual(await changes(page), [`#1 ${first.slice(0, 8)}: 100 % → 0 %`, `#2 ${second.slice(0, 8)}: 0 % → 100 %`]);
    await shot(page, "deploy-03-what-deploy-changes");
    assert.match(await deploy(page), /Deployed .* at 100 %/);
    await waitFor(async () => (await versions(page))[0].share === 100, { message: "v2 at 100 %" });
    const listed = await api(server.origin, TOKEN, "GET", script("/deployments"));
    assert.deepEqual(listed.result.deployments[0].versions, [{ version_id: second, percentage: 100 }]);
    assert.equal(listed.result.deployments[0].annotations["workers/message"], "ship v2");
  });

  it("splits the traffic 90/10 between the two versions", async () => {
    await page.fill("#deploy-share", "90");
    await page.selectOption("#deploy-second", first);
    assert.deepEqual(await changes(page), [`#2 ${second.slice(0, 8)}: 100 % → 90 %`, `#1 ${first.slice(0, 8)}: 0 % → 10 %`]);
    await page.fill("#deploy-tag", "canary");
    await deploy(page);
    await waitFor(async () => (await versions(page)).map((v) => v.share).join() === "90,10", { message: "the 90/10 split listed" });
    assert.match(await page.textContent("#current-deployment"), /at 90 %, .* at 10 %/);
    const listed = await api(server.origin, TOKEN, "GET", script("/deployments"));
    assert.deepEqual(listed.result.deployments[0].versions, [
      { version_id: second, percentage: 90 },
      { version_id: first, percentage: 10 },
    ]);
    await shot(page, "deploy-04-split-90-10");
  });

  it("rolls back to the first version", async () => {
    await page.click(`[data-rollback="${first}"]`);
    assert.equal(await page.inputValue("#deploy-message"), "Rollback");
    assert.deepEqual(await changes(page), [`#2 ${second.slice(0, 8)}: 90 % → 0 %`, `#1 ${first.slice(0, 8)}: 10 % → 100 %`]);
    await deploy(page);
    await waitFor(async () => (await versions(page)).map((v) => v.share).join() === "0,100", { message: "v1 alone" });
    const listed = await api(server.origin, TOKEN, "GET", script("/deployments"));
    assert.deepEqual(listed.result.deployments[0].versions, [{ version_id: first, percentage: 100 }]);
    assert.equal(listed.result.deployments[0].annotations["workers/message"], "Rollback");
    await shot(page, "deploy-05-rolled-back");
  });

  it("puts a secret and deletes it, never keeping its value", async () => {
    // After the rollback the newest version is not the deployed one: the API refuses secret
    // changes then, and the panel says why.
    await page.fill("#secret-name", "API_KEY");
    await page.fill("#secret-value", SECRET);
    await page.click("#secret-put");
    await page.waitForSelector("#deployed-action-result.error");
    assert.match(await page.textContent("#deployed-action-result"), /\[code: 10215\]/);
    await shot(page, "deploy-06-secret-refused-after-rollback");
    await page.selectOption("#deploy-version", second);
    await deploy(page);
    await waitFor(async () => (await versions(page))[0].share === 100, { message: "the newest version deployed again" });

    await page.fill("#secret-name", "API_KEY");
    await page.fill("#secret-value", SECRET);
    await page.click("#secret-put");
    await page.waitForSelector('#secret-list li[data-secret="API_KEY"]');
    assert.equal(await page.inputValue("#secret-value"), "", "the value is cleared once sent");
    const names = await api(server.origin, TOKEN, "GET", script("/secrets"));
    assert.deepEqual(names.result.map((s) => s.name), ["API_KEY"]);
    assert.ok(!(await pageText(page)).includes(SECRET), "the value is not on the page");
    assert.ok(!(await storageText(page)).includes(SECRET), "nor in storage");
    await shot(page, "deploy-07-secret-put");

    await page.click('[data-delete-secret="API_KEY"]');
    await page.waitForSelector("#secret-list-empty");
    const after = await api(server.origin, TOKEN, "GET", script("/secrets"));
    assert.deepEqual(after.result, []);
    assert.ok(!server.log().includes(SECRET), "nor in the server log");
    await shot(page, "deploy-08-secret-deleted");
  });
});
