// The official TypeScript SDK (npm `cloudflare`, pinned in ../package-lock.json) against a
// Cloudflare API base such as Bindery's sandbox: every call a program managing Workers makes,
// each result printed as one JSON object for the Rust test (tests/sandbox_sdk.rs) to check.
//
//   CLOUDFLARE_API_BASE_URL=http://127.0.0.1:PORT/client/v4 CLOUDFLARE_API_TOKEN=… \
//   CLOUDFLARE_ACCOUNT_ID=… node scenario.mjs
//
// Uploads: the SDK's generic form encoder turns a `metadata` object into bracketed fields
// (`metadata[main_module]`) and `files` into `files[]` parts, and `scripts.update` sets
// `Content-Type: application/javascript` over the form. So the uploads that work pass the
// metadata as one JSON file, each module under its own part name, and (for `update`) drop that
// header; the documented shape is sent too, to show the error the API answers it with.

import Cloudflare from "cloudflare";

const account_id = process.env.CLOUDFLARE_ACCOUNT_ID;
const client = new Cloudflare({
  apiToken: process.env.CLOUDFLARE_API_TOKEN,
  baseURL: process.env.CLOUDFLARE_API_BASE_URL,
  maxRetries: 0,
});

const out = {};
const record = (key, value) => {
  out[key] = value;
};
/** The error an API call failed with, as status, codes and messages. */
const failure = async (promise) => {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    return {
      status: error.status,
      codes: (error.errors ?? []).map((e) => e.code),
      messages: (error.errors ?? []).map((e) => e.message),
    };
  }
};
const json = (name, value) =>
  new File([JSON.stringify(value)], name, { type: "application/json" });
const esm = (name, text) =>
  new File([text], name, { type: "application/javascript+module" });
const noContentType = { headers: { "Content-Type": null } };

const worker = "sdk-worker";
const code = 'export default { async fetch(request, env) { return new Response(env.GREETING) } };\n';

// KV namespace create, then an upload bound to it.
const namespace = await client.kv.namespaces.create({ account_id, title: "sdk-kv" });
record("kv", namespace);

const uploaded = await client.workers.scripts.update(
  worker,
  {
    account_id,
    metadata: json("metadata.json", {
      main_module: "index.js",
      compatibility_date: "2025-01-01",
      bindings: [
        { type: "kv_namespace", name: "STORE", namespace_id: namespace.id },
        { type: "plain_text", name: "GREETING", text: "hello from the SDK" },
      ],
    }),
    "index.js": esm("index.js", code),
  },
  noContentType,
);
record("upload", uploaded);

// The documented shape (metadata object, files array), as the SDK encodes it.
record(
  "documented_upload",
  await failure(
    client.workers.scripts.update(worker, {
      account_id,
      metadata: { main_module: "index.js", compatibility_date: "2025-01-01" },
      files: [esm("index.js", code)],
    }),
  ),
);
// The same with the SDK's own Content-Type left on: the form is read as one script.
record(
  "upload_as_javascript",
  await failure(
    client.workers.scripts.update(worker, {
      account_id,
      metadata: json("metadata.json", { main_module: "index.js" }),
      "index.js": esm("index.js", code),
    }),
  ),
);

// A version, not deployed; the versions list and one version.
const version = await client.workers.scripts.versions.create(worker, {
  account_id,
  metadata: json("metadata.json", {
    main_module: "index.js",
    compatibility_date: "2025-02-02",
    bindings: [{ type: "inherit", name: "STORE" }, { type: "plain_text", name: "GREETING", text: "v2" }],
    annotations: { "workers/message": "from the SDK", "workers/tag": "sdk" },
  }),
  "index.js": esm("index.js", code),
});
record("version", version);
const versions = [];
for await (const v of client.workers.scripts.versions.list(worker, { account_id })) {
  versions.push(v);
}
record("versions", versions);
record("version_get", await client.workers.scripts.versions.get(version.id, { account_id, script_name: worker }));

// Settings: get, then edit (one `settings` JSON part) — refused while the newest version is
// not the deployed one — then deploy the version and edit again.
record("settings", await client.workers.scripts.scriptAndVersionSettings.get(worker, { account_id }));
const settingsEdit = () =>
  client.workers.scripts.scriptAndVersionSettings.edit(worker, {
    account_id,
    settings: json("settings.json", {
      compatibility_flags: ["nodejs_compat"],
      bindings: [
        { type: "kv_namespace", name: "STORE" },
        { type: "plain_text", name: "GREETING", text: "edited" },
      ],
      logpush: true,
    }),
  });
record("settings_edit_undeployed", await failure(settingsEdit()));
record(
  "deployment",
  await client.workers.scripts.deployments.create(worker, {
    account_id,
    strategy: "percentage",
    versions: [{ version_id: version.id, percentage: 100 }],
    annotations: { "workers/message": "deploy the SDK version" },
  }),
);
record("settings_edit", await settingsEdit());
record("settings_after", await client.workers.scripts.scriptAndVersionSettings.get(worker, { account_id }));
record("script_settings", await client.workers.scripts.settings.edit(worker, { account_id, tags: ["sdk"] }));
record(
  "deployments",
  await client.workers.scripts.deployments.get((await firstDeployment()).id, { account_id, script_name: worker }),
);
async function firstDeployment() {
  const response = await client.get(`/accounts/${account_id}/workers/scripts/${worker}/deployments`);
  return response.result.deployments[0];
}

// Deployment mistakes.
record(
  "deploy_unknown_version",
  await failure(
    client.workers.scripts.deployments.create(worker, {
      account_id,
      strategy: "percentage",
      versions: [{ version_id: "00000000-0000-4000-8000-000000000000", percentage: 100 }],
    }),
  ),
);
record(
  "deploy_not_100",
  await failure(
    client.workers.scripts.deployments.create(worker, {
      account_id,
      strategy: "percentage",
      versions: [
        { version_id: version.id, percentage: 60 },
        { version_id: uploaded.deployment_id, percentage: 30 },
      ],
    }),
  ),
);

// Secrets: put, list, get, delete; an invalid name.
record(
  "secret_put",
  await client.workers.scripts.secrets.update(worker, {
    account_id,
    name: "SDK_SECRET",
    text: "s3cr3t",
    type: "secret_text",
  }),
);
const secrets = [];
for await (const s of client.workers.scripts.secrets.list(worker, { account_id })) {
  secrets.push(s);
}
record("secrets", secrets);
record("secret_get", await client.workers.scripts.secrets.get("SDK_SECRET", { account_id, script_name: worker }));
record(
  "secret_bad_name",
  await failure(
    client.workers.scripts.secrets.update(worker, { account_id, name: "", text: "x", type: "secret_text" }),
  ),
);
record(
  "secret_delete",
  await client.workers.scripts.secrets.delete("SDK_SECRET", { account_id, script_name: worker }),
);
record(
  "secret_gone",
  await failure(client.workers.scripts.secrets.get("SDK_SECRET", { account_id, script_name: worker })),
);

// Workers for Platforms: a namespace and a user Worker, its bindings read back.
await client.workersForPlatforms.dispatch.namespaces.create({ account_id, name: "sdk-tenants" });
record(
  "user_upload",
  await client.workersForPlatforms.dispatch.namespaces.scripts.update(
    "customer-1",
    {
      account_id,
      dispatch_namespace: "sdk-tenants",
      metadata: json("metadata.json", {
        main_module: "index.js",
        bindings: [{ type: "kv_namespace", name: "USER_KV", namespace_id: namespace.id }],
      }),
      "index.js": esm("index.js", code),
    },
    noContentType,
  ),
);
const userBindings = [];
for await (const b of client.workersForPlatforms.dispatch.namespaces.scripts.bindings.get("customer-1", {
  account_id,
  dispatch_namespace: "sdk-tenants",
})) {
  userBindings.push(b);
}
record("user_bindings", userBindings);

// The newer Workers API and the scripts list.
record("worker", await client.workers.beta.workers.get(worker, { account_id }));
const scripts = [];
for await (const s of client.workers.scripts.list({ account_id })) {
  scripts.push(s.id);
}
record("scripts", scripts);

process.stdout.write(JSON.stringify(out));
