//! JavaScript: `fetch` with `FormData` and `Blob`, an ES module for Node 18+ and Deno (and, with
//! the modules embedded, the body of a Worker's own upload code).
//!
//! `FormData` gives every `Blob` part a file name (`"blob"` by default); the JSON part is given
//! the empty name, which Node's fetch leaves out, so the part goes out typed
//! `application/json` without a file name, as the encoder writes it. The Fetch standard turns a
//! lone CR or LF in a part name into CRLF, so such a name cannot be sent as typed.

use super::literal::{js_string, js_template};
use super::{base64, Plan, Source, TOKEN_VARIABLE};

/// Part names `fetch` would change: a CR or LF that is not part of a CRLF pair.
pub fn cannot_send(name: &str) -> Option<&'static str> {
    let normalized = name
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n");
    (normalized != name).then_some(
        "fetch's FormData turns a lone CR or LF in a part name into CRLF (rename the module)",
    )
}

pub fn program(plan: &Plan) -> String {
    let mut out = String::new();
    let permissions = if plan.reads_files() {
        "--allow-env --allow-read --allow-net"
    } else {
        "--allow-env --allow-net"
    };
    let run = format!("Node 18+: node upload.mjs. Deno: deno run {permissions} upload.mjs");
    out.push_str(&plan.intro("//", false, &[&run]));
    if plan.reads_files() {
        out.push_str("import { readFile } from \"node:fs/promises\";\n");
    }
    out.push_str("import process from \"node:process\";\n\n");

    out.push_str(&format!("const url = {};\n", js_string(&plan.url, '"')));
    let json_variable = plan.json_part.name.as_str();
    out.push_str(&format!(
        "const {json_variable} = {};\n",
        js_string(plan.json_part.json, '\'')
    ));
    if !plan.modules.is_empty() {
        let what = if plan.reads_files() {
            "file"
        } else {
            "content"
        };
        out.push_str(&format!(
            "// [part name, which is also the file name; content type; {what}]\n"
        ));
        out.push_str("const modules = [\n");
        for module in &plan.modules {
            let source = match &module.source {
                Source::File(path) => js_string(path, '"'),
                Source::Text(text) => js_template(text),
                Source::Binary(bytes) => format!("fromBase64(\"{}\")", base64(bytes)),
            };
            out.push_str(&format!(
                "  [{}, {}, {source}],\n",
                js_string(module.name, '"'),
                js_string(&module.content_type, '"')
            ));
        }
        out.push_str("];\n");
    }
    out.push('\n');

    out.push_str(&format!(
        "const token = process.env.{TOKEN_VARIABLE};\n\
         if (!token) {{\n\
         \x20 console.error(\"Set {TOKEN_VARIABLE} to a Cloudflare API token.\");\n\
         \x20 process.exit(2);\n\
         }}\n\n"
    ));

    out.push_str("const form = new FormData();\n");
    out.push_str(
        "// No file name (\"\"): the JSON goes out as a plain field typed application/json.\n",
    );
    out.push_str(&format!(
        "form.append({}, new Blob([{json_variable}], {{ type: {} }}), \"\");\n",
        js_string(&plan.json_part.name, '"'),
        js_string(&plan.json_part.content_type, '"')
    ));
    if !plan.modules.is_empty() {
        if plan.reads_files() {
            out.push_str(
                "for (const [name, type, file] of modules) {\n\
                 \x20 form.append(name, new Blob([await readFile(file)], { type }), name);\n\
                 }\n",
            );
        } else {
            out.push_str(
                "for (const [name, type, content] of modules) {\n\
                 \x20 form.append(name, new Blob([content], { type }), name);\n\
                 }\n",
            );
        }
    }
    out.push_str(&format!(
        "\nconst response = await fetch(url, {{\n\
         \x20 method: \"{}\",\n\
         \x20 headers: {{ Authorization: `Bearer ${{token}}` }},\n\
         \x20 body: form,\n\
         }});\n\
         console.log(await response.text());\n\
         if (!response.ok) process.exitCode = 1;\n",
        plan.method
    ));
    if plan.embeds_binary() {
        out.push_str(
            "\nfunction fromBase64(text) {\n\
             \x20 return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));\n\
             }\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::{generate, CodeOptions, Language};
    use super::*;

    #[test]
    fn reads_files_and_appends_typed_blobs() {
        let text = generate(Language::JavaScript, &sample(), &CodeOptions::default()).text;
        assert!(text.contains("import { readFile } from \"node:fs/promises\";"));
        assert!(text.contains(
            "const metadata = '{\"main_module\":\"worker.js\",\"bindings\":[],\"compatibility_date\":\"2024-06-01\"}';"
        ));
        assert!(text.contains(
            "  [\"worker.js\", \"application/javascript+module\", \"dist/worker.js\"],\n"
        ));
        assert!(text.contains("  [\"add.wasm\", \"application/wasm\", \"add.wasm\"],\n"));
        assert!(text.contains("method: \"PUT\""));
        assert!(!text.contains("fromBase64"));
    }

    #[test]
    fn embedded_modules_are_templates_or_base64() {
        let options = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let text = generate(Language::JavaScript, &sample(), &options).text;
        assert!(!text.contains("readFile"));
        assert!(text.contains("`export default {}\n`"));
        assert!(text.contains("fromBase64(\"AGFzbf8=\")"));
        assert!(text.contains("function fromBase64(text)"));
        assert!(text.contains("deno run --allow-env --allow-net"));
    }

    #[test]
    fn lone_line_breaks_in_names_cannot_be_sent() {
        assert!(cannot_send("a\r\nb").is_none());
        assert!(cannot_send("a\nb").is_some());
        assert!(cannot_send("a\rb").is_some());
        assert!(cannot_send("\"quoted\" é").is_none());
    }
}
