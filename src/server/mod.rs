//! `bindery serve`: the app, the proxy to the Cloudflare API, and the sandbox.
