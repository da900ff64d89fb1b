export default {
  async fetch(request) {
    const { render } = await import("./lib/render.js");
    return new Response(render(new URL(request.url).pathname));
  },
};
