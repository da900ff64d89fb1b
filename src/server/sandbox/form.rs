//! Reading an upload body: `multipart/form-data` parts, or a raw service-worker script.

use axum::body::Body;
use axum::http::{header, HeaderMap};
use bytes::Bytes;
use serde_json::{Map, Value};

use super::reply::ApiError;

/// One multipart part.
#[derive(Clone, Debug)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl Part {
    /// The media type without parameters, lowercased (`application/javascript+module`).
    pub fn media_type(&self) -> Option<String> {
        self.content_type.as_deref().map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }
}

/// All parts of a multipart body, in order.
#[derive(Clone, Debug, Default)]
pub struct Form {
    pub parts: Vec<Part>,
}

impl Form {
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// The single part `name` parsed as a JSON object, or the API's
    /// `could not read content for part <name>` error.
    pub fn json_object(&self, name: &str) -> Result<Map<String, Value>, ApiError> {
        let unreadable = || ApiError::validation(format!("could not read content for part {name}"));
        let mut matching = self.parts.iter().filter(|p| p.name == name);
        let (Some(part), None) = (matching.next(), matching.next()) else {
            return Err(unreadable());
        };
        match serde_json::from_slice::<Value>(&part.data) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(unreadable()),
        }
    }
}

/// What an upload body turned out to be.
pub enum UploadBody {
    Multipart(Form),
    /// `Content-Type: application/javascript` (or `text/javascript`): one service-worker script.
    RawScript(Bytes),
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Reads a multipart body; anything else is refused with the content-type error.
pub async fn read_multipart(headers: &HeaderMap, body: Body) -> Result<Form, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if media_type(headers) != "multipart/form-data" {
        return Err(unsupported_content_type(content_type));
    }
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        ApiError::validation("multipart/form-data Content-Type without a boundary; let the HTTP client set the header")
    })?;
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut form = Form::default();
    let unreadable =
        |e: multer::Error| ApiError::validation(format!("could not parse the multipart body: {e}"));
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        // The part's Content-Type exactly as sent (the parsed media type would normalise it).
        let content_type = field
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| field.content_type().map(|m| m.to_string()));
        let data = field.bytes().await.map_err(unreadable)?;
        form.parts.push(Part {
            name,
            filename,
            content_type,
            data,
        });
    }
    Ok(form)
}

/// Reads an upload body: multipart, or a raw service-worker script.
pub async fn read_upload(headers: &HeaderMap, body: Body) -> Result<UploadBody, ApiError> {
    match media_type(headers).as_str() {
        "application/javascript" | "text/javascript" => {
            let data = axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
                ApiError::validation(format!("could not read the request body: {e}"))
            })?;
            Ok(UploadBody::RawScript(data))
        }
        _ => read_multipart(headers, body)
            .await
            .map(UploadBody::Multipart),
    }
}

fn unsupported_content_type(content_type: &str) -> ApiError {
    let shown = if content_type.is_empty() {
        "(none)"
    } else {
        content_type
    };
    ApiError::validation(format!(
        "unsupported Content-Type {shown}: Worker uploads are multipart/form-data \
         (a metadata part plus one part per module)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        h
    }

    #[tokio::test]
    async fn parts_are_read_with_names_filenames_and_types() {
        let body = "--X\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"main_module\":\"a.js\"}\r\n\
                    --X\r\nContent-Disposition: form-data; name=\"a.js\"; filename=\"a.js\"\r\n\
                    Content-Type: application/javascript+module\r\n\r\nexport default {}\r\n--X--\r\n";
        let form = read_multipart(
            &headers("multipart/form-data; boundary=X"),
            Body::from(body),
        )
        .await
        .unwrap();
        assert_eq!(form.parts.len(), 2);
        assert_eq!(form.json_object("metadata").unwrap()["main_module"], "a.js");
        let module = form.part("a.js").unwrap();
        assert_eq!(module.filename.as_deref(), Some("a.js"));
        assert_eq!(
            module.media_type().as_deref(),
            Some("application/javascript+module")
        );
        assert_eq!(&module.data[..], b"export default {}");
    }

    #[tokio::test]
    async fn json_bodies_are_refused() {
        let Err(error) = read_upload(&headers("application/json"), Body::from("{}")).await else {
            panic!("accepted JSON")
        };
        assert_eq!(error.code, 10021);
        assert!(error
            .message
            .contains("unsupported Content-Type application/json"));
    }

    #[test]
    fn metadata_must_be_one_json_object() {
        let part = |name: &str, data: &'static str| Part {
            name: name.into(),
            filename: None,
            content_type: None,
            data: Bytes::from_static(data.as_bytes()),
        };
        for parts in [
            vec![],
            vec![part("metadata[main_module]", "a.js")],
            vec![part("metadata", "[1]")],
            vec![part("metadata", "not json")],
            vec![part("metadata", "{}"), part("metadata", "{}")],
        ] {
            let error = Form { parts }.json_object("metadata").unwrap_err();
            assert_eq!(error.message, "could not read content for part metadata");
        }
    }
}
