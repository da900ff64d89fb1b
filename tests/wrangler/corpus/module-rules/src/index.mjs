import readme from "./data/readme.md";
import table from "./data/table.bin";
import addModule from "./data/add.wasm";
import { shout } from "./lib/shout.mjs";
import helper from "./lib/helper.cjs";

export default {
  async fetch() {
    const { exports } = await WebAssembly.instantiate(addModule);
    return new Response(
      `${shout(readme)} ${table.byteLength} ${exports.add(1, 2)} ${helper.name}`,
    );
  },
};
