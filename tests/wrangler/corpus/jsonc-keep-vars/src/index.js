import { DurableObject } from "cloudflare:workers";

export class Lock extends DurableObject {}

export default {
  fetch(request, env) {
    return Response.json({ text: env.TEXT, count: env.COUNT });
  },
};
