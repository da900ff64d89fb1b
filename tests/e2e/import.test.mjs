// Issue 10 in the app: the blank page's Start list leading to both imports, a wrangler
// configuration picked with its module (the environment chosen in its dialog) or dropped on
// Import… (what it cannot carry over listed), the composition exported as wrangler.jsonc and
// imported back, a broken curl command pasted (what the API would answer, at the right field),
// Bindery's own curl pasted back, and text that is not a command refused without losing it.
// The steps share one page.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { dropFiles, findings, openApp, focusedId, previewJson, previewParts, requestLine, showOutput, waitFor, waitForPreview } from "./lib/app.mjs";
import { shot } from "./lib/browser.mjs";
import { closeSession, openSession } from "./lib/session.mjs";

const WORKER = `export default {
  async fetch(request, env) {
    return new Response(\`\${env.MODE}: \${await env.CART.get("items")}\`);
  },
};
`;

const WRANGLER_TOML = `# A shop: the production environment renames the Worker and brings its own bindings.
name = "shop"
main = "src/index.js"
compatibility_date = "2025-02-01"
routes = ["shop.example.com/*"]

[vars]
MODE = "development"

[[kv_namespaces]]
binding = "CART"
id = "dev0000000000000000000000000000a"

[env.production]
[env.production.vars]
MODE = "production"
LIMIT = 25

[[env.production.kv_namespaces]]
binding = "CART"
id = "prod000000000000000000000000000b"
`;

const PRODUCTION_METADATA = {
  main_module: "index.js",
  bindings: [
    { type: "plain_text", name: "MODE", text: "production" },
    { type: "json", name: "LIMIT", json: 25 },
    { type: "kv_namespace", name: "CART", namespace_id: "prod000000000000000000000000000b" },
  ],
  compatibility_date: "2025-02-01",
};

// A wrangler.jsonc as wrangler's templates write it (comments, trailing commas), with a cron
// trigger the upload cannot carry.
const WRANGLER_JSONC = `// Notes: a D1 database and an hourly clean-up.
{
  "name": "notes",
  "main": "src/worker.js", // built by wrangler, or given as it is
  "compatibility_date": "2025-03-01",
  "compatibility_flags": ["nodejs_compat",],
  "d1_databases": [
    { "binding": "DB", "database_name": "notes", "database_id": "7c1b3f6e-0f7a-4a55-9b8e-2d9c1e4f5a6b" },
  ],
  "triggers": { "crons": ["0 * * * *"] },
}
`;

// The Workers for Platforms docs' example, as posted: placeholders, a token placeholder, the
// worker read from an absolute path.
const DOCS_CURL = `curl -X PUT \\
"https://api.cloudflare.com/client/v4/accounts/<account-id>/workers/dispatch/namespaces/<your-namespace>/scripts/<script-name>" \\
-H "Content-Type: multipart/form-data" \\
-H "Authorization: Bearer <api-token>" \\
-F 'metadata={
"main_module": "worker.js",
"bindings": [
{
"type": "kv_namespace",
"name": "USER_KV",
"namespace_id": "<your-namespace-id>"
}
]
}' \\
-F 'worker.js=@/path/to/worker.js'`;

// The forum's first attempt: the binding object sent as a JSON body.
const JSON_BODY_CURL = `curl -X PUT "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/workers/scripts/visit-counter" \\
  -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
  -H "Content-Type: application/json" \\
  --data '{ "type": "kv_namespace", "name": "USER_KV", "namespace_id": "0f2ac74b498b48028cb68387c421e279" }'`;

/// The JSON of a JSONC text (line comments dropped; the exporter writes comments only at the top).
function jsonc(text) {
  return JSON.parse(text.split("\n").filter((line) => !line.startsWith("//")).join("\n"));
}

async function pasteCurl(page, text) {
  await page.click("#paste-curl");
  await page.waitForSelector("#curl-dialog");
  await page.fill("#curl-paste", text);
  await page.click("#curl-import");
  await page.waitForSelector("#curl-result, #curl-error");
}

describe("import and export", () => {
  let session;
  let page;
  let temp;

  before(async () => {
    session = await openSession();
    page = session.page;
    temp = mkdtempSync(join(tmpdir(), "bindery-e2e-import-"));
  });

  after(async () => {
    assert.deepEqual(page?.problems ?? [], [], "no console errors or uncaught exceptions");
    await closeSession(session);
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it("offers importing a wrangler config and pasting a curl beside the examples on a blank page", async () => {
    // The importers are a worker of their own, loaded on the first import, not with the page.
    const importer = () => page.requested.filter((url) => /\/bindery-importer[._]/.test(new URL(url).pathname));
    assert.ok(page.requested.some((url) => /_bg\.wasm$/.test(url)), "the page's wasm was loaded");
    assert.deepEqual(importer(), [], "no importer file on the first load");
    // The Start list's entry opens the same picker as the file menu's Import….
    const chooser = page.waitForEvent("filechooser");
    await page.click("#example-import");
    await (await chooser).setFiles([
      { name: "wrangler.toml", mimeType: "application/toml", buffer: Buffer.from(WRANGLER_TOML) },
      { name: "index.js", mimeType: "text/javascript", buffer: Buffer.from(WORKER) },
    ]);
    await page.waitForSelector("#wrangler-dialog");
    assert.match(await page.textContent("#wrangler-dialog-title"), /Import wrangler\.toml/);
    const loaded = importer().map((url) => new URL(url).pathname);
    for (const file of ["/bindery-importer_loader.js", "/bindery-importer.js", "/bindery-importer_bg.wasm"]) {
      assert.ok(loaded.includes(file), `${file} loaded on the first import: ${loaded}`);
    }
    await page.click("#wrangler-cancel");
    await page.waitForSelector("#wrangler-dialog", { state: "detached" });
    assert.ok(await page.isVisible("#start-from"), "cancelled: the page is still blank");

    await page.click("#example-paste-curl");
    await page.waitForSelector("#curl-dialog");
    await waitFor(async () => (await focusedId(page)) === "curl-paste", { message: "the paste box has the focus" });
    await page.click("#curl-close");
    await page.waitForSelector("#curl-dialog", { state: "detached" });
  });

  it("imports a wrangler.toml picked with its module, in the environment chosen", async () => {
    await page.setInputFiles("#import-file", [
      { name: "wrangler.toml", mimeType: "application/toml", buffer: Buffer.from(WRANGLER_TOML) },
      { name: "index.js", mimeType: "text/javascript", buffer: Buffer.from(WORKER) },
    ]);
    await page.waitForSelector("#wrangler-dialog");
    assert.match(await page.textContent("#wrangler-dialog"), /1 other file/);
    assert.deepEqual(
      await page.$$eval("#wrangler-env option", (options) => options.map((o) => o.value)),
      ["", "production"],
    );
    await page.selectOption("#wrangler-env", "production");
    await shot(page, "import-01-wrangler-dialog");
    await page.click("#wrangler-import");
    await page.waitForSelector("#wrangler-dialog", { state: "detached" });

    const metadata = await waitFor(async () => {
      const seen = await previewJson(page);
      return isDeepStrictEqual(seen.bindings, PRODUCTION_METADATA.bindings) && seen;
    }, { message: "the imported bindings" });
    for (const [key, value] of Object.entries(PRODUCTION_METADATA)) assert.deepEqual(metadata[key], value, key);
    // What wrangler deploy always sends besides: the deployed secrets are kept.
    assert.deepEqual(metadata.keep_bindings, ["secret_text", "secret_key"]);
    assert.match(await requestLine(page), /\/workers\/scripts\/shop-production\?bindings_inherit=strict$/);
    const parts = await previewParts(page);
    const worker = parts.find((p) => p.name === "index.js");
    assert.equal(worker?.contentType, "application/javascript+module");
    assert.equal(worker?.size, Buffer.byteLength(WORKER));
    assert.match(await page.textContent("#notice"), /Imported wrangler\.toml \(environment production\)/);

    // What the import could not carry over is listed, and says why.
    const imported = await page.$$eval("#import-findings li.finding", (items) => items.map((li) => li.dataset.rule));
    assert.ok(imported.includes("wrangler-not-uploaded"), imported.join(", "));
    assert.match(await page.textContent("#import-findings"), /Routes are attached to zones/);
    await shot(page, "import-02-wrangler-imported");
  });

  it("exports wrangler.jsonc, shows it in its output tab, and imports it back to the same upload", async () => {
    const before = await previewJson(page);
    const download = page.waitForEvent("download");
    await page.click("#export-wrangler");
    const file = await download;
    assert.equal(file.suggestedFilename(), "wrangler.jsonc");
    const path = join(temp, "wrangler.jsonc");
    await file.saveAs(path);
    const text = readFileSync(path, "utf8");
    const config = jsonc(text);
    assert.equal(config.name, "shop-production");
    assert.equal(config.main, "src/index.js", "the path the configuration gave the module");
    assert.deepEqual(config.kv_namespaces, [{ binding: "CART", id: "prod000000000000000000000000000b" }]);
    assert.deepEqual(config.vars, { MODE: "production", LIMIT: 25 });

    // The same file in the preview's wrangler.jsonc tab, with its copy button.
    await showOutput(page, "wrangler");
    await page.waitForSelector("#wrangler-text");
    assert.equal(await page.textContent("#wrangler-text"), text);
    assert.ok(await page.isVisible("#copy-wrangler"));
    await shot(page, "import-03-wrangler-export");
    await showOutput(page, "metadata");

    await page.click("#new-composition");
    await page.setInputFiles("#import-file", [
      { name: "wrangler.jsonc", mimeType: "application/json", buffer: Buffer.from(text) },
      { name: "index.js", mimeType: "text/javascript", buffer: Buffer.from(WORKER) },
    ]);
    await page.waitForSelector("#wrangler-dialog");
    assert.equal(await page.$("#wrangler-env"), null, "the export defines no environments");
    await page.click("#wrangler-import");
    await waitForPreview(page, before, "the same metadata after export and import");
  });

  it("shows what the API would answer to a broken curl command, at the field to fix", async () => {
    await pasteCurl(page, DOCS_CURL);
    const result = await page.textContent("#curl-result");
    assert.match(result, /<account-id>` is a placeholder/);
    assert.match(result, /\/path\/to\/worker\.js/);
    await shot(page, "import-04-curl-docs-example");
    // A finding focuses its field.
    await page.click('#curl-result li[data-at="request.account_id"] button');
    await waitFor(async () => (await focusedId(page)) === "f-request-account_id", { message: "the account id focused" });
    await page.click("#curl-close");
    await page.waitForSelector("#curl-dialog", { state: "detached" });
    assert.match(await requestLine(page), /\/workers\/dispatch\/namespaces\/%3Cyour-namespace%3E\/scripts\//);
    assert.deepEqual((await previewJson(page)).bindings, [
      { type: "kv_namespace", name: "USER_KV", namespace_id: "<your-namespace-id>" },
    ]);

    await pasteCurl(page, JSON_BODY_CURL);
    const rules = await page.$$eval("#curl-result li.finding", (items) => items.map((li) => `${li.dataset.rule} ${li.dataset.at}`));
    assert.ok(rules.includes("curl-json-body metadata"), rules.join(", "));
    assert.ok(rules.includes("curl-bare-bindings metadata.bindings"), rules.join(", "));
    assert.match(await page.textContent("#curl-result"), /-F 'metadata=/);
    await shot(page, "import-05-curl-json-body");
    await page.click("#curl-close");
    assert.deepEqual((await previewJson(page)).bindings, [
      { type: "kv_namespace", name: "USER_KV", namespace_id: "0f2ac74b498b48028cb68387c421e279" },
    ]);
    // The import's findings stay in Checks until dismissed.
    assert.ok((await findings(page)).some((f) => f.rule === "curl-json-body"));
    await page.click("#dismiss-import-findings");
    await page.waitForSelector("#import-findings", { state: "detached" });
  });

  it("imports its own curl command back to the same composition", async () => {
    await page.setInputFiles("#import-file", [
      { name: "wrangler.toml", mimeType: "application/toml", buffer: Buffer.from(WRANGLER_TOML) },
      { name: "index.js", mimeType: "text/javascript", buffer: Buffer.from(WORKER) },
    ]);
    await page.click("#wrangler-import");
    await page.waitForSelector("#wrangler-dialog", { state: "detached" });
    const composed = await previewJson(page);
    const parts = await previewParts(page);
    const curl = await page.textContent("#curl-text");
    await page.click("#new-composition");
    await page.click("#paste-curl");
    await page.fill("#curl-paste", curl);
    await page.setInputFiles("#curl-files", [{ name: "index.js", mimeType: "text/javascript", buffer: Buffer.from(WORKER) }]);
    await page.click("#curl-import");
    await page.waitForSelector("#curl-result");
    assert.match(await page.textContent("#curl-result"), /would take this request as it is/);
    await page.click("#curl-close");
    await waitForPreview(page, composed, "the same metadata after the curl round trip");
    assert.deepEqual(await previewParts(page), parts);
  });

  it("refuses text that is not a curl command and keeps what was pasted and the current work", async () => {
    const before = await previewJson(page);
    await pasteCurl(page, "ls -la ~/worker");
    assert.match(await page.textContent("#curl-error"), /no curl command found/);
    assert.equal(await page.inputValue("#curl-paste"), "ls -la ~/worker");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#curl-dialog", { state: "detached" });
    assert.deepEqual(await previewJson(page), before);
  });

  it("imports a wrangler.jsonc dropped on Import… with its module, and says the cron trigger is not part of an upload", async () => {
    await dropFiles(page, [
      { name: "wrangler.jsonc", content: WRANGLER_JSONC, mimeType: "application/json" },
      { name: "worker.js", content: WORKER, mimeType: "text/javascript" },
    ], "#import-drop");
    await page.waitForSelector("#wrangler-dialog");
    assert.match(await page.textContent("#wrangler-dialog-title"), /Import wrangler\.jsonc/);
    assert.equal(await page.$("#wrangler-env"), null, "no environments to choose from");
    assert.equal(await page.$("#wrangler-migration-tag"), null, "no migrations");
    await page.click("#wrangler-import");
    await page.waitForSelector("#wrangler-dialog", { state: "detached" });
    const metadata = await waitFor(async () => {
      const seen = await previewJson(page);
      return seen.main_module === "worker.js" && seen;
    }, { message: "the dropped configuration imported" });
    assert.deepEqual(metadata.bindings, [{ type: "d1", name: "DB", id: "7c1b3f6e-0f7a-4a55-9b8e-2d9c1e4f5a6b" }]);
    assert.deepEqual(metadata.compatibility_flags, ["nodejs_compat"]);
    assert.match(await requestLine(page), /\/workers\/scripts\/notes\?bindings_inherit=strict$/);
    const worker = (await previewParts(page)).find((p) => p.name === "worker.js");
    assert.equal(worker?.size, Buffer.byteLength(WORKER));
    const triggers = await page.textContent('#import-findings li[data-at="import.triggers"]');
    assert.match(triggers, /schedules/);
    await shot(page, "import-06-wrangler-dropped");
  });
});


describe("the import worker", () => {
  let session;
  let page;

  before(async () => {
    session = await openSession();
    page = session.page;
  });

  after(async () => {
    // The failed load is reported by Chromium on the console; nothing else may be.
    const problems = (page?.problems ?? []).filter((p) => !/bindery-importer_loader\.js/.test(p));
    assert.deepEqual(problems, [], "no console errors or uncaught exceptions");
    await closeSession(session);
  });

  it("that cannot load says so in the dialog and keeps the command; the next Import loads it", async () => {
    const context = page.context();
    const refuse = (route) => route.abort("connectionrefused");
    await context.route("**/bindery-importer_loader.js", refuse);
    await page.click("#paste-curl");
    await page.waitForSelector("#curl-dialog");
    await page.fill("#curl-paste", DOCS_CURL);
    await page.click("#curl-import");
    await page.waitForSelector("#curl-error");
    assert.match(await page.textContent("#curl-error"), /importer could not be loaded/);
    assert.equal(await page.inputValue("#curl-paste"), DOCS_CURL, "what was pasted stays");
    assert.ok(await page.isVisible("#start-from"), "the current work is unchanged");
    await shot(page, "import-07-worker-not-loaded");

    // Served again, slowly: the dialog says it is reading, then shows the answer.
    await context.unroute("**/bindery-importer_loader.js", refuse);
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await context.route("**/bindery-importer_bg.wasm", async (route) => {
      await held;
      await route.continue();
    });
    await page.click("#curl-import");
    await page.waitForSelector("#import-reading");
    assert.equal(await page.textContent("#import-reading"), "Reading…");
    assert.equal(await page.inputValue("#curl-paste"), DOCS_CURL);
    await shot(page, "import-08-worker-reading");
    release();
    await page.waitForSelector("#curl-result");
    assert.equal(await page.$("#import-reading"), null);
    assert.match(await page.textContent("#curl-result"), /Imported/);
    assert.match(await requestLine(page), /\/workers\/dispatch\/namespaces\//);
  });

  it("loads from the root when the page is open at a deeper route", async () => {
    await openApp(page, `${session.server.origin}/some/app/route`);
    await pasteCurl(page, JSON_BODY_CURL);
    assert.match(await page.textContent("#curl-result"), /Imported/);
  });
});
