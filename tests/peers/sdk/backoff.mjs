// The official SDK's own back-off against a rate-limited API: `count` calls in a row, each
// retried on 429 after the `Retry-After` the API gave. Prints how many succeeded and how long
// they took, for tests/sandbox_sdk.rs.
import Cloudflare from "cloudflare";

const count = Number(process.argv[2] ?? 4);
const client = new Cloudflare({
  apiToken: process.env.CLOUDFLARE_API_TOKEN,
  baseURL: process.env.CLOUDFLARE_API_BASE_URL,
  maxRetries: 5,
});
const started = Date.now();
let succeeded = 0;
for (let i = 0; i < count; i++) {
  const response = await client.user.tokens.verify();
  if (response.status === "active") succeeded++;
}
process.stdout.write(JSON.stringify({ succeeded, elapsed_ms: Date.now() - started }));
