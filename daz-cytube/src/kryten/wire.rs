//! Kryten's wire conventions, as kryten-robot 1.12.6 and kryten-py 0.17.5
//! have them: subject tokens, the event envelope, command replies.

use std::time::SystemTime;

use serde_json::{Value, json};

/// kryten-robot's `MAX_TOKEN_LENGTH`.
const MAX_TOKEN: usize = 100;

/// A subject token as Kryten makes it: lower case, dots removed, spaces
/// to hyphens, wildcards and `!@#$%^&*()+=[]{|}\:;"'<>,?/` removed, cut
/// to 100 characters. `420Grindhouse` → `420grindhouse`, `My Channel!` →
/// `my-channel`.
#[must_use]
pub fn normalize_token(token: &str) -> String {
    const REMOVED: &str = "!@#$%^&*()+=[]{|}\\:;\"'<>,?/";
    token
        .to_lowercase()
        .chars()
        .filter(|c| *c != '.' && !REMOVED.contains(*c))
        .map(|c| if c == ' ' { '-' } else { c })
        .take(MAX_TOKEN)
        .collect()
}

/// The subject a room's event goes out on:
/// `kryten.events.cytube.<channel>.<event>`, or `None` when a token is
/// empty once normalized.
#[must_use]
pub fn event_subject(channel: &str, event: &str) -> Option<String> {
    let (channel, event) = (normalize_token(channel), normalize_token(event));
    if channel.is_empty() || event.is_empty() {
        return None;
    }
    Some(format!("kryten.events.cytube.{channel}.{event}"))
}

/// An id as the UUID text Kryten uses for correlation ids.
#[must_use]
pub fn uuid_text(id: u128) -> String {
    let h = format!("{id:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// UTC ISO 8601 with microseconds and `+00:00`, as Python's
/// `datetime.now(UTC).isoformat()` writes it.
#[must_use]
pub fn iso_time(time: SystemTime) -> String {
    let time: chrono::DateTime<chrono::Utc> = time.into();
    time.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// kryten-robot's `RawEvent` JSON.
#[must_use]
pub fn envelope(
    event_name: &str,
    payload: Value,
    channel: &str,
    domain: &str,
    time: SystemTime,
    id: u128,
) -> Value {
    json!({
        "event_name": event_name,
        "payload": whole_numbers(payload),
        "channel": channel,
        "domain": domain,
        "timestamp": iso_time(time),
        "correlation_id": uuid_text(id),
    })
}

/// `value` with every whole number written as an integer, as CyTube and
/// Python write them (daz keeps ranks as `f64`: `2.0` becomes `2`).
#[must_use]
pub fn whole_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 =>
            {
                #[allow(clippy::cast_possible_truncation, reason = "whole and within i64")]
                Value::from(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A successful command reply.
#[must_use]
pub fn success(command: &str, data: Value) -> Value {
    json!({ "service": "robot", "command": command, "success": true, "data": whole_numbers(data) })
}

/// A failed command reply.
#[must_use]
pub fn failure(command: &str, error: &str) -> Value {
    json!({ "service": "robot", "command": command, "success": false, "error": error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_subjects_follow_kryten() {
        // kryten-robot's own doctest examples.
        assert_eq!(normalize_token("cy.tube"), "cytube");
        assert_eq!(normalize_token("Cytu.be"), "cytube");
        assert_eq!(normalize_token("420Grindhouse"), "420grindhouse");
        assert_eq!(normalize_token("My Channel!"), "my-channel");
        assert_eq!(normalize_token("a*b>c"), "abc");
        assert_eq!(normalize_token(&"x".repeat(150)).len(), 100);
        assert_eq!(
            event_subject("Test Channel", "userJoin").as_deref(),
            Some("kryten.events.cytube.test-channel.userjoin")
        );
        assert_eq!(event_subject("!!!", "chatMsg"), None);
    }

    #[test]
    fn whole_numbers_lose_their_point() {
        let v = whole_numbers(json!({"rank": 2.0, "half": 1.5, "n": [3.0, 4], "s": "2.0"}));
        assert_eq!(v, json!({"rank": 2, "half": 1.5, "n": [3, 4], "s": "2.0"}));
        assert_eq!(
            v.to_string(),
            r#"{"half":1.5,"n":[3,4],"rank":2,"s":"2.0"}"#
        );
    }

    #[test]
    fn the_envelope_has_kryten_s_fields() {
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(1_700_000_000_123_456);
        let e = envelope(
            "chatMsg",
            json!({"msg": "hi"}),
            "lounge",
            "cytu.be",
            time,
            0xabc,
        );
        assert_eq!(e["event_name"], "chatMsg");
        assert_eq!(e["payload"]["msg"], "hi");
        assert_eq!(e["channel"], "lounge");
        assert_eq!(e["domain"], "cytu.be");
        assert_eq!(e["timestamp"], "2023-11-14T22:13:20.123456+00:00");
        assert_eq!(e["correlation_id"], "00000000-0000-0000-0000-000000000abc");
    }
}
