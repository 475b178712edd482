//! PostgreSQL's fastest bulk path for the busy tables: `COPY … FROM STDIN`
//! in text format, inside the batch's transaction.

use std::fmt::Write as _;

use sqlx::PgConnection;

use super::tables::{ChatColumns, EventColumns};
use crate::error::{Result, query};

/// Appends `text` escaped for COPY's text format.
fn field(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn optional(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => field(out, text),
        None => out.push_str("\\N"),
    }
}

/// Sends `data` in chunks of about a megabyte.
async fn send(
    conn: &mut PgConnection,
    statement: &str,
    rows: usize,
    mut line: impl FnMut(usize, &mut String),
) -> Result<()> {
    let mut copy = conn
        .copy_in_raw(statement)
        .await
        .map_err(query(statement.to_owned()))?;
    let mut chunk = String::with_capacity(1 << 20);
    for i in 0..rows {
        line(i, &mut chunk);
        if chunk.len() >= 1 << 20 {
            copy.send(std::mem::take(&mut chunk).into_bytes())
                .await
                .map_err(query(statement.to_owned()))?;
        }
    }
    if !chunk.is_empty() {
        copy.send(chunk.into_bytes())
            .await
            .map_err(query(statement.to_owned()))?;
    }
    copy.finish().await.map_err(query(statement.to_owned()))?;
    Ok(())
}

/// Copies the chat rows.
pub(crate) async fn chat(conn: &mut PgConnection, c: &ChatColumns) -> Result<()> {
    const COPY: &str =
        "COPY daz_chat_log (at_ms, room, user_name, rank, text, html, pm) FROM STDIN";
    send(conn, COPY, c.at_ms.len(), |i, out| {
        let _ = write!(out, "{}\t", c.at_ms[i]);
        field(out, &c.room[i]);
        out.push('\t');
        field(out, &c.user[i]);
        let _ = write!(out, "\t{}\t", c.rank[i]);
        field(out, &c.text[i]);
        out.push('\t');
        optional(out, c.html[i].as_deref());
        out.push_str(if c.pm[i] { "\tt\n" } else { "\tf\n" });
    })
    .await
}

/// Copies the event-log rows.
pub(crate) async fn events(conn: &mut PgConnection, e: &EventColumns) -> Result<()> {
    const COPY: &str = "COPY daz_sql_event_log (at_ms, topic, source, room, correlation, tags, payload) FROM STDIN";
    send(conn, COPY, e.at_ms.len(), |i, out| {
        let _ = write!(out, "{}\t", e.at_ms[i]);
        field(out, &e.topic[i]);
        out.push('\t');
        optional(out, e.source[i].as_deref());
        out.push('\t');
        optional(out, e.room[i].as_deref());
        out.push('\t');
        optional(out, e.correlation[i].as_deref());
        out.push('\t');
        field(out, &e.tags[i]);
        out.push('\t');
        field(out, &e.payload[i]);
        out.push('\n');
    })
    .await
}
