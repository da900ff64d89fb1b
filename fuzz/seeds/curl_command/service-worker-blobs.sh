# Paste into bash. The API token is read from $CLOUDFLARE_API_TOKEN.
# Run it from the folder holding the module files.
# The metadata JSON is read by curl from the here-document after the command (<<'BINDERY_METADATA'),
# so bash interprets none of its characters; the part ends with the here-document's newline.
curl --path-as-is -X PUT 'https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/workers/scripts/legacy-sw' \
  -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \
  -F 'metadata=<-;type=application/json' \
  -F 'script=@script.js;type=application/javascript;filename=script' \
  -F 'add_wasm=@add.wasm;type=application/wasm;filename=add_wasm' \
  -F 'template_html=@template.html;type=text/plain;filename=template_html' \
  -F 'logo_bin=@logo_bin;type=application/octet-stream;filename=logo_bin' \
  <<'BINDERY_METADATA'
{"body_part":"script","bindings":[{"type":"wasm_module","name":"ADD_WASM","part":"add_wasm"},{"type":"text_blob","name":"TEMPLATE","part":"template_html"},{"type":"data_blob","name":"LOGO","part":"logo_bin"},{"type":"plain_text","name":"MODE","text":"legacy"}],"compatibility_date":"2024-06-01"}
BINDERY_METADATA
