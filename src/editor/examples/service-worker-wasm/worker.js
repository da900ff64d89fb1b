// Service-worker syntax: no exports; the wasm part is the global ADD_WASM.
addEventListener("fetch", (event) => {
  const { add } = new WebAssembly.Instance(ADD_WASM).exports;
  event.respondWith(new Response(`2 + 3 = ${add(2, 3)}\n`));
});
