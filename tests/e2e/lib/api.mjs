// Direct calls to the API through the proxy, for test setup (creating resources) and for
// reading back what an upload left in the sandbox.
import { SANDBOX_ACCOUNT } from "./paths.mjs";

/// `method /client/v4<path>` with a bearer token; returns the parsed envelope. Throws with the
/// API's errors when `success` is false, unless `allowFailure`.
export async function api(origin, token, method, path, body, { allowFailure = false } = {}) {
  const reply = await fetch(`${origin}/client/v4${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = await reply.json();
  if (!envelope.success && !allowFailure) {
    throw new Error(`${method} ${path} → ${reply.status}: ${JSON.stringify(envelope.errors)}`);
  }
  return envelope;
}

const account = `/accounts/${SANDBOX_ACCOUNT}`;

/// Creates a KV namespace and returns its id.
export async function createKvNamespace(origin, token, title) {
  const { result } = await api(origin, token, "POST", `${account}/storage/kv/namespaces`, { title });
  return result.id;
}

export async function createR2Bucket(origin, token, name) {
  return (await api(origin, token, "POST", `${account}/r2/buckets`, { name })).result;
}

export async function createDispatchNamespace(origin, token, name) {
  return (await api(origin, token, "POST", `${account}/workers/dispatch/namespaces`, { name })).result;
}

/// The settings of an account Worker, or of a user Worker when `namespace` is given.
export async function scriptSettings(origin, token, script, namespace) {
  const base = namespace
    ? `${account}/workers/dispatch/namespaces/${namespace}/scripts/${script}`
    : `${account}/workers/scripts/${script}`;
  return (await api(origin, token, "GET", `${base}/settings`)).result;
}

/// The bindings of a user Worker (`GET …/bindings`).
export async function userWorkerBindings(origin, token, namespace, script) {
  const path = `${account}/workers/dispatch/namespaces/${namespace}/scripts/${script}/bindings`;
  return (await api(origin, token, "GET", path)).result;
}
