// The Java client from the forum seed ("Bind KV and Workers via API"), completed into a program:
// the snippet's MultipartBody with a `metadata` part (body_part "script", bindings) and a
// `script` part, both with a null filename, typed application/json and application/javascript,
// the body buffered into bytes before the PUT. Plus the attempts the thread describes that the
// API refused, each sent as its author sent it.
//
//   javac -cp okhttp.jar:okio.jar -d OUT ForumWorkerUpload.java
//   CLOUDFLARE_API_TOKEN=… java -cp OUT:okhttp.jar:okio.jar ForumWorkerUpload BASE_URL ACCOUNT_ID
//
// Prints one JSON line per request: {"case": …, "status": …, "body": <the API's answer>}.

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.ByteString;

public final class ForumWorkerUpload {
    /** The content types the snippet names as C.ContentType constants. */
    static final class C {
        static final class ContentType {
            static final MediaType APPLICATION_JSON = MediaType.parse("application/json");
            static final MediaType APPLICATION_JAVASCRIPT = MediaType.parse("application/javascript");
        }
    }

    /** A binding as the snippet's client models it. */
    static final class Binding {
        final String type;
        final String name;
        final String text;
        final String namespaceId;

        Binding(String type, String name, String text, String namespaceId) {
            this.type = type;
            this.name = name;
            this.text = text;
            this.namespaceId = namespaceId;
        }

        boolean isPlainText() { return "plain_text".equals(type); }
        boolean isSecretText() { return "secret_text".equals(type); }
        boolean isKvNamespace() { return "kv_namespace".equals(type); }
    }

    /** The snippet's Util: JSON objects with sorted keys, and a body read into bytes. */
    static final class Util {
        static Map<String, Object> newJsonObj(Object... keysAndValues) {
            Map<String, Object> object = new TreeMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                object.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return object;
        }

        static String toSortedJson(Object value) {
            StringBuilder out = new StringBuilder();
            write(out, value);
            return out.toString();
        }

        @SuppressWarnings("unchecked")
        private static void write(StringBuilder out, Object value) {
            if (value instanceof Map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> entry : new TreeMap<>((Map<String, Object>) value).entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    string(out, entry.getKey());
                    out.append(':');
                    write(out, entry.getValue());
                }
                out.append('}');
            } else if (value instanceof List) {
                out.append('[');
                boolean first = true;
                for (Object item : (List<Object>) value) {
                    if (!first) out.append(',');
                    first = false;
                    write(out, item);
                }
                out.append(']');
            } else if (value == null) {
                out.append("null");
            } else {
                string(out, value.toString());
            }
        }

        private static void string(StringBuilder out, String text) {
            out.append('"');
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"': out.append("\\\""); break;
                    case '\\': out.append("\\\\"); break;
                    case '\n': out.append("\\n"); break;
                    case '\r': out.append("\\r"); break;
                    case '\t': out.append("\\t"); break;
                    default:
                        if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                        else out.append(c);
                }
            }
            out.append('"');
        }

        static ByteString requestBodyBytes(RequestBody body) throws IOException {
            Buffer buffer = new Buffer();
            body.writeTo(buffer);
            return buffer.readByteString();
        }
    }

    private final OkHttpClient http = new OkHttpClient();
    private final String base;
    private final String account;
    private final String token;

    ForumWorkerUpload(String base, String account, String token) {
        this.base = base;
        this.account = account;
        this.token = token;
    }

    private Request.Builder request(String path) {
        return new Request.Builder()
                .url(base + "/accounts/" + account + path)
                .header("Authorization", "Bearer " + token);
    }

    /** Sends a request and prints the case with the API's answer; returns the answer. */
    private String send(String name, Request request) throws IOException {
        try (Response response = http.newCall(request).execute()) {
            String body = response.body() == null ? "null" : response.body().string();
            System.out.println("{\"case\":\"" + name + "\",\"status\":" + response.code() + ",\"body\":" + body + "}");
            return body;
        }
    }

    String createNamespace(String title) throws IOException {
        String answer = send("create namespace", request("/storage/kv/namespaces")
                .post(RequestBody.create(C.ContentType.APPLICATION_JSON,
                        Util.toSortedJson(Util.newJsonObj("title", title))))
                .build());
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(answer);
        if (!id.find()) throw new IllegalStateException("no namespace id in " + answer);
        return id.group(1);
    }

    /** The snippet, completed: metadata and script as two parts without filenames. */
    void uploadScript(String caseName, String scriptName, String script, List<Binding> bindings) throws IOException {
        MultipartBody.Builder b = new MultipartBody.Builder().setType(MultipartBody.FORM);
        Map<String, Object> metadata = Util.newJsonObj("body_part", "script");
        List<Object> bindingsArr = new ArrayList<>();
        for (Binding binding : bindings) {
            if (binding.isPlainText() || binding.isSecretText()) {
                Map<String, Object> bindingObj = Util.newJsonObj("type", binding.type, "name", binding.name);
                if (binding.text != null) {
                    bindingObj.put("text", binding.text);
                }
                bindingsArr.add(bindingObj);
            } else if (binding.isKvNamespace()) {
                Map<String, Object> bindingObj = Util.newJsonObj("type", binding.type, "name", binding.name,
                        "namespace_id", binding.namespaceId);
                bindingsArr.add(bindingObj);
            } else {
                throw new UnsupportedOperationException(binding.type);
            }
        }
        metadata.put("bindings", bindingsArr);
        b.addFormDataPart("metadata", null, RequestBody.create(C.ContentType.APPLICATION_JSON, Util.toSortedJson(metadata)));
        b.addFormDataPart("script", null, RequestBody.create(C.ContentType.APPLICATION_JAVASCRIPT, ByteString.encodeUtf8(script)));
        MultipartBody multipartBody = b.build();
        ByteString requestBodyBytes = Util.requestBodyBytes(multipartBody);
        Request.Builder r = request("/workers/scripts/" + scriptName);
        r.put(RequestBody.create(multipartBody.contentType(), requestBodyBytes));
        send(caseName, r.build());
    }

    /** The thread's first attempts: the binding object on its own, as JSON and as JavaScript. */
    void objectAlone(String scriptName, Binding kv) throws IOException {
        String bindings = Util.toSortedJson(Util.newJsonObj("bindings", List.of(Util.newJsonObj(
                "type", kv.type, "name", kv.name, "namespace_id", kv.namespaceId))));
        send("bindings as application/json", request("/workers/scripts/" + scriptName)
                .put(RequestBody.create(C.ContentType.APPLICATION_JSON, bindings)).build());
        send("bindings as application/javascript", request("/workers/scripts/" + scriptName)
                .put(RequestBody.create(C.ContentType.APPLICATION_JAVASCRIPT, bindings)).build());
        // As a part of a multipart call, under a name other than `metadata`.
        MultipartBody wrongName = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("bindings", null, RequestBody.create(C.ContentType.APPLICATION_JSON, bindings))
                .addFormDataPart("script", null, RequestBody.create(C.ContentType.APPLICATION_JAVASCRIPT, "addEventListener('fetch', e => {})"))
                .build();
        send("bindings part instead of metadata", request("/workers/scripts/" + scriptName).put(wrongName).build());
    }

    String settings(String scriptName) throws IOException {
        return send("settings", request("/workers/scripts/" + scriptName + "/settings").get().build());
    }

    public static void main(String[] args) throws IOException {
        String token = System.getenv("CLOUDFLARE_API_TOKEN");
        ForumWorkerUpload client = new ForumWorkerUpload(args[0], args[1], token);
        String namespaceId = client.createNamespace("forum-globals");
        Binding kv = new Binding("kv_namespace", "myGlobalVarName", null, namespaceId);
        List<Binding> bindings = List.of(
                new Binding("plain_text", "GREETING", "hello", null),
                new Binding("secret_text", "API_SECRET", "s3cr3t \"quoted\"", null),
                kv);
        String script = "addEventListener('fetch', event => {\n"
                + "  event.respondWith(myGlobalVarName.get('count').then(c => new Response(GREETING + ' ' + c)));\n"
                + "});\n";
        client.objectAlone("forum-worker", kv);
        client.uploadScript("snippet upload", "forum-worker", script, bindings);
        client.settings("forum-worker");
        // The same client sending module syntax as its body_part, and a namespace id that
        // does not exist.
        client.uploadScript("module syntax as body_part", "forum-worker",
                "export default { fetch() { return new Response('hi') } };\n", bindings);
        client.uploadScript("unknown namespace id", "forum-worker", script,
                List.of(new Binding("kv_namespace", "myGlobalVarName", null, "0f2ac74b498b48028cb68387c421e279")));
    }
}
