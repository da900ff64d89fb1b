//! Wrangler's module rule globs (`rules = [{ type = "Text", globs = ["**/*.md"] }]`), matched
//! exactly as wrangler matches them: with the `glob-to-regexp` package in `globstar` mode.
//!
//! In that mode `*` matches within one path segment, `**` standing alone between slashes (or at
//! either end) matches any number of whole segments, and every other character is literal —
//! `?`, `[`, `{` included (`**/*.wasm?module` means a literal `?`). A crate with richer globs
//! would match files wrangler does not, so this small matcher follows the package instead.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run of characters without `/`.
    Star,
    /// `**/` (or a trailing `**`): any number of segments, each ending with `/` or the path.
    GlobStar,
}

/// A compiled glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    tokens: Vec<Token>,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c != '*' {
                tokens.push(Token::Char(c));
                i += 1;
                continue;
            }
            let previous = i.checked_sub(1).map(|p| chars[p]);
            let mut stars = 1;
            while chars.get(i + 1) == Some(&'*') {
                stars += 1;
                i += 1;
            }
            let next = chars.get(i + 1).copied();
            let globstar = stars > 1
                && matches!(previous, None | Some('/'))
                && matches!(next, None | Some('/'));
            if globstar {
                tokens.push(Token::GlobStar);
                // The package skips the character after `**` (the `/`).
                i += 2;
            } else {
                tokens.push(Token::Star);
                i += 1;
            }
        }
        Glob { tokens }
    }

    /// Whether `path` (relative, `/`-separated) matches the whole glob.
    pub fn matches(&self, path: &str) -> bool {
        let chars: Vec<char> = path.chars().collect();
        // memo[t][p]: whether tokens[t..] match chars[p..] (None = not computed yet).
        let mut memo = vec![vec![None; chars.len() + 1]; self.tokens.len() + 1];
        self.match_from(0, 0, &chars, &mut memo)
    }

    fn match_from(
        &self,
        t: usize,
        p: usize,
        chars: &[char],
        memo: &mut Vec<Vec<Option<bool>>>,
    ) -> bool {
        if let Some(known) = memo[t][p] {
            return known;
        }
        let result = match self.tokens.get(t) {
            None => p == chars.len(),
            Some(Token::Char(c)) => {
                chars.get(p) == Some(c) && self.match_from(t + 1, p + 1, chars, memo)
            }
            Some(Token::Star) => {
                let mut end = p;
                loop {
                    if self.match_from(t + 1, end, chars, memo) {
                        break true;
                    }
                    if end == chars.len() || chars[end] == '/' {
                        break false;
                    }
                    end += 1;
                }
            }
            Some(Token::GlobStar) => {
                // Consumes nothing, a run ending just after a `/`, or everything that is left.
                (p..=chars.len()).any(|end| {
                    let takes = end == p || end == chars.len() || chars[end - 1] == '/';
                    takes && self.match_from(t + 1, end, chars, memo)
                })
            }
        };
        memo[t][p] = Some(result);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        Glob::new(glob).matches(path)
    }

    #[test]
    fn globstar_matches_any_depth_including_none() {
        assert!(m("**/*.wasm", "add.wasm"));
        assert!(m("**/*.wasm", "lib/deep/add.wasm"));
        assert!(!m("**/*.wasm", "add.wasm.js"));
        assert!(m("src/**", "src/a/b.txt"));
        assert!(m("src/**/*.txt", "src/a.txt"));
        assert!(m("src/**/*.txt", "src/x/y/a.txt"));
        assert!(!m("src/**/*.txt", "lib/a.txt"));
    }

    #[test]
    fn a_single_star_stays_in_its_segment() {
        assert!(m("*.js", "index.js"));
        assert!(!m("*.js", "lib/index.js"));
        assert!(m("lib/*.js", "lib/a.js"));
        // `**` glued to other characters is a plain star.
        assert!(m("a**.js", "abc.js"));
        assert!(!m("a**.js", "a/b.js"));
    }

    #[test]
    fn other_glob_characters_are_literal() {
        assert!(m("**/*.wasm?module", "x.wasm?module"));
        assert!(!m("**/*.wasm?module", "x.wasmXmodule"));
        assert!(m("[ab].txt", "[ab].txt"));
        assert!(!m("[ab].txt", "a.txt"));
        assert!(m("{a,b}.txt", "{a,b}.txt"));
        assert!(!m("*.txt", ".txt/x"));
    }

    #[test]
    fn long_paths_do_not_explode() {
        let path = "a/".repeat(200) + "b.txt";
        assert!(m("**/**/**/**/*.txt", &path));
        assert!(!m("**/**/**/**/*.bin", &path));
    }
}
