// Where things are, relative to this file: the repository root, the built app, the debug
// binary, and the folder screenshots go to.
import { resolve, join } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const DIST = join(ROOT, "dist");
export const BINARY = join(ROOT, "target/debug/bindery");
export const ARTIFACTS = join(ROOT, "artifacts/e2e");
export const FIXTURES = join(ROOT, "tests/fixtures");

/// The account the sandbox emulates.
export const SANDBOX_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";
