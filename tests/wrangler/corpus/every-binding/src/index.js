export default {
  async fetch(request, env) {
    return Response.json({ greeting: env.GREETING, features: env.FEATURES });
  },
};
