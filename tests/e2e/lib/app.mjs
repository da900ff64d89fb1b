// What a user does and sees on the composer page, in terms of its element ids.
import { isDeepStrictEqual } from "node:util";

/// The element id of the field a finding's `at` path is about (the app's `ids::field_id`):
/// `bindings[3].namespace_id` → `f-bindings-3-namespace_id`.
export function fieldId(at) {
  let id = "f-";
  for (const ch of at) {
    if (ch === "." || ch === "[") id += "-";
    else if (ch === "]") continue;
    else if (/[A-Za-z0-9_-]/.test(ch)) id += ch;
    else id += "_";
  }
  return id;
}

/// A selector for the field of an `at` path.
export const field = (at) => `[id="${fieldId(at)}"]`;

/// Polls `probe` (sync or async) until it returns a truthy value, which is returned.
export async function waitFor(probe, { timeout = 10000, interval = 50, message = "condition" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message} (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/// Opens the app and waits until it is mounted and knows which upstream it talks to.
export async function openApp(page, origin) {
  await page.goto(origin);
  await waitUntilReady(page);
}

export async function waitUntilReady(page) {
  await page.waitForSelector("#metadata-json");
  await page.waitForFunction(() => document.querySelector("#upstream")?.dataset.upstream !== "checking");
}

/// Shows the preview's output tab `id` (`metadata`, `parts`, `curl`, `js`, `python`, `go`,
/// `java`, `rust`, `wrangler`) and waits for its panel.
export async function showOutput(page, id) {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#tab-${id}[aria-selected="true"]`);
  await page.waitForSelector(`#output-${id}`, { state: "visible" });
}

/// The metadata JSON the preview shows, parsed.
export async function previewJson(page) {
  return JSON.parse(await page.textContent("#metadata-json"));
}

/// Waits until the preview JSON equals `expected` (deep, key order ignored) and returns it.
export async function waitForPreview(page, expected, message = "the preview JSON") {
  let seen;
  try {
    return await waitFor(async () => {
      seen = await previewJson(page);
      return isDeepStrictEqual(seen, expected) && seen;
    }, { message });
  } catch (error) {
    error.message += `\nexpected: ${JSON.stringify(expected)}\nseen:     ${JSON.stringify(seen)}`;
    throw error;
  }
}

/// The preview's multipart parts: `{ name, filename, contentType, size }` each.
export function previewParts(page) {
  return page.$$eval("#parts-table tbody tr", (rows) =>
    rows.map((row) => {
      const cells = row.querySelectorAll("td");
      const filename = cells[1].textContent;
      return {
        name: cells[0].textContent,
        filename: filename === "—" ? undefined : filename,
        contentType: cells[2].textContent || undefined,
        size: Number(cells[3].dataset.bytes),
      };
    }),
  );
}

/// The request line the preview shows, e.g. `PUT https://api.cloudflare.com/client/v4/...`.
export async function requestLine(page) {
  return (await page.textContent("#request-line")).trim();
}

/// Types into a field the way a user does (select all, type): fires the input events.
export async function setField(page, at, value) {
  await page.fill(field(at), value);
}

/// Files as Playwright's `setInputFiles` takes them, from `{ name, content }` (Buffer or text).
const asPayloads = (files) =>
  files.map(({ name, content, mimeType }) => ({
    name,
    mimeType: mimeType ?? "application/octet-stream",
    buffer: Buffer.from(content),
  }));

/// Adds modules through the "Add files…" picker.
export async function pickModuleFiles(page, files) {
  await page.setInputFiles("#module-files", asPayloads(files));
}

/// Drops files onto an element (the whole page accepts module files; `#import-drop` opens a
/// composition or a wrangler configuration with its files), with the same DataTransfer a real drag from the file manager carries.
export async function dropFiles(page, files, selector = "main.columns") {
  const encoded = files.map(({ name, content, mimeType }) => ({
    name,
    type: mimeType ?? "",
    base64: Buffer.from(content).toString("base64"),
  }));
  await page.$eval(
    selector,
    (target, files) => {
      const transfer = new DataTransfer();
      for (const { name, type, base64 } of files) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name, { type }));
      }
      const fire = (kind) =>
        target.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      fire("dragenter");
      fire("dragover");
      fire("drop");
    },
    encoded,
  );
}

/// Clicks "add binding" for a type and returns the new binding's index. Once there is a
/// binding the chooser shows the most used types; the others are under "All types…".
export async function addBinding(page, type) {
  const before = await page.locator('[data-testid="binding"]').count();
  if (!(await page.isVisible(`#add-binding-${type}`))) await page.click("#binding-types-toggle");
  await page.click(`#add-binding-${type}`);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="binding"]').length === n,
    before + 1,
  );
  return before;
}

/// Every key and value in the page's localStorage and sessionStorage, as one text.
export function storageText(page) {
  return page.evaluate(() => {
    const dump = (storage) =>
      Array.from({ length: storage.length }, (_, i) => {
        const key = storage.key(i);
        return `${key}=${storage.getItem(key)}`;
      }).join("\n");
    return `local:\n${dump(localStorage)}\nsession:\n${dump(sessionStorage)}`;
  });
}

/// The composition the page saved in localStorage (parsed), or null.
export async function savedComposition(page) {
  const text = await page.evaluate(() => localStorage.getItem("bindery.composition"));
  return text === null ? null : JSON.parse(text);
}

/// Waits until the saved composition satisfies `check` (saving is debounced).
export function waitForSaved(page, check, message = "the composition to be saved") {
  return waitFor(async () => {
    const saved = await savedComposition(page);
    return saved !== null && check(saved) && saved;
  }, { message });
}

/// What the "Checks" panel lists as still to do: `{ at, rule, label }` each.
export function todos(page) {
  return page.$$eval("#findings li.todo-item", (items) =>
    items.map((li) => ({ at: li.dataset.at, rule: li.dataset.rule, label: li.textContent })),
  );
}

/// The findings listed in the "Checks" panel: `{ level, at, rule, message }` each.
export function findings(page) {
  return page.$$eval("#findings li.finding", (items) =>
    items.map((li) => ({
      level: li.querySelector(".level")?.textContent,
      at: li.dataset.at,
      rule: li.dataset.rule,
      message: li.querySelector(".message")?.textContent,
    })),
  );
}

/// The id of the element that has the keyboard focus.
export function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? "");
}

/// Types the API token into the Send panel.
export async function enterToken(page, token) {
  await page.fill(field("token"), token);
}

/// Enters `token`, presses "Verify token" and waits for the page to accept it.
export async function verifyToken(page, token) {
  await enterToken(page, token);
  await page.click("#verify-token");
  await page.waitForSelector("#verify-result.ok");
}

/// Counts `#response` panels as they appear, so a wait can tell a new answer from the last one.
async function watchResponses(page) {
  await page.evaluate(() => {
    if (window.__responses !== undefined) return;
    window.__responses = 0;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === 1 && (node.id === "response" || node.querySelector("#response"))) {
            window.__responses += 1;
          }
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

/// Clicks Send and waits for the answer. Returns `{ status, success, request, explanations }`,
/// each explanation `{ code, message, why, at }`. Send is disabled while the checks show
/// errors: a test that sends such a request on purpose says so with `despiteErrors`, which
/// presses "Send anyway".
export async function send(page, { despiteErrors = false } = {}) {
  await watchResponses(page);
  const before = await page.evaluate(() => window.__responses);
  if (despiteErrors) {
    await page.click("#send-anyway");
  } else {
    if (await page.isDisabled("#send-request")) {
      throw new Error(`Send is disabled: ${await page.textContent("#send-state")}`);
    }
    await page.click("#send-request");
  }
  await page.waitForFunction(
    (n) => window.__responses > n && document.querySelector("#send-request")?.textContent === "Send",
    before,
  );
  return readResponse(page);
}

/// What the response panel shows.
export function readResponse(page) {
  return page.$eval("#response", (panel) => ({
    status: Number(panel.dataset.status),
    success: panel.classList.contains("success"),
    request: panel.querySelector(".response-line code")?.textContent,
    explanations: Array.from(panel.querySelectorAll("li.explanation"), (li) => ({
      code: li.dataset.code,
      message: li.querySelector(".api-error span")?.textContent,
      why: li.querySelector(".why")?.textContent,
      at: li.querySelector("button.jump")?.dataset.at,
    })),
  }));
}
