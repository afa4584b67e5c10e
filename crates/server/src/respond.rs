//! The proxy's own answers (not Hostwinds'): refusals in the API's shape, JSON errors, cookies.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hostwinds::ActionName;
use serde_json::json;

pub(crate) const CROSS_SITE: &str = "Cross-site requests are refused: use the console, or send the x-hostwinds-console header.";

/// The Hostwinds-shaped refusal the console decodes like any other error.
pub(crate) fn refusal(status: StatusCode, action: Option<ActionName>, message: &str) -> Response {
    let mut o = serde_json::Map::new();
    o.insert("result".into(), json!("error"));
    if let Some(a) = action {
        o.insert("action".into(), json!(a.label()));
    }
    o.insert("message".into(), json!(message));
    (status, Json(serde_json::Value::Array(vec![o.into()]))).into_response()
}

pub(crate) fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

pub(crate) fn with_cookie(mut resp: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}
