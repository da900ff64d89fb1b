//! Reading a wrangler configuration file (`wrangler.toml`, `wrangler.json`, `wrangler.jsonc`) into
//! a JSON value, as wrangler itself reads it.
//!
//! Wrangler parses TOML with smol-toml and both JSON spellings with Microsoft's `jsonc-parser`
//! (comments and trailing commas allowed), then works on plain JavaScript values. Two things of
//! JavaScript leak into what it uploads, so they are reproduced here:
//! - numbers are doubles: `1.0` is sent as `1`, an integer beyond 2^53 loses precision, and a
//!   non-finite number (TOML `inf`, `nan`) is sent as `null` by `JSON.stringify`;
//! - object keys keep their first position when a key repeats (JSON only; TOML refuses it).
//!
//! TOML dates and times have no JSON form; they become their TOML text, which is what a string
//! field expects (wrangler's own checks then refuse them where a string is required).

use serde_json::{Map, Number, Value};

/// The syntax of a configuration file, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    Toml,
    /// `.json` and `.jsonc`: wrangler reads both with comments and trailing commas allowed.
    Jsonc,
}

impl ConfigFormat {
    /// The format of `file_name` (`wrangler.toml` → TOML; `.json`/`.jsonc` → JSONC), if known.
    pub fn from_file_name(file_name: &str) -> Option<ConfigFormat> {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".toml") {
            Some(ConfigFormat::Toml)
        } else if lower.ends_with(".json") || lower.ends_with(".jsonc") {
            Some(ConfigFormat::Jsonc)
        } else {
            None
        }
    }

    /// Guesses from the text: a first significant character `{` means JSON.
    pub fn sniff(text: &str) -> ConfigFormat {
        let mut rest = text.trim_start_matches('\u{feff}').trim_start();
        // Skip JSONC comments before the first value.
        loop {
            if let Some(after) = rest.strip_prefix("//") {
                rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
            } else if let Some(after) = rest.strip_prefix("/*") {
                rest = after.split_once("*/").map_or("", |(_, r)| r).trim_start();
            } else {
                break;
            }
        }
        if rest.starts_with('{') {
            ConfigFormat::Jsonc
        } else {
            ConfigFormat::Toml
        }
    }
}

/// Why a configuration could not be read: a one-line reason and where (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Parses `text` as `format` into a JSON object with JavaScript number semantics. Anything but
/// an object (table) at the top is an error.
pub fn parse(text: &str, format: ConfigFormat) -> Result<Map<String, Value>, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value = match format {
        ConfigFormat::Toml => parse_toml(text)?,
        ConfigFormat::Jsonc => parse_jsonc(text)?,
    };
    match value {
        Value::Object(map) => Ok(map),
        other => Err(SyntaxError {
            line: 1,
            column: 1,
            message: format!(
                "the configuration must be an object, not {}",
                super::describe_json_type(&other)
            ),
        }),
    }
}

fn parse_jsonc(text: &str) -> Result<Value, SyntaxError> {
    // What Microsoft's parser accepts with `allowTrailingComma`: comments and trailing commas,
    // nothing of JSON5.
    let options = jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match jsonc_parser::parse_to_serde_value::<Value>(text, &options) {
        Ok(Value::Null) if text.trim().is_empty() => Err(SyntaxError {
            line: 1,
            column: 1,
            message: "the file is empty".into(),
        }),
        Ok(value) => Ok(js_value(value)),
        Err(error) => Err(SyntaxError {
            line: error.line_display(),
            column: error.column_display(),
            message: error.kind().to_string(),
        }),
    }
}

fn parse_toml(text: &str) -> Result<Value, SyntaxError> {
    match text.parse::<toml::Table>() {
        Ok(table) => Ok(from_toml(toml::Value::Table(table))),
        Err(error) => {
            let (line, column) = error
                .span()
                .map(|span| line_and_column(text, span.start))
                .unwrap_or((1, 1));
            Err(SyntaxError {
                line,
                column,
                message: error.message().trim().replace('\n', "; "),
            })
        }
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    (line, column)
}

fn from_toml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => js_integer(i),
        toml::Value::Float(f) => js_float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(from_toml).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, from_toml(value)))
                .collect(),
        ),
    }
}

/// The largest integer a double holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_992.0;

/// A number as JavaScript holds it and `JSON.stringify` writes it.
fn js_float(f: f64) -> Value {
    if !f.is_finite() {
        Value::Null
    } else if f.fract() == 0.0 && f.abs() <= MAX_SAFE {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

fn js_integer(i: i64) -> Value {
    if i.unsigned_abs() <= 1 << 53 {
        Value::Number(Number::from(i))
    } else {
        js_float(i as f64)
    }
}

/// Applies JavaScript number semantics to every number of a parsed JSON value.
pub fn js_value(value: Value) -> Value {
    match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                js_integer(i)
            } else if let Some(u) = n.as_u64() {
                js_float(u as f64)
            } else {
                js_float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(js_value).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, js_value(v))).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonc_takes_comments_and_trailing_commas_but_not_json5() {
        let text =
            "// a comment\n{\n  /* block */ \"name\": \"w\", // end\n  \"vars\": {\"A\": 1,},\n}\n";
        let map = parse(text, ConfigFormat::Jsonc).unwrap();
        assert_eq!(Value::Object(map), json!({"name": "w", "vars": {"A": 1}}));
        for bad in [
            "{'a': 1}",
            "{a: 1}",
            "{\"a\": 0x10}",
            "{\"a\": +1}",
            "{\"a\": 1 \"b\": 2}",
        ] {
            assert!(parse(bad, ConfigFormat::Jsonc).is_err(), "{bad}");
        }
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let error = parse("{\n  \"a\": 1,\n  \"b\": ]\n}", ConfigFormat::Jsonc).unwrap_err();
        assert_eq!((error.line, error.column), (3, 8), "{error}");
        let error = parse("name = \"w\"\nmain = \n", ConfigFormat::Toml).unwrap_err();
        assert_eq!(error.line, 2, "{error}");
        assert!(!error.message.contains('\n'));
        let error = parse("a = 1\na = 2\n", ConfigFormat::Toml).unwrap_err();
        assert_eq!(error.line, 2, "{error}");
    }

    #[test]
    fn numbers_are_read_as_javascript_holds_them() {
        let map = parse(
            "a = 1.0\nb = 9007199254740993\nc = inf\nd = -0.0\ne = 2.5\nf = 1e300",
            ConfigFormat::Toml,
        )
        .unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"a": 1, "b": 9007199254740992u64, "c": null, "d": 0, "e": 2.5, "f": 1e300})
        );
        let map = parse(
            "{\"a\": 2.0, \"b\": 18446744073709551615}",
            ConfigFormat::Jsonc,
        )
        .unwrap();
        assert_eq!(map["a"], json!(2));
        assert_eq!(map["b"], json!(18446744073709551615.0));
    }

    #[test]
    fn toml_keeps_key_order_and_reads_dates_as_text() {
        let map = parse(
            "zeta = 1\nalpha = 2\nwhen = 2024-06-01\n[vars]\nB = \"b\"\nA = \"a\"",
            ConfigFormat::Toml,
        )
        .unwrap();
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(keys, ["zeta", "alpha", "when", "vars"]);
        assert_eq!(map["when"], json!("2024-06-01"));
        let vars: Vec<&str> = map["vars"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(vars, ["B", "A"]);
    }

    #[test]
    fn a_repeated_json_key_keeps_its_first_place_and_last_value() {
        let map = parse("{\"a\": 1, \"b\": 2, \"a\": 3}", ConfigFormat::Jsonc).unwrap();
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn only_an_object_is_a_configuration() {
        for text in ["[]", "1", "\"x\"", "", "  "] {
            assert!(parse(text, ConfigFormat::Jsonc).is_err(), "{text:?}");
        }
        assert!(parse("", ConfigFormat::Toml).unwrap().is_empty());
        assert!(parse("\u{feff}{}", ConfigFormat::Jsonc).is_ok());
    }

    #[test]
    fn formats_from_names_and_from_text() {
        assert_eq!(
            ConfigFormat::from_file_name("wrangler.TOML"),
            Some(ConfigFormat::Toml)
        );
        assert_eq!(
            ConfigFormat::from_file_name("a/wrangler.jsonc"),
            Some(ConfigFormat::Jsonc)
        );
        assert_eq!(
            ConfigFormat::from_file_name("wrangler.json"),
            Some(ConfigFormat::Jsonc)
        );
        assert_eq!(ConfigFormat::from_file_name("wrangler.yaml"), None);
        assert_eq!(
            ConfigFormat::sniff("// c\n/* x */ {\"a\":1}"),
            ConfigFormat::Jsonc
        );
        assert_eq!(ConfigFormat::sniff("# c\nname = \"x\""), ConfigFormat::Toml);
    }
}
