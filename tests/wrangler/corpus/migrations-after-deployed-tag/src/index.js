import { DurableObject } from "cloudflare:workers";

export class Book extends DurableObject {}

export default {
  fetch() {
    return new Response("ledger");
  },
};
