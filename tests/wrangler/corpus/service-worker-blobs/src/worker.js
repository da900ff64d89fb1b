addEventListener("fetch", (event) => {
  const instance = new WebAssembly.Instance(ADD_WASM);
  const sum = instance.exports.add(2, 3);
  event.respondWith(
    new Response(`${GREETING_TXT} ${sum} (${LOGO_BIN.byteLength} bytes of logo)`),
  );
});
