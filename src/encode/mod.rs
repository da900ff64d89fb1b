//! Encodings of a composition: metadata JSON, multipart body, curl command.
