//! The content hash of a static asset, as wrangler computes it and the assets upload session
//! expects it: BLAKE3 over the base64 text of the file followed by its extension (without the
//! dot), hex, first 32 characters.
//!
//! The base64 text is fed to the hasher in slices of whole 3-byte groups, so a file of any size
//! is hashed without holding its base64 form, and the browser can hash a large file in chunks
//! between which it yields to the page.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Hex characters kept from the BLAKE3 digest.
pub const HASH_HEX_LEN: usize = 32;

/// Input bytes encoded per step (a multiple of 3, so slices of base64 join without padding).
const STEP: usize = 3 * 16 * 1024;

/// An asset hash computed piece by piece: [`AssetHasher::update`] with the file's bytes in
/// order, then [`AssetHasher::finish`] with its path.
#[derive(Clone)]
pub struct AssetHasher {
    hasher: blake3::Hasher,
    /// Bytes of an incomplete 3-byte group carried to the next update.
    carry: [u8; 3],
    carry_len: usize,
    encoded: Vec<u8>,
}

impl Default for AssetHasher {
    fn default() -> Self {
        AssetHasher::new()
    }
}

impl AssetHasher {
    pub fn new() -> AssetHasher {
        AssetHasher {
            hasher: blake3::Hasher::new(),
            carry: [0; 3],
            carry_len: 0,
            encoded: vec![0; STEP / 3 * 4],
        }
    }

    /// Adds the next bytes of the file.
    pub fn update(&mut self, mut bytes: &[u8]) {
        if self.carry_len > 0 {
            let take = (3 - self.carry_len).min(bytes.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&bytes[..take]);
            self.carry_len += take;
            bytes = &bytes[take..];
            if self.carry_len < 3 {
                return;
            }
            let group = self.carry;
            self.encode(&group);
            self.carry_len = 0;
        }
        let whole = bytes.len() / 3 * 3;
        for slice in bytes[..whole].chunks(STEP) {
            self.encode(slice);
        }
        let rest = &bytes[whole..];
        self.carry[..rest.len()].copy_from_slice(rest);
        self.carry_len = rest.len();
    }

    fn encode(&mut self, slice: &[u8]) {
        let written = STANDARD
            .encode_slice(slice, &mut self.encoded)
            .expect("the buffer holds the base64 of one step");
        self.hasher.update(&self.encoded[..written]);
    }

    /// The hash of the bytes given so far, for a file at `path` (only its extension counts).
    pub fn finish(mut self, path: &str) -> String {
        if self.carry_len > 0 {
            let group = self.carry;
            let written = STANDARD
                .encode_slice(&group[..self.carry_len], &mut self.encoded)
                .expect("a padded group fits");
            self.hasher.update(&self.encoded[..written]);
        }
        self.hasher.update(extension(path).as_bytes());
        let mut hex = self.hasher.finalize().to_hex().to_string();
        hex.truncate(HASH_HEX_LEN);
        hex
    }
}

/// The hash of a whole file's `content` at `path`.
pub fn hash_asset(content: &[u8], path: &str) -> String {
    let mut hasher = AssetHasher::new();
    hasher.update(content);
    hasher.finish(path)
}

/// The extension of `path` without its dot, by Node's `path.extname` rules (which wrangler
/// uses): the text after the last dot of the last segment, none when that dot starts the name
/// (`.htaccess`); `a.` and `...` give the empty string.
pub fn extension(path: &str) -> &str {
    let name = path.trim_end_matches('/');
    let name = &name[name.rfind('/').map_or(0, |i| i + 1)..];
    let Some(dot) = name.rfind('.') else {
        return "";
    };
    if dot == 0 {
        return "";
    }
    &name[dot + 1..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(content: &[u8], path: &str) -> String {
        let mut text = STANDARD.encode(content);
        text.push_str(extension(path));
        blake3::hash(text.as_bytes()).to_hex()[..32].to_string()
    }

    #[test]
    fn extensions_follow_node_extname() {
        // Each pair checked against `path.extname(p).substring(1)` on Node 22.
        let cases = [
            ("a.js", "js"),
            (".htaccess", ""),
            ("a.b.", ""),
            ("...", ""),
            ("..", ""),
            ("..a", "a"),
            ("a..b", "b"),
            ("x/.y.z", "z"),
            ("dir.d/file", ""),
            ("noext", ""),
            ("a.TXT", "TXT"),
            ("é.Html", "Html"),
            (".a.", ""),
            ("x/..b", "b"),
        ];
        for (path, expected) in cases {
            assert_eq!(extension(path), expected, "{path}");
        }
    }

    #[test]
    fn known_hashes_match_wranglers_blake3_wasm() {
        // Computed on Node 22 with the `blake3-wasm` package wrangler hashes with.
        assert_eq!(
            hash_asset(b"<h1>hi</h1>\n", "index.html"),
            "17453d0cfb9bacc76d9f30d3cb9ca048"
        );
        assert_eq!(
            hash_asset(b"", "empty.txt"),
            "f9bc91770fa5e997cbd47fba833629fc"
        );
        assert_eq!(
            hash_asset(&[0, 255, 1, 2], "a.bin"),
            "38710b7645bda355a784a42052a8ab50"
        );
    }

    #[test]
    fn hashing_in_pieces_of_any_size_gives_the_same_hash() {
        let content: Vec<u8> = (0..200_003u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = reference(&content, "big.bin");
        assert_eq!(hash_asset(&content, "big.bin"), whole);
        for piece in [1, 2, 4, 5, 1000, 49_151, 49_152, 65_537] {
            let mut hasher = AssetHasher::new();
            for chunk in content.chunks(piece) {
                hasher.update(chunk);
            }
            assert_eq!(hasher.finish("big.bin"), whole, "pieces of {piece}");
        }
    }

    #[test]
    fn the_extension_is_part_of_the_hash() {
        assert_ne!(hash_asset(b"x", "a.css"), hash_asset(b"x", "a.js"));
        assert_eq!(hash_asset(b"x", "a.css"), hash_asset(b"x", "other/b.css"));
    }
}
