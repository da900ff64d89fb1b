import { DurableObject } from "cloudflare:workers";

export class Room extends DurableObject {
  async fetch() {
    return new Response("room");
  }
}

export class Counter extends DurableObject {
  async fetch() {
    return new Response("counter");
  }
}

export default {
  async fetch(request, env) {
    return env.ROOMS.get(env.ROOMS.idFromName("lobby")).fetch(request);
  },
};
