export default {
  async fetch(request, env) {
    const object = await env.USER_FILES.get("index.html");
    return new Response(object ? object.body : await env.USER_KV.get("home"));
  },
};
