//! The reply a module gives when it cannot answer a request.

use serde::{Deserialize, Serialize};

use crate::{EventPayload, Topic};

/// Sent back, under `daz.error`, when a request's target fails to answer
/// it; [`EventBus::request`](crate::EventBus::request) turns it into
/// [`Error::RequestFailed`](crate::Error::RequestFailed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    /// What went wrong, for the requester.
    pub message: String,
}

impl EventPayload for ErrorReply {
    const TOPIC: Topic = Topic::from_static("daz.error");
}
