//! Rust with reqwest's blocking client and its multipart form.
//!
//! reqwest percent-encodes part names it finds unusual into `name*=utf-8''…` (a `/` is enough),
//! which browsers, curl and wrangler never send: the program turns that off
//! (`percent_encode_noop`) and writes names with `"`, CR and LF already escaped as browsers
//! escape them. It escapes a backslash in a file name as `\\`, so a name holding one cannot be
//! sent as the encoder writes it.

use super::literal::{rust_bytes, rust_string, rust_text};
use super::{Plan, Source, TOKEN_VARIABLE};

/// The dependency the program needs, as a line of its `Cargo.toml`.
pub const CARGO_DEPENDENCY: &str = r#"reqwest = { version = "0.12", default-features = false, features = ["blocking", "multipart", "rustls-tls"] }"#;

pub fn cannot_send(name: &str) -> Option<&'static str> {
    name.contains('\\')
        .then_some("reqwest writes a backslash in a file name as `\\\\` (rename the module)")
}

/// A part name as browsers write it between quotes: `"`, CR and LF as `%22`, `%0D`, `%0A`.
fn browser_escaped(name: &str) -> String {
    crate::encode::multipart::escape_quoted(name)
}

pub fn program(plan: &Plan) -> String {
    let mut out = String::new();
    let dependency = format!("Cargo.toml: [dependencies] {CARGO_DEPENDENCY}");
    out.push_str(&plan.intro("//!", false, &[&dependency, "Run it with: cargo run"]));
    out.push_str(if plan.reads_files() {
        "use std::error::Error;\nuse std::process::ExitCode;\nuse std::{env, fs};\n\n"
    } else {
        "use std::env;\nuse std::error::Error;\nuse std::process::ExitCode;\n\n"
    });
    out.push_str(
        "use reqwest::blocking::multipart::{Form, Part};\nuse reqwest::blocking::Client;\n\n",
    );

    out.push_str(&format!("const URL: &str = {};\n", rust_string(&plan.url)));
    let json_constant = plan.json_part.name.to_ascii_uppercase();
    out.push_str(&format!(
        "const {json_constant}: &str = {};\n",
        rust_text(plan.json_part.json)
    ));
    let reads_files = plan.reads_files();
    if !plan.modules.is_empty() {
        let what = if reads_files { "file" } else { "content" };
        if plan
            .modules
            .iter()
            .any(|m| browser_escaped(m.name) != m.name)
        {
            out.push_str(
                "/// Names are written as they go out: `\"`, CR and LF as browsers escape them.\n",
            );
        }
        out.push_str(&format!(
            "/// Module parts: part name (also the file name), content type, {what}.\n"
        ));
        let row = if reads_files { "&str" } else { "&[u8]" };
        let head = format!("const MODULES: &[(&str, &str, {row})] = ");
        let rows: Vec<[String; 3]> = plan
            .modules
            .iter()
            .map(|module| {
                let source = match &module.source {
                    Source::File(path) => rust_string(path),
                    Source::Text(text) => format!("{}.as_bytes()", rust_text(text)),
                    Source::Binary(bytes) => rust_bytes(bytes),
                };
                [
                    rust_string(&browser_escaped(module.name)),
                    rust_string(&module.content_type),
                    source,
                ]
            })
            .collect();
        out.push_str(&table(&head, &rows));
    }

    out.push_str(&format!(
        "\nfn main() -> Result<ExitCode, Box<dyn Error>> {{\n\
         \x20   let token = env::var(\"{TOKEN_VARIABLE}\")\n\
         \x20       .map_err(|_| \"set {TOKEN_VARIABLE} to a Cloudflare API token\")?;\n\
         \x20   let {json_variable} = Part::text({json_constant}).mime_str({})?;\n\
         \x20   // Names go out as written, as browsers, curl and wrangler send them.\n\
         \x20   let {mutable}form = Form::new().percent_encode_noop().part({}, {json_variable});\n",
        rust_string(&plan.json_part.content_type),
        rust_string(&plan.json_part.name),
        json_variable = plan.json_part.name,
        mutable = if plan.modules.is_empty() { "" } else { "mut " },
    ));
    if !plan.modules.is_empty() {
        if reads_files {
            out.push_str(
                "    for &(name, content_type, path) in MODULES {\n\
                 \x20       let bytes = fs::read(path).map_err(|error| format!(\"{path}: {error}\"))?;\n\
                 \x20       let part = Part::bytes(bytes).file_name(name).mime_str(content_type)?;\n\
                 \x20       form = form.part(name, part);\n\
                 \x20   }\n",
            );
        } else {
            out.push_str(
                "    for &(name, content_type, bytes) in MODULES {\n\
                 \x20       let part = Part::bytes(bytes).file_name(name).mime_str(content_type)?;\n\
                 \x20       form = form.part(name, part);\n\
                 \x20   }\n",
            );
        }
    }
    out.push_str(&format!(
        "    let response = Client::new()\n\
         \x20       .{}(URL)\n\
         \x20       .bearer_auth(token)\n\
         \x20       .multipart(form)\n\
         \x20       .send()?;\n\
         \x20   let status = response.status();\n\
         \x20   println!(\"{{}}\", response.text()?);\n\
         \x20   Ok(if status.is_success() {{\n\
         \x20       ExitCode::SUCCESS\n\
         \x20   }} else {{\n\
         \x20       ExitCode::FAILURE\n\
         \x20   }})\n\
         }}\n",
        plan.method.to_ascii_lowercase()
    ));
    out
}

/// A `const` slice of triples laid out as rustfmt lays it out, so that `cargo fmt` leaves the
/// program as it is: a row of at most 60 columns stays on one line, a longer one gets a line per
/// field; a single short row joins the `const` line when it fits in 100 columns.
fn table(head: &str, rows: &[[String; 3]]) -> String {
    let width = |text: &str| text.chars().count();
    let one_line = |row: &[String; 3]| format!("({})", row.join(", "));
    let short = |row: &[String; 3]| {
        let line = one_line(row);
        width(&line) <= 60 && !line.contains('\n')
    };
    if let [row] = rows {
        let line = one_line(row);
        if !line.contains('\n') {
            let joined = format!("{head}&[{line}];");
            if width(&joined) <= 100 {
                return joined + "\n";
            }
            let below = format!("    &[{line}];");
            if short(row) && width(&below) <= 100 {
                return format!("{}\n{below}\n", head.trim_end());
            }
        }
        return format!("{head}&[(\n{}\n)];\n", fields(row, 4));
    }
    let mut out = format!("{head}&[\n");
    for row in rows {
        if short(row) {
            out.push_str(&format!("    {},\n", one_line(row)));
        } else {
            out.push_str(&format!("    (\n{}\n    ),\n", fields(row, 8)));
        }
    }
    out.push_str("];\n");
    out
}

/// One field per line at `indent`, each followed by a comma; a method call after a literal
/// spanning several lines goes on its own line, as rustfmt puts it.
fn fields(row: &[String; 3], indent: usize) -> String {
    let pad = " ".repeat(indent);
    row.iter()
        .map(|field| match field.strip_suffix(".as_bytes()") {
            Some(literal) if literal.contains('\n') => {
                format!("{pad}{literal}\n{pad}.as_bytes(),")
            }
            _ => format!("{pad}{field},"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::{generate, CodeOptions, Language};
    use super::*;
    use crate::model::Module;

    #[test]
    fn reads_files_into_a_reqwest_form() {
        let text = generate(Language::Rust, &sample(), &CodeOptions::default()).text;
        assert!(text.contains(
            "const METADATA: &str = r#\"{\"main_module\":\"worker.js\",\"bindings\":[],\"compatibility_date\":\"2024-06-01\"}\"#;"
        ));
        assert!(text.contains("const MODULES: &[(&str, &str, &str)] = &[\n"));
        assert!(text.contains(
            "    (\n        \"worker.js\",\n        \"application/javascript+module\",\n        \"dist/worker.js\",\n    ),\n"
        ));
        assert!(text.contains("    (\"add.wasm\", \"application/wasm\", \"add.wasm\"),\n"));
        assert!(text.contains(".percent_encode_noop()"));
        assert!(text.contains("        .put(URL)\n"));
        assert!(text.contains(CARGO_DEPENDENCY));
    }

    #[test]
    fn embedded_modules_are_byte_slices() {
        let options = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let text = generate(Language::Rust, &sample(), &options).text;
        assert!(text.contains("const MODULES: &[(&str, &str, &[u8])] = &[\n"));
        assert!(text.contains("        r\"export default {}\n\"\n        .as_bytes(),\n"));
        assert!(text.contains("    (\"add.wasm\", \"application/wasm\", b\"\\x00asm\\xff\"),\n"));
        assert!(text.contains("use std::env;\n"));
    }

    #[test]
    fn names_are_written_escaped_and_backslashes_left_out() {
        let mut c = sample();
        c.modules.push(Module::inline("say \"hi\"\n.txt", "x"));
        c.modules.push(Module::inline("back\\slash.txt", "x"));
        let program = generate(Language::Rust, &c, &CodeOptions::default());
        assert!(program
            .text
            .contains("    (\"say %22hi%22%0A.txt\", \"text/plain\", \"say "));
        assert!(program
            .text
            .contains("/// Names are written as they go out"));
        assert_eq!(program.notes.len(), 1);
        assert!(program.notes[0].contains("back\\\\slash.txt"));
    }
}
