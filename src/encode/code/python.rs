//! Python with `requests`: `files=` as a list of `(name, (filename, content, type))`, the JSON
//! part with no file name. requests (through urllib3 2) escapes `"`, CR and LF in names as
//! browsers do, so every name the encoder writes can be sent.

use super::literal::{python_string, python_text};
use super::{base64, Plan, Source, TOKEN_VARIABLE};

pub fn cannot_send(_name: &str) -> Option<&'static str> {
    None
}

pub fn program(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str(&plan.intro(
        "#",
        false,
        &["Needs requests (pip install requests): python3 upload.py"],
    ));
    if plan.embeds_binary() {
        out.push_str("import base64\n");
    }
    out.push_str("import os\nimport sys\n\nimport requests\n\n");

    out.push_str(&format!("URL = {}\n", python_string(&plan.url, '"')));
    let json_constant = plan.json_part.name.to_ascii_uppercase();
    out.push_str(&format!(
        "{json_constant} = {}\n",
        python_string(plan.json_part.json, '\'')
    ));
    if !plan.modules.is_empty() {
        let what = if plan.reads_files() {
            "file"
        } else {
            "content"
        };
        out.push_str(&format!(
            "# (part name, which is also the file name; content type; {what})\n"
        ));
        out.push_str("MODULES = [\n");
        for module in &plan.modules {
            let source = match &module.source {
                Source::File(path) => python_string(path, '"'),
                Source::Text(text) => python_text(text),
                Source::Binary(bytes) => format!("base64.b64decode(\"{}\")", base64(bytes)),
            };
            out.push_str(&format!(
                "    ({}, {}, {source}),\n",
                python_string(module.name, '"'),
                python_string(&module.content_type, '"')
            ));
        }
        out.push_str("]\n");
    }

    out.push_str(&format!(
        "\ntoken = os.environ.get(\"{TOKEN_VARIABLE}\")\n\
         if not token:\n\
         \x20   sys.exit(\"Set {TOKEN_VARIABLE} to a Cloudflare API token.\")\n\n"
    ));
    out.push_str(
        "# No file name (None): the JSON goes out as a plain field typed application/json.\n",
    );
    out.push_str(&format!(
        "files = [({}, (None, {json_constant}, {}))]\n",
        python_string(&plan.json_part.name, '"'),
        python_string(&plan.json_part.content_type, '"')
    ));
    if !plan.modules.is_empty() {
        if plan.reads_files() {
            out.push_str(
                "for name, content_type, path in MODULES:\n\
                 \x20   with open(path, \"rb\") as file:\n\
                 \x20       files.append((name, (name, file.read(), content_type)))\n",
            );
        } else {
            out.push_str(
                "for name, content_type, content in MODULES:\n\
                 \x20   files.append((name, (name, content, content_type)))\n",
            );
        }
    }
    out.push_str(&format!(
        "\nresponse = requests.{}(\n\
         \x20   URL, headers={{\"Authorization\": f\"Bearer {{token}}\"}}, files=files\n\
         )\n\
         print(response.text)\n\
         sys.exit(0 if response.ok else 1)\n",
        plan.method.to_ascii_lowercase()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::{generate, CodeOptions, Language};
    use crate::model::Operation;

    #[test]
    fn reads_files_into_a_files_list() {
        let text = generate(Language::Python, &sample(), &CodeOptions::default()).text;
        assert!(text.contains("METADATA = '{\"main_module\":\"worker.js\""));
        assert!(text.contains(
            "    (\"worker.js\", \"application/javascript+module\", \"dist/worker.js\"),\n"
        ));
        assert!(text.contains("files = [(\"metadata\", (None, METADATA, \"application/json\"))]"));
        assert!(text.contains("response = requests.put(\n    URL, headers="));
        assert!(!text.contains("import base64"));
    }

    #[test]
    fn embedded_text_is_triple_quoted_and_bytes_base64() {
        let options = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let text = generate(Language::Python, &sample(), &options).text;
        assert!(text.contains("\"\"\"export default {}\n\"\"\""));
        assert!(text.contains("base64.b64decode(\"AGFzbf8=\")"));
        assert!(text.starts_with("# Generated") && text.contains("import base64\n"));
    }

    #[test]
    fn a_settings_patch_sends_the_settings_constant() {
        let mut c = sample();
        c.request.operation = Operation::Settings;
        let text = generate(Language::Python, &c, &CodeOptions::default()).text;
        assert!(text.contains("SETTINGS = '{"));
        assert!(text.contains("requests.patch(\n"));
        assert!(!text.contains("MODULES"));
    }
}
