// One Durable Object class, Counter, created by the first migration (tag v1) with SQLite
// storage; the Worker counts requests in a single instance of it.
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async increment() {
    const value = ((await this.ctx.storage.get("value")) ?? 0) + 1;
    await this.ctx.storage.put("value", value);
    return value;
  }
}

export default {
  async fetch(request, env) {
    const counter = env.COUNTER.get(env.COUNTER.idFromName("global"));
    return new Response(`Count: ${await counter.increment()}\n`);
  },
};
