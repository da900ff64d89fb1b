// Edit → preview latency of the composer in headless Chromium, with 30 / 100 / 300 bindings and
// 50 modules. For each size it imports a generated composition file, then types into a binding's
// value EDITS times. Each keystroke is dispatched as a frame begins (in an animation frame
// callback, before that frame's style, layout and paint), and the page measures with
// performance.now(), from the input event to
//   - the moment the preview's metadata JSON shows the new text (a MutationObserver on the
//     preview): "input → DOM update", the app's own work;
//   - the end of the frame that paints it: a message posted once the update is in the DOM runs
//     right after the task that renders the frame (style, layout, paint): "input → next painted
//     frame". Within one frame (16.7 ms at 60 Hz) means the keystroke costs no dropped frame.
// One idle frame separates keystrokes.
// Usage: make bench   (or: node tests/e2e/bench/latency.mjs [EDITS])
// Needs the release build in dist/ (make dist) and Debian's chromium.
import { existsSync } from "node:fs";
import { join } from "node:path";

import { fieldId, openApp, waitFor } from "../lib/app.mjs";
import { DIST, SANDBOX_ACCOUNT } from "../lib/paths.mjs";
import { serveStatic } from "../lib/static-server.mjs";

// playwright-core and Chromium come with `make setup-test`; say so instead of a stack trace.
const { launchChromium, newPage } = await import("../lib/browser.mjs").catch((error) => {
  console.error(`cannot load the browser driver (${error.message}): run \`make setup-test\` first`);
  process.exit(1);
});

const SIZES = [30, 100, 300];
const MODULES = 50;
const EDITS = Number(process.argv[2] ?? 60);
const WARM_UP = 5;

/// A binding of one of several common types, all well-formed.
function binding(i) {
  const hex = i.toString(16).padStart(32, "0");
  const name = `BINDING_${i}`;
  switch (i % 6) {
    case 0: return { type: "plain_text", name, text: `value ${i}` };
    case 1: return { type: "kv_namespace", name, namespace_id: hex };
    case 2: return { type: "r2_bucket", name, bucket_name: `bucket-${i}` };
    case 3: return { type: "d1", name, id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
    case 4: return { type: "service", name, service: `worker-${i}` };
    default: return { type: "queue", name, queue_name: `queue-${i}` };
  }
}

/// 50 ES modules of about 2 KB each; index.js imports the others.
function modules() {
  const list = [];
  for (let i = 1; i < MODULES; i++) {
    const body = Array.from({ length: 40 }, (_, line) => `export const value${line} = ${i * 100 + line}; // padding padding`).join("\n");
    list.push({ name: `lib/module${i}.js`, kind: "esm", content: `${body}\n` });
  }
  const imports = list.map((m, i) => `import * as m${i} from "./${m.name}";`).join("\n");
  list.unshift({
    name: "index.js",
    kind: "esm",
    content: `${imports}\nexport default { fetch(request, env) { return new Response(String(m0.value0)); } };\n`,
  });
  return list;
}

function composition(bindings) {
  return {
    format: 1,
    request: { target: "account", operation: "upload", account_id: SANDBOX_ACCOUNT, script_name: "latency-bench" },
    metadata: {
      main_module: "index.js",
      compatibility_date: "2024-06-01",
      bindings: Array.from({ length: bindings }, (_, i) => binding(i)),
    },
    modules: modules(),
  };
}

/// Runs the edits in the page; returns `{ toPreview: ms[], toFrame: ms[] }`.
function measureInPage(page, inputId, edits, tag) {
  return page.evaluate(
    async ({ inputId, edits, tag }) => {
      const input = document.getElementById(inputId);
      const preview = document.getElementById("metadata-json");
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      // Resolves in the next animation frame callback, before that frame renders.
      const frameStart = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
      // Resolves once the frame being produced now has been rendered: a task queued now runs
      // after the one that runs the animation frame callbacks, style, layout and paint.
      const afterRender = () =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve(performance.now());
          channel.port2.postMessage(null);
        });
      const toPreview = [];
      const toFrame = [];
      for (let i = 0; i < edits; i++) {
        const text = `${tag}-edit-${i}`;
        await frameStart(); // an idle frame between keystrokes
        await afterRender();
        await frameStart();
        const shown = new Promise((resolve) => {
          const observer = new MutationObserver(() => {
            if (preview.textContent.includes(`"${text}"`)) {
              observer.disconnect();
              resolve(performance.now());
            }
          });
          observer.observe(preview, { childList: true, subtree: true, characterData: true });
        });
        const started = performance.now();
        setValue.call(input, text);
        input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text.at(-1) }));
        const updated = await shown;
        const painted = await afterRender();
        toPreview.push(updated - started);
        toFrame.push(painted - started);
      }
      return { toPreview, toFrame };
    },
    { inputId, edits, tag },
  );
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const ms = (value) => value.toFixed(2).padStart(13);

async function main() {
  if (!existsSync(join(DIST, "index.html"))) {
    console.error(`no app in ${DIST}: build it first (make dist)`);
    process.exit(1);
  }
  const server = await serveStatic(DIST);
  const browser = await launchChromium();
  const version = browser.version();
  const rows = [];
  try {
    for (const size of SIZES) {
      const page = await newPage(browser, server.origin);
      await openApp(page, server.origin);
      const file = composition(size);
      await page.setInputFiles("#import-file", {
        name: `latency-${size}.bindery.json`,
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify(file)),
      });
      await waitFor(
        async () => JSON.parse(await page.textContent("#metadata-json")).bindings.length === size,
        { timeout: 30000, message: `${size} bindings in the preview` },
      );
      // The first binding is a plain_text one: its value is what gets typed.
      const inputId = fieldId("bindings[0].text");
      await measureInPage(page, inputId, WARM_UP, `warm${size}`);
      const { toPreview, toFrame } = await measureInPage(page, inputId, EDITS, `run${size}`);
      if (page.problems.length) throw new Error(`page errors: ${page.problems.join("; ")}`);
      rows.push({ size, toPreview, toFrame });
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }

  console.log(`edit → preview latency, headless Chromium ${version}, ${MODULES} modules, ${EDITS} edits per size`);
  console.log(`${"".padEnd(10)}${"input → DOM update".padStart(26)}   ${"input → next painted frame".padStart(26)}`);
  console.log(`${"bindings".padEnd(10)}${"median ms".padStart(13)}${"p95 ms".padStart(13)}   ${"median ms".padStart(13)}${"p95 ms".padStart(13)}`);
  for (const { size, toPreview, toFrame } of rows) {
    console.log(
      `${String(size).padEnd(10)}${ms(quantile(toPreview, 0.5))}${ms(quantile(toPreview, 0.95))}   ${ms(quantile(toFrame, 0.5))}${ms(quantile(toFrame, 0.95))}`,
    );
  }
}

await main();
