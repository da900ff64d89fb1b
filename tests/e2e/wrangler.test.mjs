// The sandbox as a drop-in Cloudflare API (issue 11): real wrangler deploys a Worker into
// `bindery serve --upstream sandbox` — KV namespace and R2 bucket created with wrangler, a
// variable, a secret, compatibility date and flags, placement, observability — and "Load from
// account" in the app shows its bindings and settings as wrangler set them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import { field, previewJson, setField, waitFor } from "./lib/app.mjs";
import { shot } from "./lib/browser.mjs";
import { SANDBOX_ACCOUNT } from "./lib/paths.mjs";
import { project, wrangler } from "./lib/peers.mjs";
import { closeSession, openSession } from "./lib/session.mjs";
import { verifyAndChooseAccount } from "./lib/live.mjs";

const TOKEN = "e2e-wrangler-token-K2p";
const SECRET = "e2e-wrangler-secret-Hq40";
const SCRIPT = "e2e-wrangler-app";

describe("a Worker deployed by wrangler, loaded in the app", () => {
  let server;
  let browser;
  let page;
  let kvId;

  before(async () => {
    ({ server, browser, page } = await openSession());
    const scratch = project({ "wrangler.json": "{}" });
    await wrangler(scratch, server.origin, TOKEN, ["kv", "namespace", "create", "e2e-wrangler-kv"]);
    const namespaces = JSON.parse(await wrangler(scratch, server.origin, TOKEN, ["kv", "namespace", "list"]));
    kvId = namespaces.find((n) => n.title === "e2e-wrangler-kv").id;
    await wrangler(scratch, server.origin, TOKEN, ["r2", "bucket", "create", "e2e-wrangler-files"]);
    const dir = project({
      "wrangler.json": JSON.stringify({
        name: SCRIPT,
        main: "src/index.js",
        compatibility_date: "2025-03-01",
        compatibility_flags: ["nodejs_compat"],
        placement: { mode: "smart" },
        observability: { enabled: true, head_sampling_rate: 0.5 },
        vars: { MODE: "production" },
        kv_namespaces: [{ binding: "SESSIONS", id: kvId }],
        r2_buckets: [{ binding: "FILES", bucket_name: "e2e-wrangler-files" }],
      }),
      "src/index.js": "export default { async fetch(request, env) { return new Response(env.MODE) } };\n",
    });
    await wrangler(dir, server.origin, TOKEN, ["deploy"]);
    await wrangler(dir, server.origin, TOKEN, ["secret", "put", "API_TOKEN"], { input: `${SECRET}\n` });
  });

  after(() => closeSession({ server, browser }));

  it("shows the deployed bindings and settings after Load from account", async () => {
    await verifyAndChooseAccount(page, TOKEN, SANDBOX_ACCOUNT);
    await setField(page, "request.script_name", SCRIPT);
    await page.click("#load-deployed");
    await page.waitForSelector("#deployed-summary");
    const summary = await page.textContent("#deployed-summary");
    for (const name of ["MODE", "SESSIONS", "FILES", "API_TOKEN"]) {
      assert.match(summary, new RegExp(name), `the summary names ${name}`);
    }
    assert.ok(!summary.includes(SECRET), "the secret's value is not shown");
    await shot(page, "wrangler-01-deployed-summary");

    await page.click("#load-without-modules");
    const loaded = await waitFor(async () => {
      const json = await previewJson(page);
      return json.bindings?.length === 4 && json;
    }, { message: "the four bindings loaded from the account" });
    const byName = Object.fromEntries(loaded.bindings.map((b) => [b.name, b]));
    assert.deepEqual(byName.MODE, { type: "plain_text", name: "MODE", text: "production" });
    assert.deepEqual(byName.SESSIONS, { type: "kv_namespace", name: "SESSIONS", namespace_id: kvId });
    assert.deepEqual(byName.FILES, { type: "r2_bucket", name: "FILES", bucket_name: "e2e-wrangler-files" });
    // The secret is composed so that it keeps its deployed value (its value is not readable).
    assert.equal(byName.API_TOKEN.name, "API_TOKEN");
    assert.ok(!("text" in byName.API_TOKEN), JSON.stringify(byName.API_TOKEN));
    assert.equal(loaded.compatibility_date, "2025-03-01");
    assert.deepEqual(loaded.compatibility_flags, ["nodejs_compat"]);
    assert.deepEqual(loaded.placement, { mode: "smart" });
    assert.deepEqual(loaded.observability, { enabled: true, head_sampling_rate: 0.5 });
    assert.equal(await page.inputValue(field("request.script_name")), SCRIPT);
    await shot(page, "wrangler-02-loaded-composition");
  });
});
