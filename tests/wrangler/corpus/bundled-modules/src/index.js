import add from "./assets/add.wasm";
import page from "./assets/page.html";
import notes from "./assets/notes.md";
import { shout } from "./util.js";

export default {
  async fetch() {
    const { exports } = await WebAssembly.instantiate(add);
    return new Response(shout(`${page}${notes}${exports.add?.(1, 2)}`), {
      headers: { "content-type": "text/html" },
    });
  },
};
