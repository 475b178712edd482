//! `docs/openapi.json` against the real admin API: every documented
//! operation is served, answers 200 with a body of its documented schema,
//! answers 401 without a token (all but liveness), and a method not
//! documented for a path is refused with 405.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/admin_bot.rs"]
mod admin_bot;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use admin_bot::AdminBot;
use reqwest::StatusCode;
use serde_json::Value;

/// Where `value` breaks `schema` (a subset of JSON Schema: `$ref`, `type`
/// with `null`, `required`, `properties`, `items`, `enum`, `const`), or
/// `None`.
fn violation(doc: &Value, schema: &Value, value: &Value, at: &str) -> Option<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return violation(doc, &doc["components"]["schemas"][name], value, at);
    }
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allowed: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let fits = |t: &&str| *t == kind || (*t == "number" && kind == "integer");
    if !allowed.is_empty() && !allowed.iter().any(fits) {
        return Some(format!("{at}: a {kind}, documented as {allowed:?}"));
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        return Some(format!("{at}: {value} is not one of {options:?}"));
    }
    if !schema["const"].is_null() && schema["const"] != *value {
        return Some(format!("{at}: {value} is not {}", schema["const"]));
    }
    if let Value::Object(fields) = value {
        for key in schema["required"].as_array().into_iter().flatten() {
            let key = key.as_str().unwrap();
            if !fields.contains_key(key) {
                return Some(format!("{at}: no {key:?}"));
            }
        }
        for (key, field) in fields {
            match schema["properties"].get(key) {
                Some(inner) => {
                    if let Some(v) = violation(doc, inner, field, &format!("{at}.{key}")) {
                        return Some(v);
                    }
                }
                None if schema["properties"].is_object() => {
                    return Some(format!("{at}: {key:?} is not documented"));
                }
                None => {}
            }
        }
    }
    if let Value::Array(items) = value {
        for (i, item) in items.iter().enumerate() {
            if let Some(v) = violation(doc, &schema["items"], item, &format!("{at}[{i}]")) {
                return Some(v);
            }
        }
    }
    None
}

#[tokio::test]
async fn every_documented_route_is_served_as_documented() {
    let doc: Value = serde_json::from_str(include_str!("../../docs/openapi.json")).unwrap();
    let mut bot = AdminBot::start().await;
    // Disable before enable, so each answers 200.
    let mut operations: Vec<(String, String, Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    operations.sort_by_key(|(_, path, _)| !path.ends_with("/disable"));
    assert_eq!(operations.len(), 14, "every route documented");

    for (method, path, op) in &operations {
        // The ticker's task (a restart of the ticker gives it a new id).
        let mut id = (!path.contains("{id}")).then_some(0);
        for _ in 0..500 {
            if id.is_some() {
                break;
            }
            let (_, tasks) = bot.api.json("GET", "/scheduler/tasks").await;
            id = tasks["tasks"][0]["id"].as_u64();
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let id = id.expect("the ticker's task");
        let url = path
            .replace("{name}", "ticker")
            .replace("{room}", "testchan")
            .replace("{id}", &id.to_string());
        let (status, body) = bot.api.call(method, &url, Some(admin_bot::TOKEN)).await;
        assert_eq!(status, StatusCode::OK, "{method} {url}: {body}");
        let ok = &op["responses"]["200"]["content"];
        if let Some(schema) = ok.get("application/json").map(|c| &c["schema"]) {
            let value: Value = serde_json::from_str(&body).unwrap();
            if let Some(v) = violation(&doc, schema, &value, "body") {
                panic!("{method} {url}: {v}\n{body}");
            }
        } else {
            assert!(
                ok.get("text/plain").is_some(),
                "{method} {path}: no content type"
            );
        }
        let open = op["security"].as_array().is_some_and(Vec::is_empty);
        let (status, body) = bot.api.call(method, &url, None).await;
        if open {
            assert_eq!(status, StatusCode::OK, "{method} {url} needs no token");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {url}");
            let schema = &op["responses"]["401"]["content"]["application/json"]["schema"];
            let value: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(violation(&doc, schema, &value, "401"), None, "{body}");
        }
        let other = if method == "GET" { "POST" } else { "GET" };
        if doc["paths"][path].get(other.to_lowercase()).is_none() {
            let (status, _) = bot.api.call(other, &url, Some(admin_bot::TOKEN)).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{other} {url}");
        }
    }
    bot.stop().await;
}
