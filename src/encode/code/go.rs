//! Go with `net/http` and `mime/multipart` (Go 1.16+, standard library only).
//!
//! `multipart.Writer.CreateFormFile` types every file `application/octet-stream` and escapes
//! names with backslashes, so the program writes each part's header itself with `CreatePart`,
//! escaping `"`, CR and LF as browsers (and the encoder) do: every name can be sent.

use super::literal::{go_string, go_text};
use super::{base64, Plan, Source, TOKEN_VARIABLE};

pub fn cannot_send(_name: &str) -> Option<&'static str> {
    None
}

pub fn program(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str(&plan.intro("//", false, &["Run it with: go run upload.go"]));
    out.push_str("package main\n\nimport (\n\t\"bytes\"\n");
    if plan.embeds_binary() {
        out.push_str("\t\"encoding/base64\"\n");
    }
    out.push_str(
        "\t\"fmt\"\n\t\"io\"\n\t\"log\"\n\t\"mime/multipart\"\n\t\"net/http\"\n\t\"net/textproto\"\n\t\"os\"\n\t\"strings\"\n)\n\n",
    );

    out.push_str(&format!("const apiURL = {}\n\n", go_string(&plan.url)));
    let json_constant = plan.json_part.name.as_str();
    out.push_str(&format!(
        "const {json_constant} = {}\n",
        go_text(plan.json_part.json)
    ));
    let reads_files = plan.reads_files();
    if !plan.modules.is_empty() {
        out.push('\n');
        if reads_files {
            out.push_str("// Module parts: part name (also the file name), content type, file.\n");
            out.push_str("var modules = []struct{ name, contentType, path string }{\n");
        } else {
            out.push_str(
                "// Module parts: part name (also the file name), content type, content.\n",
            );
            out.push_str("var modules = []struct {\n\tname, contentType string\n\tdata              []byte\n}{\n");
        }
        for module in &plan.modules {
            let source = match &module.source {
                Source::File(path) => go_string(path),
                Source::Text(text) => format!("[]byte({})", go_text(text)),
                Source::Binary(bytes) => format!("fromBase64(\"{}\")", base64(bytes)),
            };
            out.push_str(&format!(
                "\t{{{}, {}, {source}}},\n",
                go_string(module.name),
                go_string(&module.content_type)
            ));
        }
        out.push_str("}\n");
    }

    out.push_str(&format!(
        "\nfunc main() {{\n\
         \ttoken := os.Getenv(\"{TOKEN_VARIABLE}\")\n\
         \tif token == \"\" {{\n\
         \t\tlog.Fatal(\"Set {TOKEN_VARIABLE} to a Cloudflare API token.\")\n\
         \t}}\n\n\
         \tvar body bytes.Buffer\n\
         \tform := multipart.NewWriter(&body)\n\
         \twritePart(form, {}, \"\", {}, []byte({json_constant}))\n",
        go_string(&plan.json_part.name),
        go_string(&plan.json_part.content_type)
    ));
    if !plan.modules.is_empty() {
        if reads_files {
            out.push_str(
                "\tfor _, m := range modules {\n\
                 \t\tdata, err := os.ReadFile(m.path)\n\
                 \t\tif err != nil {\n\
                 \t\t\tlog.Fatal(err)\n\
                 \t\t}\n\
                 \t\twritePart(form, m.name, m.name, m.contentType, data)\n\
                 \t}\n",
            );
        } else {
            out.push_str(
                "\tfor _, m := range modules {\n\
                 \t\twritePart(form, m.name, m.name, m.contentType, m.data)\n\
                 \t}\n",
            );
        }
    }
    out.push_str(&format!(
        "\tif err := form.Close(); err != nil {{\n\
         \t\tlog.Fatal(err)\n\
         \t}}\n\n\
         \treq, err := http.NewRequest(http.Method{}, apiURL, &body)\n\
         \tif err != nil {{\n\
         \t\tlog.Fatal(err)\n\
         \t}}\n\
         \treq.Header.Set(\"Authorization\", \"Bearer \"+token)\n\
         \treq.Header.Set(\"Content-Type\", form.FormDataContentType())\n\
         \tresp, err := http.DefaultClient.Do(req)\n\
         \tif err != nil {{\n\
         \t\tlog.Fatal(err)\n\
         \t}}\n\
         \tdefer resp.Body.Close()\n\
         \tanswer, err := io.ReadAll(resp.Body)\n\
         \tif err != nil {{\n\
         \t\tlog.Fatal(err)\n\
         \t}}\n\
         \tfmt.Println(string(answer))\n\
         \tif resp.StatusCode < 200 || resp.StatusCode > 299 {{\n\
         \t\tos.Exit(1)\n\
         \t}}\n\
         }}\n",
        method_constant(plan.method)
    ));
    out.push_str(
        "\n// writePart adds one part, escaping `\"`, CR and LF in its names as browsers do.\n\
         // (CreateFormFile would type every file application/octet-stream.)\n\
         func writePart(form *multipart.Writer, name, filename, contentType string, data []byte) {\n\
         \tescape := strings.NewReplacer(`\"`, \"%22\", \"\\r\", \"%0D\", \"\\n\", \"%0A\")\n\
         \tdisposition := `form-data; name=\"` + escape.Replace(name) + `\"`\n\
         \tif filename != \"\" {\n\
         \t\tdisposition += `; filename=\"` + escape.Replace(filename) + `\"`\n\
         \t}\n\
         \theader := make(textproto.MIMEHeader)\n\
         \theader.Set(\"Content-Disposition\", disposition)\n\
         \theader.Set(\"Content-Type\", contentType)\n\
         \tpart, err := form.CreatePart(header)\n\
         \tif err == nil {\n\
         \t\t_, err = part.Write(data)\n\
         \t}\n\
         \tif err != nil {\n\
         \t\tlog.Fatal(err)\n\
         \t}\n\
         }\n",
    );
    if plan.embeds_binary() {
        out.push_str(
            "\nfunc fromBase64(text string) []byte {\n\
             \tdata, err := base64.StdEncoding.DecodeString(text)\n\
             \tif err != nil {\n\
             \t\tpanic(err)\n\
             \t}\n\
             \treturn data\n\
             }\n",
        );
    }
    out
}

/// `Put`, `Patch`, `Post`: the suffix of net/http's method constant.
fn method_constant(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::{generate, CodeOptions, Language};
    use super::*;

    #[test]
    fn reads_files_and_writes_each_part_header_itself() {
        let text = generate(Language::Go, &sample(), &CodeOptions::default()).text;
        assert!(text.contains(
            "const metadata = `{\"main_module\":\"worker.js\",\"bindings\":[],\"compatibility_date\":\"2024-06-01\"}`\n"
        ));
        assert!(text.contains(
            "\t{\"worker.js\", \"application/javascript+module\", \"dist/worker.js\"},\n"
        ));
        assert!(text.contains("http.NewRequest(http.MethodPut, apiURL, &body)"));
        assert!(text.contains("form.CreatePart(header)"));
        assert!(!text.contains("encoding/base64"));
    }

    #[test]
    fn embedded_modules_are_byte_slices() {
        let options = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let text = generate(Language::Go, &sample(), &options).text;
        assert!(text.contains("[]byte(`export default {}\n`)"));
        assert!(text.contains("fromBase64(\"AGFzbf8=\")"));
        assert!(text.contains("\t\"encoding/base64\"\n"));
        assert!(!text.contains("os.ReadFile"));
    }

    #[test]
    fn method_constants() {
        assert_eq!(method_constant("PUT"), "Put");
        assert_eq!(method_constant("PATCH"), "Patch");
        assert_eq!(method_constant("POST"), "Post");
    }
}
