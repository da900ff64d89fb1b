export default {
  async fetch(request, env) {
    return env.AUTH.fetch(request);
  },
};
