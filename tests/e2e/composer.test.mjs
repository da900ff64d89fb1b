// The composer (issue 3) as a user drives it: modules from the file picker and from a drop,
// a KV binding, the compatibility date, the live preview, the copied curl run for real, export /
// reload / New / import, secrets kept out of storage, bad imports, and findings that focus
// their field. The steps share one page and build on each other, in order.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  addBinding, dropFiles, field, fieldId, findings, focusedId, pickModuleFiles, previewJson,
  previewParts, requestLine, savedComposition, setField, showOutput, storageText, todos, waitFor,
  waitForPreview, waitForSaved, waitUntilReady,
} from "./lib/app.mjs";
import { shot } from "./lib/browser.mjs";
import { startCapture } from "./lib/capture.mjs";
import { parseMultipart } from "./lib/multipart.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { closeSession, openSession } from "./lib/session.mjs";

const SCRIPT = "e2e-composer";
const KV_ID = "0f2ac74b498b48028cb68387c421e279";
const TOKEN = "e2e-composer-token-Zq81";
const SECRET = "e2e-secret-value-7xKp2";

const WORKER = `import greeting from "./greeting.txt";

export default {
  async fetch(request, env) {
    const visits = Number((await env.USER_KV.get("visits")) ?? 0) + 1;
    return new Response(\`\${greeting} (visit \${visits}) ✓\`);
  },
};
`;
const GREETING = "Grüße aus Bindery — 你好\n";
// Every byte value, so no encoding step can hide in the round trip.
const BLOB = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

const MODULES = [
  { name: "worker.js", content: WORKER, mimeType: "text/javascript", contentType: "application/javascript+module" },
  { name: "greeting.txt", content: GREETING, mimeType: "text/plain", contentType: "text/plain" },
  { name: "blob.bin", content: BLOB, mimeType: "application/octet-stream", contentType: "application/octet-stream" },
];

const EXPECTED_METADATA = {
  main_module: "worker.js",
  bindings: [{ type: "kv_namespace", name: "USER_KV", namespace_id: KV_ID }],
  compatibility_date: "2024-06-01",
};

describe("composer", () => {
  let server;
  let capture;
  let browser;
  let page;
  let exported; // the exported composition file: { path, text }
  let composedPreview; // the preview JSON of the finished composition
  let composedParts;
  let blankPreview; // the preview JSON of a new composition
  const temp = mkdtempSync(join(tmpdir(), "bindery-e2e-composer-"));

  before(async () => {
    ({ server, browser, page } = await openSession());
    capture = await startCapture();
  });

  after(async () => {
    await closeSession({ server, browser });
    await capture?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it("starts blank, with today's compatibility date and the sandbox upstream", async () => {
    blankPreview = await previewJson(page);
    assert.match(blankPreview.compatibility_date, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(blankPreview, { bindings: [], compatibility_date: blankPreview.compatibility_date });
    assert.equal(await page.getAttribute("#upstream", "data-upstream"), "sandbox");
    await shot(page, "composer-01-blank");
  });

  it("adds a module with the file picker and two more by dropping them on the page", async () => {
    await setField(page, "request.account_id", SANDBOX_ACCOUNT);
    await setField(page, "request.script_name", SCRIPT);
    await pickModuleFiles(page, [MODULES[0]]);
    await waitFor(async () => (await previewParts(page)).length === 2, { message: "worker.js in the parts" });
    // The first JavaScript module becomes the entry.
    assert.equal((await previewJson(page)).main_module, "worker.js");

    await dropFiles(page, MODULES.slice(1));
    await waitFor(async () => (await previewParts(page)).length === 4, { message: "dropped files in the parts" });
    const rows = await page.$$eval('[data-testid="module-row"] input[type="text"]', (inputs) => inputs.map((i) => i.value));
    assert.deepEqual(rows, MODULES.map((m) => m.name));
    await shot(page, "composer-02-modules");
  });

  it("adds a KV binding and sets the compatibility date; the preview follows", async () => {
    const index = await addBinding(page, "kv_namespace");
    assert.equal(index, 0);
    // The new binding's name field gets the focus.
    await waitFor(async () => (await focusedId(page)) === fieldId("bindings[0].name"), { message: "focus on the new binding's name" });
    await setField(page, "bindings[0].name", "USER_KV");
    await setField(page, "bindings[0].namespace_id", KV_ID);
    await setField(page, "metadata.compatibility_date", "2024-06-01");

    composedPreview = await waitForPreview(page, EXPECTED_METADATA);
    composedParts = await previewParts(page);
    const compact = JSON.stringify(EXPECTED_METADATA);
    assert.deepEqual(composedParts, [
      { name: "metadata", filename: undefined, contentType: "application/json", size: Buffer.byteLength(compact) },
      ...MODULES.map((m) => ({
        name: m.name,
        filename: m.name,
        contentType: m.contentType,
        size: Buffer.byteLength(m.content),
      })),
    ]);
    assert.equal(
      await requestLine(page),
      `PUT https://api.cloudflare.com/client/v4/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}`,
    );
    const errors = (await findings(page)).filter((f) => f.level === "error");
    assert.deepEqual(errors, [], "a complete composition has no error findings");
    await shot(page, "composer-03-preview");
  });

  /// Copies a tab's text with its button (`copy-<id>`) and reads it back from the clipboard.
  async function copyShown(id, shownSelector) {
    await page.click(`#copy-${id}`);
    await page.waitForSelector(`[data-testid="copy-${id}-status"] .ok`);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.textContent(shownSelector), `the clipboard holds the shown ${id}`);
    return copied;
  }

  /// Copies the curl command with its button and reads it back from the clipboard.
  async function copyCurl() {
    await showOutput(page, "curl");
    return copyShown("curl", "#curl-text");
  }

  /// Runs a copied program (`bash -c`, or an interpreter on a saved file) in `cwd` against the
  /// capture server; returns the request.
  async function runCopied(copied, cwd, [command, ...args]) {
    const program = copied.replaceAll("https://api.cloudflare.com/client/v4", `${capture.base}/client/v4`);
    assert.notEqual(program, copied, "the program targets the public API base");
    const before = capture.requests.length;
    const file = args.pop();
    if (file) writeFileSync(join(cwd, file), program);
    // Asynchronously: the capture server answers from this same process.
    const { stdout } = await promisify(execFile)(command, file ? [...args, file] : [...args, program], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CLOUDFLARE_API_TOKEN: TOKEN },
    });
    assert.equal(capture.requests.length, before + 1);
    return { request: capture.requests[before], stdout };
  }

  const runCurl = async (copied, cwd) => (await runCopied(copied, cwd, ["bash", "-c", undefined])).request;

  /// The request is exactly the composed one: method, path, token, and every part's bytes. The
  /// curl command's here-document ends the JSON part with a newline; the programs do not.
  function assertComposedRequest(request, { jsonNewline = true } = {}) {
    assert.equal(request.method, "PUT");
    assert.equal(request.path, `/client/v4/accounts/${SANDBOX_ACCOUNT}/workers/scripts/${SCRIPT}`);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    const parts = parseMultipart(request.body, request.headers["content-type"]);
    assert.deepEqual(parts.map((p) => p.name), ["metadata", ...MODULES.map((m) => m.name)]);

    const [metadata, ...modules] = parts;
    assert.equal(metadata.filename, undefined);
    assert.equal(metadata.contentType, "application/json");
    assert.equal(metadata.body.toString("utf8"), `${JSON.stringify(EXPECTED_METADATA)}${jsonNewline ? "\n" : ""}`);
    assert.deepEqual(JSON.parse(metadata.body), composedPreview);
    for (const [i, module] of MODULES.entries()) {
      assert.equal(modules[i].filename, module.name);
      assert.equal(modules[i].contentType, module.contentType);
      assert.ok(modules[i].body.equals(Buffer.from(module.content)), `${module.name}: bytes differ`);
    }
  }

  it("copies a curl command that bash and curl turn into exactly the previewed request", async () => {
    const copied = await copyCurl();
    assert.ok(!copied.includes(TOKEN), "the command never holds a token");
    assert.ok(copied.includes("$CLOUDFLARE_API_TOKEN"));
    for (const module of MODULES) writeFileSync(join(temp, module.name), module.content);
    assertComposedRequest(await runCurl(copied, temp));
  });

  it("with a folder prefix, the curl reads the module files from that folder", async () => {
    await showOutput(page, "curl");
    await page.fill("#curl-prefix", "build/out/");
    await waitFor(async () => (await page.textContent("#curl-text")).includes("@build/out/worker.js"), {
      message: "the prefix in the curl",
    });
    const copied = await copyCurl();
    mkdirSync(join(temp, "build/out"), { recursive: true });
    for (const module of MODULES) writeFileSync(join(temp, "build/out", module.name), module.content);
    assertComposedRequest(await runCurl(copied, temp));
    await page.fill("#curl-prefix", "");
    await showOutput(page, "metadata");
  });

  it("shows the request in every language, each tab with its copy button; the copied programs send exactly the previewed request", async () => {
    await showOutput(page, "js");
    await shot(page, "composer-04-javascript");
    for (const module of MODULES) writeFileSync(join(temp, module.name), module.content);
    const runs = {
      js: ["node", "upload.mjs"],
      python: ["python3", "upload.py"],
      go: ["go", "run", "upload.go"],
    };
    for (const [id, label] of [["js", "JavaScript"], ["python", "Python"], ["go", "Go"], ["java", "Java"], ["rust", "Rust"]]) {
      await showOutput(page, id);
      assert.equal(await page.textContent(`#tab-${id}`), label);
      const copied = await copyShown(id, `#code-${id}`);
      assert.ok(copied.includes("CLOUDFLARE_API_TOKEN") && !copied.includes(TOKEN), `${id}: the token stays out`);
      assert.ok(copied.includes(KV_ID), `${id}: the metadata is in the program`);
      if (!runs[id]) continue;
      const { request, stdout } = await runCopied(copied, temp, runs[id]);
      assertComposedRequest(request, { jsonNewline: false });
      assert.equal(JSON.parse(stdout).success, true, `${id}: prints the API's answer`);
    }

    // Embedded, the program carries the module bytes: it runs from an empty folder.
    await showOutput(page, "python");
    await page.check("#embed-modules");
    await waitFor(async () => !(await page.textContent("#code-python")).includes('open(path, "rb")'), {
      message: "the embedded program",
    });
    const empty = mkdtempSync(join(tmpdir(), "bindery-e2e-embedded-"));
    try {
      const copied = await copyShown("python", "#code-python");
      assertComposedRequest((await runCopied(copied, empty, runs.python)).request, { jsonNewline: false });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await page.uncheck("#embed-modules");
  });

  it("moves between the output tabs with the arrow keys, Home and End", async () => {
    // The focus follows the selected tab once it is rendered: each key goes to the tab that has
    // the focus, so wait for it to move before the next one.
    const focusOn = (id) => waitFor(async () => (await focusedId(page)) === id, { message: `focus on ${id}` });
    await showOutput(page, "metadata");
    await page.focus("#tab-metadata");
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector('#tab-parts[aria-selected="true"]');
    await focusOn("tab-parts");
    assert.ok(await page.isVisible("#parts-table"));
    assert.ok(!(await page.isVisible("#metadata-json")), "one panel at a time");
    await page.keyboard.press("End");
    await page.waitForSelector('#tab-wrangler[aria-selected="true"]');
    assert.ok(await page.isVisible("#wrangler-text"));
    await focusOn("tab-wrangler");
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector('#tab-rust[aria-selected="true"]');
    assert.ok(await page.isVisible("#code-rust"));
    await focusOn("tab-rust");
    await page.keyboard.press("End");
    await page.waitForSelector('#tab-wrangler[aria-selected="true"]');
    await focusOn("tab-wrangler");
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector('#tab-metadata[aria-selected="true"]');
    await focusOn("tab-metadata");
    const tabbable = await page.$$eval('[role="tab"]', (tabs) => tabs.filter((t) => t.tabIndex === 0).map((t) => t.id));
    assert.deepEqual(tabbable, ["tab-metadata"], "only the shown tab is a Tab stop");
  });

  it("copies the metadata JSON as shown", async () => {
    await showOutput(page, "metadata");
    await page.click("#copy-json");
    await page.waitForSelector('[data-testid="copy-json-status"] .ok');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.deepEqual(JSON.parse(copied), composedPreview);
    assert.equal(copied.trim(), (await page.textContent("#metadata-json")).trim());
  });

  it("exports the composition, restores it after a reload, clears it with New and imports it back", async () => {
    const download = page.waitForEvent("download");
    await page.click("#export-composition");
    const file = await download;
    assert.equal(file.suggestedFilename(), `${SCRIPT}.bindery.json`);
    const path = join(temp, file.suggestedFilename());
    await file.saveAs(path);
    exported = { path, text: readFileSync(path, "utf8") };
    const composition = JSON.parse(exported.text);
    assert.equal(composition.format, 1);
    assert.equal(composition.request.script_name, SCRIPT);
    assert.deepEqual(composition.modules.map((m) => m.name), MODULES.map((m) => m.name));

    // What the page saved is what it exported (both leave secrets out).
    await waitForSaved(page, (saved) => JSON.stringify(saved) === JSON.stringify(composition));
    await page.reload();
    await waitUntilReady(page);
    await waitForPreview(page, composedPreview, "the preview after a reload");
    assert.deepEqual(await previewParts(page), composedParts);
    await shot(page, "composer-04-reloaded");

    await page.click("#new-composition");
    await waitForPreview(page, blankPreview, "a blank preview after New");
    assert.equal((await previewParts(page)).length, 1);
    await waitForSaved(page, (saved) => !saved.modules?.length && saved.request.script_name === "");
    await shot(page, "composer-05-new");

    await page.setInputFiles("#import-file", path);
    await waitForPreview(page, composedPreview, "the preview after the import");
    assert.deepEqual(await previewParts(page), composedParts);
    assert.match(await page.textContent("#notice"), /Imported/);
    await shot(page, "composer-06-imported");
    // A success notice fades away by itself (an error one stays: see the next test).
    await page.waitForSelector("#notice", { state: "detached", timeout: 8000 });
  });

  it("refuses a bad import file with a clear message and keeps the current work", async () => {
    const cases = [
      { name: "broken.json", content: "{ this is not json", says: /not valid JSON/ },
      { name: "other.json", content: '{"hello": "world"}', says: /not a Bindery composition/ },
      { name: "future.json", content: '{"format": 99, "request": {"target": "account", "operation": "upload", "account_id": "", "script_name": ""}}', says: /format 99 is not supported/ },
    ];
    for (const bad of cases) {
      await page.setInputFiles("#import-file", { name: bad.name, mimeType: "application/json", buffer: Buffer.from(bad.content) });
      await page.waitForFunction(
        (name) => document.querySelector("#notice.error")?.textContent.includes(name),
        bad.name,
      );
      const notice = await page.textContent("#notice");
      assert.match(notice, bad.says);
      assert.match(notice, /current work is unchanged/);
      assert.deepEqual(await previewJson(page), composedPreview);
      assert.deepEqual(await previewParts(page), composedParts);
    }
    // Dropped on "Import…", a file is opened as a composition (not added as a module).
    await dropFiles(page, [{ name: "dropped.json", content: "[1, 2", mimeType: "application/json" }], "#import-drop");
    await page.waitForFunction(() => document.querySelector("#notice.error")?.textContent.includes("dropped.json"));
    assert.match(await page.textContent("#notice"), /not valid JSON/);
    // Errors stay until dismissed.
    await page.waitForTimeout(6000);
    assert.match(await page.textContent("#notice.error"), /dropped\.json/);
    assert.deepEqual(await previewParts(page), composedParts);
    await shot(page, "composer-07-bad-import");
  });

  it("never writes a secret value into local or session storage", async () => {
    const index = await addBinding(page, "secret_text");
    await setField(page, `bindings[${index}].name`, "API_SECRET");
    await setField(page, `bindings[${index}].text`, SECRET);
    assert.equal(await page.getAttribute(field(`bindings[${index}].text`), "type"), "password");
    // The preview masks the secret unless asked to show it; storage must never hold it.
    await waitFor(async () => (await previewJson(page)).bindings?.[index]?.text === "••••••", { message: "the secret masked in the preview" });
    await page.check("#show-secrets");
    await waitFor(async () => (await previewJson(page)).bindings?.[index]?.text === SECRET, { message: "the secret shown on request" });
    await page.uncheck("#show-secrets");
    await waitForSaved(page, (saved) => saved.metadata.bindings?.some((b) => b.name === "API_SECRET"));
    // Give any later save a chance to happen before looking.
    await page.waitForTimeout(400);
    const stored = await storageText(page);
    assert.ok(stored.includes("API_SECRET"), "the binding itself is saved");
    assert.ok(!stored.includes(SECRET), `storage holds the secret value:\n${stored}`);

    // An export leaves it out too, unless asked for.
    const download = page.waitForEvent("download");
    await page.click("#export-composition");
    const text = readFileSync(await (await download).path(), "utf8");
    assert.ok(!text.includes(SECRET), "a default export holds the secret value");

    // After a reload the binding is back without its value.
    await page.reload();
    await waitUntilReady(page);
    const restored = await savedComposition(page);
    assert.ok(restored.metadata.bindings.some((b) => b.name === "API_SECRET"));
    assert.ok(!(await storageText(page)).includes(SECRET));
    assert.equal(await page.inputValue(field(`bindings[${index}].text`)), "");
    // …and the checks ask for the value again rather than send an empty secret: a value to
    // give, which becomes an error as soon as the request is copied (or sent).
    const asks = await waitFor(async () => (await todos(page)).find((t) => t.at === `bindings[${index}].text`), {
      message: "the secret's value in the to-do list",
    });
    assert.match(asks.label, /API_SECRET: text/);
    await page.click("#copy-json");
    const error = await waitFor(async () => (await findings(page)).find((f) => f.at === `bindings[${index}].text`), {
      message: "the secret's value as an error once copied",
    });
    assert.equal(error.level, "error", JSON.stringify(error));
    await shot(page, "composer-08-secret-reloaded");

    await page.click(`button[aria-label="Remove binding API_SECRET"]`);
    await waitForPreview(page, composedPreview, "the preview without the secret binding");
  });

  it("shows an error finding when the main module is removed; clicking it focuses the entry field", async () => {
    await page.click('button[aria-label="Remove worker.js"]');
    const missing = await waitFor(
      async () => (await findings(page)).find((f) => f.level === "error" && f.at === "metadata.main_module"),
      { message: "an error finding about metadata.main_module" },
    );
    assert.match(missing.message, /main_module/);
    assert.equal((await previewJson(page)).main_module, undefined);
    // The same message sits next to the field.
    const inline = await page.$$eval(".modules .notes li", (items) => items.map((li) => li.textContent));
    assert.ok(inline.some((text) => text === missing.message), `inline notes: ${inline}`);

    await page.click(`#findings li.finding[data-at="metadata.main_module"] button`);
    await waitFor(async () => (await focusedId(page)) === fieldId("metadata.main_module"), {
      message: "focus on the main module field",
    });
    await shot(page, "composer-09-finding-focus");
  });

  it("follows the system's dark mode and fits a narrow window without sideways scrolling", async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lightness = (rgb) => rgb.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
    const light = await background();
    await page.emulateMedia({ colorScheme: "dark" });
    await waitFor(async () => lightness(await background()) < 80, { message: "a dark background" });
    assert.ok(lightness(light) > 170, `light background ${light}`);
    await shot(page, "composer-10-dark");

    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 700, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await shot(page, "composer-11-narrow");
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 700px`);
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it("logged no script errors and no token", () => {
    assert.deepEqual(page.problems, []);
    assert.ok(!server.log().includes(TOKEN));
  });
});
