#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use daz_core::chat::{MAX_MESSAGE_LEN, utf16_len};
use serde_json::Value;

use super::Outbound;
use crate::action::{Action, GUARD};

/// The `msg` of each frame.
fn sent(outbound: &Outbound, action: &Action) -> Vec<String> {
    outbound
        .frames(action)
        .unwrap()
        .iter()
        .map(|frame| {
            let body: Value = serde_json::from_str(frame.strip_prefix("42").unwrap()).unwrap();
            body[1]["msg"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// No line the server gets may run as a command, each fits, and no text
/// is lost.
fn assert_safe(lines: &[String], max: usize, text: &str) {
    for line in lines {
        assert!(
            !line.starts_with('/'),
            "{line:?} would run as a command (from {text:?})"
        );
        assert!(utf16_len(line) <= max, "{line:?} is over {max} units");
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let back: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.split_whitespace())
        .map(|w| w.trim_start_matches(GUARD))
        .collect();
    // A word split across lines comes back in pieces: compare the letters.
    assert_eq!(back.concat(), words.concat(), "text lost from {text:?}");
}

#[test]
fn a_slash_at_every_position_of_a_long_line_is_never_a_command() {
    let outbound = Outbound::new(100, MAX_MESSAGE_LEN);
    for at in 0..=700 {
        let text = format!("{} /kick bob", "x".repeat(at));
        for action in [
            Action::Chat { msg: text.clone() },
            Action::Pm {
                to: "ann".into(),
                msg: text.clone(),
            },
        ] {
            assert_safe(&sent(&outbound, &action), MAX_MESSAGE_LEN, &text);
        }
        // Words, as a reminder or a template would have them.
        let words = format!("{} /ban bob because", "word ".repeat(at / 5));
        assert_safe(
            &sent(&outbound, &Action::Chat { msg: words.clone() }),
            MAX_MESSAGE_LEN,
            &words,
        );
    }
}

#[test]
fn the_issues_example_splits_into_two_lines_and_the_second_is_said() {
    let outbound = Outbound::new(100, MAX_MESSAGE_LEN);
    // `!remindme 1s` from a 13-character guest: "name: reminder: …".
    let text = format!("guestname1234: reminder: {} /kick bob", "x".repeat(290));
    let lines = sent(&outbound, &Action::Chat { msg: text.clone() });
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1], "\u{200B}/kick bob");
    assert_safe(&lines, MAX_MESSAGE_LEN, &text);
}

#[test]
fn a_full_line_starting_with_a_slash_is_split_to_fit_the_guard() {
    for max in [3, 4, 10, 320] {
        let outbound = Outbound::new(1000, max);
        for len in 1..=(3 * max) {
            let text = format!("/{}", "y".repeat(len));
            let lines = sent(&outbound, &Action::Chat { msg: text.clone() });
            assert_safe(&lines, max, &text);
            let spaced = format!("/{} /{}", "y".repeat(len), "z".repeat(len / 2));
            let lines = sent(
                &outbound,
                &Action::Chat {
                    msg: spaced.clone(),
                },
            );
            assert_safe(&lines, max, &spaced);
        }
    }
}

#[test]
fn lines_after_a_line_break_and_after_control_characters_are_guarded() {
    let outbound = Outbound::new(100, MAX_MESSAGE_LEN);
    for text in [
        "fine\n/clear",
        "fine\n\n  /clear",
        "\u{1}/clear",
        "\t/clear",
    ] {
        let lines = sent(&outbound, &Action::Chat { msg: text.into() });
        assert_eq!(lines.last().unwrap(), "\u{200B}/clear", "{text:?}");
    }
}

#[test]
fn moderation_actions_still_run_as_commands() {
    let outbound = Outbound::new(100, MAX_MESSAGE_LEN);
    let kick = Action::Kick {
        name: "troll".into(),
        reason: "spam".into(),
    };
    assert_eq!(sent(&outbound, &kick), ["/kick troll spam"]);
}
