//! Java with OkHttp 3 (the forum seed's stack; Debian's `libokhttp-java` is 3.13): a
//! `MultipartBody.Builder` with one `addFormDataPart` per part, Java 8 syntax.
//!
//! OkHttp writes names as browsers do (`"`, CR, LF as `%22`, `%0D`, `%0A`, UTF-8 otherwise) but
//! refuses other control characters in a header. It also adds a `Content-Length` header to each
//! part, which multipart readers ignore. OkHttp 4 keeps every call used here except
//! `RequestBody.create(MediaType, byte[])`, whose arguments it swaps; the program says so where
//! it calls it.

use super::literal::{java_string, java_strings};
use super::{base64, Plan, Source, TOKEN_VARIABLE};

/// Characters per piece of a long literal: at most 3 bytes each in the class file, so a piece
/// stays below the 65,535-byte limit of a string constant.
const PIECE_CHARS: usize = 8_000;

/// OkHttp refuses control characters other than tab in header values (CR and LF it escapes).
pub fn cannot_send(name: &str) -> Option<&'static str> {
    name.chars()
        .any(|ch| ch.is_ascii_control() && !matches!(ch, '\t' | '\r' | '\n'))
        .then_some("OkHttp refuses a control character in a part name (rename the module)")
}

pub fn program(plan: &Plan) -> String {
    let mut out = String::new();
    let non_ascii_path = plan
        .modules
        .iter()
        .any(|m| matches!(&m.source, Source::File(path) if !path.is_ascii()));
    let mut how_to_run = vec![
        "Save as Upload.java; with OkHttp 3 and okio 1 on the class path (Java 8+):",
        "  javac -cp okhttp.jar:okio.jar Upload.java && java -cp okhttp.jar:okio.jar:. Upload",
    ];
    if non_ascii_path {
        how_to_run
            .push("Some file names are not ASCII: run it in a UTF-8 locale (e.g. LC_ALL=C.UTF-8).");
    }
    out.push_str(&plan.intro("//", true, &how_to_run));
    let embeds_text = plan
        .modules
        .iter()
        .any(|m| matches!(m.source, Source::Text(_)));
    out.push_str("import java.io.IOException;\nimport java.nio.charset.StandardCharsets;\n");
    if plan.reads_files() {
        out.push_str("import java.nio.file.Files;\nimport java.nio.file.Paths;\n");
    }
    if plan.embeds_binary() {
        out.push_str("import java.util.Base64;\n");
    }
    out.push_str(
        "import okhttp3.MediaType;\nimport okhttp3.MultipartBody;\nimport okhttp3.OkHttpClient;\n\
         import okhttp3.Request;\nimport okhttp3.RequestBody;\nimport okhttp3.Response;\n\n",
    );

    let json_constant = plan.json_part.name.to_ascii_uppercase();
    out.push_str("public class Upload {\n");
    out.push_str(&format!(
        "    static final String URL = {};\n",
        java_string(&plan.url)
    ));
    let pieces = java_strings(plan.json_part.json, PIECE_CHARS);
    if pieces.len() == 1 {
        out.push_str(&format!(
            "    static final String {json_constant} = {};\n\n",
            pieces[0]
        ));
    } else {
        out.push_str(&format!(
            "    static final String {json_constant} = String.join(\"\",\n{});\n\n",
            indented_arguments(&pieces, 12)
        ));
    }

    out.push_str(&format!(
        "    public static void main(String[] args) throws IOException {{\n\
         \x20       String token = System.getenv(\"{TOKEN_VARIABLE}\");\n\
         \x20       if (token == null || token.isEmpty()) {{\n\
         \x20           System.err.println(\"Set {TOKEN_VARIABLE} to a Cloudflare API token.\");\n\
         \x20           System.exit(2);\n\
         \x20       }}\n\
         \x20       MultipartBody body = new MultipartBody.Builder()\n\
         \x20               .setType(MultipartBody.FORM)\n\
         \x20               .addFormDataPart({}, null,\n\
         \x20                       part({}, {json_constant}.getBytes(StandardCharsets.UTF_8)))\n",
        java_string(&plan.json_part.name),
        java_string(&plan.json_part.content_type)
    ));
    for module in &plan.modules {
        let bytes = match &module.source {
            Source::File(path) => format!("read({})", java_string(path)),
            Source::Text(text) => call("text", &java_strings(text, PIECE_CHARS), 32),
            Source::Binary(bytes) => call("base64", &java_strings(&base64(bytes), PIECE_CHARS), 32),
        };
        let name = java_string(module.name);
        out.push_str(&format!(
            "                .addFormDataPart({name}, {name},\n\
             \x20                       part({}, {bytes}))\n",
            java_string(&module.content_type)
        ));
    }
    out.push_str(&format!(
        "                .build();\n\
         \x20       Request request = new Request.Builder()\n\
         \x20               .url(URL)\n\
         \x20               .header(\"Authorization\", \"Bearer \" + token)\n\
         \x20               .{}(body)\n\
         \x20               .build();\n\
         \x20       try (Response response = new OkHttpClient().newCall(request).execute()) {{\n\
         \x20           System.out.println(response.body().string());\n\
         \x20           if (!response.isSuccessful()) {{\n\
         \x20               System.exit(1);\n\
         \x20           }}\n\
         \x20       }}\n\
         \x20   }}\n\n\
         \x20   // OkHttp 4 swaps the arguments: RequestBody.create(bytes, MediaType.get(type)).\n\
         \x20   static RequestBody part(String type, byte[] bytes) {{\n\
         \x20       return RequestBody.create(MediaType.get(type), bytes);\n\
         \x20   }}\n",
        plan.method.to_ascii_lowercase()
    ));
    if plan.reads_files() {
        out.push_str(
            "\n    static byte[] read(String path) throws IOException {\n\
             \x20       return Files.readAllBytes(Paths.get(path));\n\
             \x20   }\n",
        );
    }
    if embeds_text {
        out.push_str(
            "\n    // Long text comes in pieces: a Java string constant holds at most 64 KB.\n\
             \x20   static byte[] text(String... pieces) {\n\
             \x20       return String.join(\"\", pieces).getBytes(StandardCharsets.UTF_8);\n\
             \x20   }\n",
        );
    }
    if plan.embeds_binary() {
        out.push_str(
            "\n    static byte[] base64(String... pieces) {\n\
             \x20       return Base64.getDecoder().decode(String.join(\"\", pieces));\n\
             \x20   }\n",
        );
    }
    out.push_str("}\n");
    out
}

/// `name(piece)` on one line, or one piece per line below it when there are several.
fn call(name: &str, pieces: &[String], indent: usize) -> String {
    if pieces.len() == 1 {
        format!("{name}({})", pieces[0])
    } else {
        format!("{name}(\n{})", indented_arguments(pieces, indent + 4))
    }
}

fn indented_arguments(pieces: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    pieces
        .iter()
        .map(|piece| format!("{pad}{piece}"))
        .collect::<Vec<_>>()
        .join(",\n")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::{generate, CodeOptions, Language};
    use super::*;

    #[test]
    fn builds_one_form_data_part_per_part() {
        let text = generate(Language::Java, &sample(), &CodeOptions::default()).text;
        assert!(text
            .contains("static final String METADATA = \"{\\\"main_module\\\":\\\"worker.js\\\""));
        assert!(text.contains(".addFormDataPart(\"metadata\", null,\n"));
        assert!(text.contains(
            ".addFormDataPart(\"worker.js\", \"worker.js\",\n                        part(\"application/javascript+module\", read(\"dist/worker.js\")))\n"
        ));
        assert!(text.contains(".put(body)"));
        assert!(text.contains("OkHttp 4 swaps the arguments"));
        assert!(!text.contains("Base64"));
    }

    #[test]
    fn embedded_modules_come_in_pieces() {
        let mut c = sample();
        c.modules[0].bytes = "x".repeat(PIECE_CHARS + 10).into_bytes();
        let options = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let text = generate(Language::Java, &c, &options).text;
        assert!(text.contains("part(\"application/javascript+module\", text(\n"));
        assert!(text.contains("base64(\"AGFzbf8=\")"));
        assert!(text.contains("import java.util.Base64;"));
        assert!(!text.contains("Files.readAllBytes"));
    }

    #[test]
    fn control_characters_in_names_cannot_be_sent() {
        assert!(cannot_send("a\u{1}b").is_some());
        assert!(cannot_send("a\u{7f}").is_some());
        assert!(cannot_send("a\r\n\t\"é😀").is_none());
    }
}
