// Answers /api/* itself (run_worker_first sends those paths here first); every other path is a
// file of the assets folder, served through the ASSETS binding.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/api/")) {
      return Response.json({ path: url.pathname, answered: "by the Worker" });
    }
    return env.ASSETS.fetch(request);
  },
};
