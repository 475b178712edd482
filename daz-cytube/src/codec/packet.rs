//! [`Packet`]: the syntax of one WebSocket text frame — an Engine.IO v4
//! packet, and inside a `4` (message) packet a Socket.IO v5 packet on the
//! default namespace. Pure functions; any input gives a packet or an error,
//! never a panic.

use crate::error::{Error, Result, bad_frame, excerpt};

/// One frame, taken apart but not interpreted: JSON parts are left as
/// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packet<'a> {
    /// `0{...}`: Engine.IO open, with its JSON object.
    Open(&'a str),
    /// `1`: Engine.IO close (CyTube never sends it on WebSocket).
    Close,
    /// `2[data]`: ping (the server pings on EIO 4).
    Ping(&'a str),
    /// `3[data]`: pong.
    Pong(&'a str),
    /// `5`: upgrade.
    Upgrade,
    /// `6`: noop.
    Noop,
    /// `40[{...}]`: Socket.IO connect, with its JSON object or `""`.
    Connect(&'a str),
    /// `41`: Socket.IO disconnect.
    Disconnect,
    /// `42[id][...]`: an event; `json` is the array `["name", payload]`.
    Event {
        /// The acknowledgement id the sender asks for.
        ack: Option<u64>,
        /// The JSON array.
        json: &'a str,
    },
    /// `43id[...]`: an acknowledgement with its JSON arguments array.
    Ack {
        /// The id being acknowledged.
        id: u64,
        /// The JSON array of arguments.
        json: &'a str,
    },
    /// `44{...}`: the connect was refused; JSON object (or string, in
    /// Socket.IO v2).
    ConnectError(&'a str),
}

fn unsupported(frame: &str, reason: &str) -> Error {
    Error::Unsupported {
        frame: excerpt(frame),
        reason: reason.to_owned(),
    }
}

/// Splits leading ASCII digits off `text` as an id.
fn split_id(text: &str) -> (Option<&str>, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        (None, text)
    } else {
        (text.get(..digits), text.get(digits..).unwrap_or_default())
    }
}

fn parse_id(frame: &str, digits: &str) -> Result<u64> {
    digits
        .parse()
        .map_err(|_| bad_frame(frame, "the acknowledgement id is too large"))
}

impl<'a> Packet<'a> {
    /// Takes a frame apart.
    ///
    /// # Errors
    ///
    /// [`Error::Frame`] for an empty frame, an unknown packet type or a
    /// missing part; [`Error::Unsupported`] for binary packets and other
    /// namespaces, which CyTube never sends.
    ///
    /// ```
    /// use daz_cytube::codec::Packet;
    ///
    /// assert_eq!(Packet::decode("2")?, Packet::Ping(""));
    /// assert_eq!(Packet::decode(r#"42["rank",1]"#)?, Packet::Event { ack: None, json: r#"["rank",1]"# });
    /// assert_eq!(Packet::decode("4312[{}]")?, Packet::Ack { id: 12, json: "[{}]" });
    /// assert!(Packet::decode("9").is_err());
    /// # Ok::<(), daz_cytube::Error>(())
    /// ```
    pub fn decode(frame: &'a str) -> Result<Self> {
        let mut chars = frame.chars();
        let kind = chars
            .next()
            .ok_or_else(|| bad_frame(frame, "the frame is empty"))?;
        let rest = chars.as_str();
        match kind {
            '0' => Ok(Self::Open(rest)),
            '1' => Ok(Self::Close),
            '2' => Ok(Self::Ping(rest)),
            '3' => Ok(Self::Pong(rest)),
            '4' => Self::decode_socket(frame, rest),
            '5' => Ok(Self::Upgrade),
            '6' => Ok(Self::Noop),
            'b' => Err(unsupported(frame, "a base64 binary frame")),
            _ => Err(bad_frame(
                frame,
                format!("unknown Engine.IO packet type {kind:?}"),
            )),
        }
    }

    fn decode_socket(frame: &'a str, message: &'a str) -> Result<Self> {
        let mut chars = message.chars();
        let kind = chars
            .next()
            .ok_or_else(|| bad_frame(frame, "an Engine.IO message without a Socket.IO packet"))?;
        let mut rest = chars.as_str();
        if rest.starts_with('/') {
            let (nsp, after) = rest.split_once(',').unwrap_or((rest, ""));
            if nsp != "/" {
                return Err(unsupported(frame, "a namespace other than \"/\""));
            }
            rest = after;
        }
        match kind {
            '0' => Ok(Self::Connect(rest)),
            '1' => Ok(Self::Disconnect),
            '2' => {
                let (id, json) = split_id(rest);
                if !json.starts_with('[') {
                    return Err(bad_frame(frame, "an event without its JSON array"));
                }
                let ack = id.map(|d| parse_id(frame, d)).transpose()?;
                Ok(Self::Event { ack, json })
            }
            '3' => {
                let (id, json) = split_id(rest);
                let id = id.ok_or_else(|| bad_frame(frame, "an acknowledgement without its id"))?;
                if !json.starts_with('[') {
                    return Err(bad_frame(
                        frame,
                        "an acknowledgement without its JSON array",
                    ));
                }
                Ok(Self::Ack {
                    id: parse_id(frame, id)?,
                    json,
                })
            }
            '4' => Ok(Self::ConnectError(rest)),
            '5' | '6' => Err(unsupported(frame, "a binary Socket.IO packet")),
            _ => Err(bad_frame(
                frame,
                format!("unknown Socket.IO packet type {kind:?}"),
            )),
        }
    }

    /// The frame text.
    ///
    /// ```
    /// use daz_cytube::codec::Packet;
    ///
    /// let packet = Packet::Event { ack: Some(7), json: r#"["newPoll",{}]"# };
    /// assert_eq!(packet.encode(), r#"427["newPoll",{}]"#);
    /// assert_eq!(Packet::decode(&packet.encode())?, packet);
    /// # Ok::<(), daz_cytube::Error>(())
    /// ```
    #[must_use]
    pub fn encode(&self) -> String {
        match *self {
            Self::Open(json) => format!("0{json}"),
            Self::Close => "1".to_owned(),
            Self::Ping(data) => format!("2{data}"),
            Self::Pong(data) => format!("3{data}"),
            Self::Upgrade => "5".to_owned(),
            Self::Noop => "6".to_owned(),
            Self::Connect(json) => format!("40{}{json}", namespace_for(json)),
            Self::Disconnect => "41".to_owned(),
            Self::Event { ack: None, json } => format!("42{json}"),
            Self::Event {
                ack: Some(id),
                json,
            } => format!("42{id}{json}"),
            Self::Ack { id, json } => format!("43{id}{json}"),
            Self::ConnectError(json) => format!("44{}{json}", namespace_for(json)),
        }
    }
}

/// The default namespace written out (`/,`) before a payload that would
/// otherwise read as a namespace (found by fuzzing: `40/,/x` decoded to
/// a connect whose encoding `40/x` named the namespace `/x`).
fn namespace_for(payload: &str) -> &'static str {
    if payload.starts_with('/') { "/," } else { "" }
}
