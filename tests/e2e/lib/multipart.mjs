// A small multipart/form-data parser, byte-exact: each part's body is exactly the bytes
// between its header block and the next boundary's CRLF.

/// The boundary of a `multipart/form-data; boundary=...` content type.
export function boundaryOf(contentType) {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  if (!match) throw new Error(`not a multipart content type: ${contentType}`);
  return match[1] ?? match[2];
}

/// Parses a body into `[{ name, filename, contentType, headers, body }]` in order.
/// `filename` and `contentType` are `undefined` when the part has none.
export function parseMultipart(body, contentType) {
  const boundary = boundaryOf(contentType);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let at = body.indexOf(delimiter);
  if (at !== 0) throw new Error("multipart body does not start with its boundary");
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === "--") break; // closing delimiter
    if (body.subarray(at, at + 2).toString() !== "\r\n") {
      throw new Error(`malformed boundary line at byte ${at}`);
    }
    at += 2;
    const headerEnd = body.indexOf("\r\n\r\n", at);
    if (headerEnd < 0) throw new Error(`part header block not terminated (byte ${at})`);
    const headers = {};
    for (const line of body.subarray(at, headerEnd).toString("utf8").split("\r\n")) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), start);
    if (next < 0) throw new Error(`part starting at byte ${start} has no closing boundary`);
    const disposition = headers["content-disposition"] ?? "";
    parts.push({
      name: dispositionParam(disposition, "name"),
      filename: dispositionParam(disposition, "filename"),
      contentType: headers["content-type"],
      headers,
      body: body.subarray(start, next),
    });
    at = next + 2;
  }
  return parts;
}

/// A quoted parameter of a Content-Disposition header (`name="x"`), with `\"` and `\\` unescaped.
function dispositionParam(disposition, key) {
  const match = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`).exec(disposition);
  return match ? match[1].replace(/\\(.)/g, "$1") : undefined;
}
