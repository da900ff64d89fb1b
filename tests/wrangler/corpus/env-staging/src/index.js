export default {
  async fetch(request, env) {
    return new Response(`${env.STAGE} ${env.DEBUG ?? false}`);
  },
};
