// Counts the visits in the KV namespace bound as USER_KV.
export default {
  async fetch(request, env) {
    const visits = Number((await env.USER_KV.get("visits")) ?? 0) + 1;
    await env.USER_KV.put("visits", String(visits));
    return new Response(`Visit number ${visits}\n`);
  },
};
