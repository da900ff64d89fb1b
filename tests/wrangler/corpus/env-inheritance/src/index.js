import { DurableObject } from "cloudflare:workers";

export class Orders extends DurableObject {}

export default {
  async fetch(request, env) {
    return new Response(`${env.MODE} ${env.RETRIES}`);
  },
};
