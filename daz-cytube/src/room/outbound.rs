//! The room's outbound side: chat lines and PMs wait in a bounded queue
//! and leave at the throttle's pace; other actions go at once.

use std::collections::VecDeque;
use std::time::Duration;

use daz_core::chat::{split_message, utf16_len};
use tokio::time::Instant;

use crate::action::{Action, said_as_written};
use crate::error::{Error, Result};
use crate::state::ChannelState;
use crate::throttle::{FloodParams, Throttle};

/// Lines waiting for the throttle, and the throttle.
#[derive(Debug)]
pub(super) struct Outbound {
    queue: VecDeque<String>,
    capacity: usize,
    max_line: usize,
    throttle: Throttle,
    /// The last chat frame sent, to resend if the server drops it.
    last: Option<String>,
}

impl Outbound {
    pub(super) fn new(capacity: usize, max_line: usize) -> Self {
        Self {
            queue: VecDeque::new(),
            capacity: capacity.max(1),
            max_line: max_line.max(3),
            throttle: Throttle::new(FloodParams::ALWAYS),
            last: None,
        }
    }

    /// Follows the channel's flood settings and the bot's rank.
    pub(super) fn follow(&mut self, state: &ChannelState) {
        self.throttle
            .set_params(FloodParams::for_channel(&state.options, state.rank));
    }

    /// The frames for `action`: chat lines and PMs split to fit.
    ///
    /// # Errors
    ///
    /// What [`Action::frame`] reports.
    pub(super) fn frames(&self, action: &Action) -> Result<Vec<String>> {
        let lines = match action {
            Action::Chat { msg } => self
                .lines(msg)
                .into_iter()
                .map(|msg| Action::Chat { msg })
                .collect(),
            Action::Pm { to, msg } => self
                .lines(msg)
                .into_iter()
                .map(|msg| Action::Pm {
                    to: to.clone(),
                    msg,
                })
                .collect(),
            other => vec![other.clone()],
        };
        if lines.is_empty() {
            // A blank message: let `frame` report it.
            return action.frame().map(|f| vec![f]);
        }
        lines.iter().map(Action::frame).collect()
    }

    /// `msg` as lines of at most `max_line` units each, counting the
    /// guard [`Action::frame`] puts before a line starting with `/`: such
    /// a line that would not fit with it is split again one unit shorter.
    fn lines(&self, msg: &str) -> Vec<String> {
        let mut lines = Vec::new();
        for line in split_message(msg, self.max_line) {
            if said_as_written(&line).len() == line.len() || utf16_len(&line) < self.max_line {
                lines.push(line);
            } else {
                lines.extend(split_message(&line, self.max_line - 1));
            }
        }
        lines
    }

    /// Queues chat frames; returns how many were ahead of them.
    ///
    /// # Errors
    ///
    /// [`Error::QueueFull`] when they do not fit (none is queued).
    pub(super) fn push(&mut self, frames: Vec<String>) -> Result<usize> {
        if self.queue.len() + frames.len() > self.capacity {
            return Err(Error::QueueFull {
                capacity: self.capacity,
            });
        }
        let ahead = self.queue.len();
        self.queue.extend(frames);
        Ok(ahead)
    }

    /// Lines waiting.
    pub(super) fn waiting(&self) -> usize {
        self.queue.len()
    }

    /// When the next waiting line may go, if any waits.
    pub(super) fn ready_at(&self, now: Instant) -> Option<Instant> {
        (!self.queue.is_empty()).then(|| self.throttle.ready_at(now))
    }

    /// The next line, if the throttle allows it now.
    pub(super) fn pop_ready(&mut self, now: Instant) -> Option<String> {
        if self.throttle.ready_at(now) > now {
            return None;
        }
        let frame = self.queue.pop_front()?;
        self.throttle.sent(now);
        self.last = Some(frame.clone());
        Some(frame)
    }

    /// The server dropped the last line (`cooldown`): wait, then resend it.
    pub(super) fn cooldown(&mut self, now: Instant, wait: Duration) {
        self.throttle.cooldown(now, wait);
        if let Some(frame) = self.last.take() {
            self.queue.push_front(frame);
        }
    }

    /// Forgets what waits (the connection is gone); returns how many lines
    /// were dropped, for the report.
    pub(super) fn clear(&mut self) -> usize {
        self.last = None;
        let dropped = self.queue.len();
        self.queue.clear();
        dropped
    }
}

#[cfg(test)]
mod tests;
