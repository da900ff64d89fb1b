import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";

export class Cart extends DurableObject {}

export class Api extends WorkerEntrypoint {
  async fetch() {
    return new Response("api");
  }
}

export default {
  async fetch(request, env) {
    return env.CARTS.get(env.CARTS.idFromName("c")).fetch(request);
  },
};
