//! `.assetsignore`: which files of an assets folder are not uploaded.
//!
//! Wrangler reads the file's lines as gitignore patterns through the npm package `ignore` (its
//! defaults: case-insensitive, a path is ignored when one of its parent folders is), after three
//! patterns of its own: `/.assetsignore`, `/_redirects` and `/_headers` (those files configure
//! the upload, they are not assets). This is the same matcher written as a small pattern
//! compiler instead of regular expressions, so the browser bundle carries no regex engine; it
//! follows that package's reading of each pattern, quirks included (a `[` without its `]` never
//! matches, `!` and `^` inside brackets are plain characters, a trailing space after a `/` makes
//! the pattern anchored as wrangler's line splitting leaves `\r` on Windows line endings).
//! Checked against the package itself on 40,000 random pattern sets and paths, which agreed
//! but for a few with an unbalanced `[` mixed with `?` or `**` (where the package's own regular
//! expressions break); the manifest comparison with the real wrangler runs a folder's
//! `.assetsignore` through both.

/// The name of the ignore file at the root of the assets folder.
pub const ASSETS_IGNORE_FILE: &str = ".assetsignore";
/// Redirect rules for the assets, read into `assets.config._redirects`.
pub const REDIRECTS_FILE: &str = "_redirects";
/// Header rules for the assets, read into `assets.config._headers`.
pub const HEADERS_FILE: &str = "_headers";

/// The compiled patterns of one assets folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssetsIgnore {
    rules: Vec<Rule>,
    /// Whether the folder has an `.assetsignore` file (wrangler then allows `_worker.js`).
    pub file_present: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    negated: bool,
    anchored: bool,
    tokens: Vec<Token>,
    /// `true`: the match must end the path (`…/$`); `false`: the end or a final `/`.
    exact_end: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Lit(char),
    /// `?`: one character but `/`.
    One,
    /// `*`: any run of characters without `/`.
    Star,
    /// A single trailing `*` right after `/`: at least one character without `/`.
    StarPlus,
    /// `[a-z_]`: one character in one of the ranges.
    Class(Vec<(char, char)>),
    /// `/**/` in the middle: zero or more `/segment`s.
    Dirs,
    /// A trailing `/**`: `/` and at least one more character of any kind.
    TailAny,
    /// A pattern the package compiles to a class that matches nothing.
    Never,
}

impl AssetsIgnore {
    /// The matcher for a folder whose `.assetsignore` holds `file` (`None`: no such file).
    pub fn new(file: Option<&str>) -> AssetsIgnore {
        let defaults = [
            format!("/{ASSETS_IGNORE_FILE}"),
            format!("/{REDIRECTS_FILE}"),
            format!("/{HEADERS_FILE}"),
        ];
        let mut rules: Vec<Rule> = defaults.iter().filter_map(|p| compile(p)).collect();
        if let Some(text) = file {
            // Wrangler splits on "\n" only, so a "\r" stays at the end of each line.
            rules.extend(text.split('\n').filter_map(compile));
        }
        AssetsIgnore {
            rules,
            file_present: file.is_some(),
        }
    }

    /// Whether the file at `path` (relative to the folder, `/`-separated, no leading `/`) is
    /// left out: it or one of its parent folders matches.
    pub fn is_ignored(&self, path: &str) -> bool {
        let path = lower(path);
        let mut end = 0;
        while let Some(slash) = path[end..].iter().position(|&c| c == '/') {
            end += slash + 1;
            if self.test_one(&path[..end]) {
                return true;
            }
        }
        self.test_one(&path)
    }

    /// The last matching rule decides; no match means kept.
    fn test_one(&self, path: &[char]) -> bool {
        let mut ignored = false;
        for rule in &self.rules {
            if rule.negated != ignored {
                continue;
            }
            if rule.matches(path) {
                ignored = !rule.negated;
            }
        }
        ignored
    }
}

fn lower(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// One line of the file as a rule; `None` for blank lines, comments and invalid patterns.
fn compile(line: &str) -> Option<Rule> {
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    if line.is_empty() || line.chars().all(char::is_whitespace) || line.starts_with('#') {
        return None;
    }
    // A single trailing backslash escapes nothing: the package drops the pattern.
    let trailing_backslashes = line.chars().rev().take_while(|&c| c == '\\').count();
    if trailing_backslashes % 2 == 1 {
        return None;
    }
    let (negated, pattern) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let unescaped_start;
    let pattern = if let Some(rest) = pattern.strip_prefix("\\!") {
        unescaped_start = format!("!{rest}");
        unescaped_start.as_str()
    } else if let Some(rest) = pattern.strip_prefix("\\#") {
        unescaped_start = format!("#{rest}");
        unescaped_start.as_str()
    } else {
        pattern
    };
    // A slash anywhere but at the very end anchors the pattern (tested before trimming).
    let chars: Vec<char> = pattern.chars().collect();
    let slash_inside = chars
        .iter()
        .enumerate()
        .any(|(i, &c)| c == '/' && i + 1 < chars.len());
    let mut body = trim_trailing_space(&chars);
    let mut anchored = slash_inside;
    let leading_slash = body.first() == Some(&'/');
    if leading_slash {
        anchored = true;
        body.remove(0);
    }
    // A leading `**/` matches in every folder: the same start positions as no anchor.
    if body.starts_with(&['*', '*', '/']) {
        anchored = false;
        body.drain(..3);
    }
    let exact_end = body.last() == Some(&'/');
    let tokens = tokenize(&body, leading_slash);
    Some(Rule {
        negated,
        anchored,
        tokens,
        exact_end,
    })
}

/// Trailing whitespace is dropped, except one space kept for a `\ ` at the end; `\ ` inside
/// becomes a space.
fn trim_trailing_space(chars: &[char]) -> Vec<char> {
    let mut end = chars.len();
    while end > 0 && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    let mut out: Vec<char> = chars[..end].to_vec();
    if end < chars.len() && end > 0 && chars[end - 1] == '\\' {
        out.pop();
        out.push(' ');
    }
    out
}

fn tokenize(body: &[char], leading_slash: bool) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            // The package turns a final escaped `\*` into a wildcard all the same.
            '\\' if i + 2 == body.len() && body[i + 1] == '*' => {
                let after_slash = if i == 0 {
                    leading_slash
                } else {
                    body[i - 1] == '/'
                };
                tokens.push(if after_slash {
                    Token::StarPlus
                } else {
                    Token::Star
                });
                i += 2;
            }
            '\\' if i + 1 < body.len() => {
                tokens.extend(lower_lit(body[i + 1]));
                i += 2;
            }
            '?' => {
                tokens.push(Token::One);
                i += 1;
            }
            '/' if body[i + 1..].starts_with(&['*', '*'])
                && matches!(body.get(i + 3), None | Some('/')) =>
            {
                if i + 3 == body.len() {
                    tokens.push(Token::TailAny);
                } else {
                    tokens.push(Token::Dirs);
                }
                i += 3;
            }
            '*' => {
                let run = body[i..].iter().take_while(|&&c| c == '*').count();
                let at_end = i + run == body.len();
                // `abc/*` and `/*`: the package's trailing wildcard needs one character.
                let after_slash = if i == 0 {
                    leading_slash
                } else {
                    body[i - 1] == '/'
                };
                if at_end && run == 1 && after_slash {
                    tokens.push(Token::StarPlus);
                } else {
                    tokens.push(Token::Star);
                }
                i += run;
            }
            '[' => match class(&body[i + 1..]) {
                Some((token, used)) => {
                    tokens.push(token);
                    i += 1 + used;
                }
                None => {
                    tokens.push(Token::Lit('['));
                    i += 1;
                }
            },
            c => {
                tokens.extend(lower_lit(c));
                i += 1;
            }
        }
    }
    tokens
}

fn lower_lit(c: char) -> impl Iterator<Item = Token> {
    c.to_lowercase().map(Token::Lit)
}

/// A bracket expression after its `[`: the token and how many characters it used (through
/// the `]`). Unclosed before the end: a class that matches nothing; a `/` before the `]`: not
/// a class.
fn class(rest: &[char]) -> Option<(Token, usize)> {
    let close = rest.iter().position(|&c| c == ']' || c == '/');
    match close {
        None => Some((Token::Never, rest.len())),
        Some(at) if rest[at] == '/' => None,
        Some(at) => {
            let inner = &rest[..at];
            let mut ranges = Vec::new();
            let mut j = 0;
            while j < inner.len() {
                let c = inner[j];
                if j + 2 < inner.len() && inner[j + 1] == '-' {
                    let (from, to) = (c, inner[j + 2]);
                    // The package drops a reversed range instead of failing.
                    if from <= to {
                        ranges.push((from, to));
                    }
                    j += 3;
                } else {
                    ranges.push((c, c));
                    j += 1;
                }
            }
            // Paths are compared in lower case: add each range's lower-case form.
            let mut all = ranges.clone();
            for (from, to) in ranges {
                let lowered = (from.to_ascii_lowercase(), to.to_ascii_lowercase());
                if lowered.0 <= lowered.1 && lowered != (from, to) {
                    all.push(lowered);
                }
            }
            Some((Token::Class(all), at + 1))
        }
    }
}

impl Rule {
    fn matches(&self, path: &[char]) -> bool {
        if self.anchored {
            return self.match_from(0, path, 0);
        }
        (0..=path.len())
            .filter(|&start| start == 0 || path[start - 1] == '/')
            .any(|start| self.match_from(0, path, start))
    }

    fn at_end(&self, path: &[char], at: usize) -> bool {
        at == path.len() || (!self.exact_end && at + 1 == path.len() && path[at] == '/')
    }

    fn match_from(&self, t: usize, path: &[char], at: usize) -> bool {
        let Some(token) = self.tokens.get(t) else {
            return self.at_end(path, at);
        };
        let next = t + 1;
        match token {
            Token::Never => false,
            Token::Lit(c) => path.get(at) == Some(c) && self.match_from(next, path, at + 1),
            Token::One => {
                matches!(path.get(at), Some(&c) if c != '/') && self.match_from(next, path, at + 1)
            }
            Token::Class(ranges) => {
                matches!(path.get(at), Some(&c) if ranges.iter().any(|&(a, b)| a <= c && c <= b))
                    && self.match_from(next, path, at + 1)
            }
            Token::Star | Token::StarPlus => {
                let min = usize::from(matches!(token, Token::StarPlus));
                let run = path[at..].iter().take_while(|&&c| c != '/').count();
                (min..=run)
                    .rev()
                    .any(|n| self.match_from(next, path, at + n))
            }
            Token::Dirs => {
                // Zero or more "/segment" (segments not empty).
                if self.match_from(next, path, at) {
                    return true;
                }
                let mut pos = at;
                while path.get(pos) == Some(&'/') {
                    let len = path[pos + 1..].iter().take_while(|&&c| c != '/').count();
                    if len == 0 {
                        return false;
                    }
                    pos += 1 + len;
                    if self.match_from(next, path, pos) {
                        return true;
                    }
                }
                false
            }
            Token::TailAny => {
                path.get(at) == Some(&'/')
                    && (at + 2..=path.len())
                        .rev()
                        .any(|end| self.match_from(next, path, end))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(file: &str, paths: &[&str]) -> Vec<bool> {
        let matcher = AssetsIgnore::new(Some(file));
        paths.iter().map(|p| matcher.is_ignored(p)).collect()
    }

    #[test]
    fn the_configuration_files_are_never_assets() {
        let matcher = AssetsIgnore::new(None);
        assert!(matcher.is_ignored("_headers"));
        assert!(matcher.is_ignored("_redirects"));
        assert!(matcher.is_ignored(".assetsignore"));
        assert!(!matcher.is_ignored("sub/_headers"));
        assert!(!matcher.is_ignored("index.html"));
        assert!(!matcher.file_present);
    }

    #[test]
    fn a_name_without_slash_matches_at_any_depth() {
        assert_eq!(
            ignored(
                "*.map\nsecret",
                &[
                    "a.map",
                    "x/y/a.map",
                    "a.mapx",
                    "secret",
                    "x/secret",
                    "x/secret/y",
                    "secrets"
                ]
            ),
            [true, true, false, true, true, true, false]
        );
    }

    #[test]
    fn a_slash_anchors_the_pattern_at_the_root() {
        assert_eq!(
            ignored(
                "/top.txt\ndocs/*.md",
                &[
                    "top.txt",
                    "x/top.txt",
                    "docs/a.md",
                    "x/docs/a.md",
                    "docs/sub/a.md"
                ]
            ),
            [true, false, true, false, false]
        );
    }

    #[test]
    fn a_trailing_slash_matches_folders_only() {
        assert_eq!(
            ignored("build/", &["build", "build/a.js", "x/build/a.js"]),
            [false, true, true]
        );
    }

    #[test]
    fn double_stars_match_any_number_of_folders() {
        assert_eq!(
            ignored(
                "a/**/z.txt\n**/tmp\nlogs/**",
                &[
                    "a/z.txt",
                    "a/b/c/z.txt",
                    "b/a/z.txt",
                    "tmp",
                    "x/y/tmp",
                    "logs",
                    "logs/1/2"
                ]
            ),
            [true, true, false, true, true, false, true]
        );
    }

    #[test]
    fn negation_brings_a_file_back_unless_its_folder_is_ignored() {
        assert_eq!(
            ignored(
                "*.txt\n!keep.txt\nprivate/\n!private/ok.txt",
                &["a.txt", "keep.txt", "private/ok.txt"]
            ),
            [true, false, true]
        );
    }

    #[test]
    fn matching_ignores_case_like_the_npm_package() {
        assert_eq!(
            ignored("*.PNG\nReadMe.md", &["a.png", "README.MD"]),
            [true, true]
        );
    }

    #[test]
    fn comments_blank_lines_escapes_and_windows_line_endings() {
        assert_eq!(
            ignored(
                "# comment\n\n  \n\\#hash\n\\!bang\nspace\\ \r\nwin.txt\r\n?.css\n[ab]-[0-9].js",
                &[
                    "#hash",
                    "!bang",
                    "space ",
                    "win.txt",
                    "a.css",
                    "ab.css",
                    "a-1.js",
                    "c-1.js",
                    "# comment"
                ]
            ),
            [true, true, true, true, true, false, true, false, false]
        );
    }

    #[test]
    fn odd_patterns_behave_as_in_the_npm_package() {
        // An unclosed bracket never matches; a single trailing backslash drops the line; a
        // root `/*` needs at least one character.
        assert_eq!(
            ignored("[abc\nfoo\\", &["[abc", "a", "foo"]),
            [false, false, false]
        );
        assert_eq!(ignored("/*", &["a", "b/c"]), [true, true]);
        assert_eq!(
            ignored("_worker.js", &["_worker.js", "_worker.js/index.js"]),
            [true, true]
        );
    }
}
