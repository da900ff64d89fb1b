// Runs compositions in workerd through Miniflare (the local runtime the pinned wrangler
// peer uses), the way the Workers runtime would run the upload: the composition's modules,
// entry and format, compatibility date and flags, its bindings as local resources, and the
// Durable Object classes its migration creates.
//
//   node run.mjs CASES.json    (Node 22 from tests/peers)
//
// CASES.json: [{ "id", "composition": <composition file, modules inline>, "assets"?: [{ "path",
// "content_base64" }] (the static assets folder an assets binding serves), "requests":
// [{ "method", "path", "body"? }] }]. Prints [{ "id", "responses": [{ "status", "body" }] }].
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(join(import.meta.dirname, "../peers/package.json"));
const { Miniflare } = await import(require.resolve("miniflare"));

/// Miniflare's module types for the composition's module kinds.
const MODULE_TYPES = { esm: "esm", commonjs: "cjs", text: "text", data: "data", wasm: "wasm", python: "python" };

function bytesOf(module) {
  return module.content_base64 !== undefined
    ? new Uint8Array(Buffer.from(module.content_base64, "base64"))
    : new Uint8Array(Buffer.from(module.content, "utf8"));
}

/// The Miniflare worker options for a composition; a binding type with no local equivalent
/// here is an error (never silently left out). `assetsDir` holds the static assets an assets
/// binding serves, with the composition's `metadata.assets.config`.
function workerOf(c, assetsDir) {
  const m = c.metadata;
  const name = c.request.script_name;
  const part = (partName) => {
    const found = (c.modules ?? []).find((mod) => mod.name === partName);
    if (!found) throw new Error(`no module part ${partName}`);
    return found;
  };
  const config = {
    name,
    compatibilityDate: m.compatibility_date,
    compatibilityFlags: m.compatibility_flags ?? [],
    env: {},
  };
  const legacy = {};
  for (const b of m.bindings ?? []) {
    switch (b.type) {
      case "kv_namespace":
        config.env[b.name] = { type: "kv", id: b.namespace_id };
        break;
      case "r2_bucket":
        config.env[b.name] = { type: "r2", name: b.bucket_name };
        break;
      case "durable_object_namespace":
        config.env[b.name] = { type: "durable-object", worker: b.script_name ?? name, exportName: b.class_name };
        break;
      case "json":
        config.env[b.name] = { type: "json", value: b.json };
        break;
      case "wasm_module":
        (legacy.wasmBindings ??= {})[b.name] = bytesOf(part(b.part));
        break;
      case "text_blob":
        (legacy.textBlobBindings ??= {})[b.name] = Buffer.from(bytesOf(part(b.part))).toString("utf8");
        break;
      case "data_blob":
        (legacy.dataBlobBindings ??= {})[b.name] = bytesOf(part(b.part));
        break;
      case "assets": {
        if (!assetsDir) throw new Error(`the assets binding ${b.name} has no assets folder to serve`);
        const { run_worker_first, html_handling, not_found_handling } = m.assets?.config ?? {};
        config.env[b.name] = { type: "assets" };
        config.assets = {
          directory: assetsDir,
          hasUserWorker: true,
          htmlHandling: html_handling,
          notFoundHandling: not_found_handling,
          runWorkerFirst: run_worker_first,
        };
        break;
      }
      default:
        throw new Error(`a ${b.type} binding has no local equivalent in this runner`);
    }
  }
  const migrations = m.migrations ?? {};
  for (const step of migrations.steps ?? [migrations]) {
    for (const cls of step.new_sqlite_classes ?? []) (config.exports ??= {})[cls] = { type: "durable-object", storage: "sqlite" };
    for (const cls of step.new_classes ?? []) (config.exports ??= {})[cls] = { type: "durable-object", storage: "legacy-kv" };
  }
  if (m.main_module) {
    config.manifest = {
      mainModule: m.main_module,
      modules: Object.fromEntries(
        c.modules.map((mod) => {
          const type = MODULE_TYPES[mod.kind];
          if (!type) throw new Error(`a ${mod.kind} module has no local equivalent in this runner`);
          const bytes = bytesOf(mod);
          const contents = ["esm", "cjs", "text", "python"].includes(type) ? Buffer.from(bytes).toString("utf8") : bytes;
          return [mod.name, { type, contents }];
        }),
      ),
    };
  } else {
    legacy.serviceWorkerScript = Buffer.from(bytesOf(part(m.body_part))).toString("utf8");
  }
  return Object.keys(legacy).length > 0 ? { config, legacy } : { config };
}

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = [];
for (const { id, composition, assets, requests } of cases) {
  let assetsDir;
  if (assets) {
    assetsDir = mkdtempSync(join(tmpdir(), "bindery-example-assets-"));
    for (const { path, content_base64 } of assets) {
      const file = join(assetsDir, path);
      if (!file.startsWith(`${assetsDir}/`)) throw new Error(`an asset path leaves its folder: ${path}`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, Buffer.from(content_base64, "base64"));
    }
  }
  const mf = new Miniflare({ workers: [workerOf(composition, assetsDir)] });
  try {
    const responses = [];
    for (const { method, path, body } of requests) {
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method, body });
      responses.push({ status: response.status, body: await response.text() });
    }
    results.push({ id, responses });
  } finally {
    await mf.dispose();
    if (assetsDir) rmSync(assetsDir, { recursive: true, force: true });
  }
}
process.stdout.write(JSON.stringify(results));
