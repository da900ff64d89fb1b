// A customer's Worker: keeps its own data in the KV namespace bound as USER_KV.
export default {
  async fetch(request, env) {
    const key = new URL(request.url).pathname;
    if (request.method === "PUT") {
      await env.USER_KV.put(key, await request.text());
      return new Response("Stored\n", { status: 201 });
    }
    const value = await env.USER_KV.get(key);
    return value === null ? new Response("Not found\n", { status: 404 }) : new Response(value);
  },
};
