use daz_core::chat::Rank;

use super::{Action, QueuePosition, Standing};
use crate::Error;
use crate::event::Position;

fn queue(kind: &str, pos: QueuePosition, temp: bool) -> Action {
    Action::Queue {
        id: "x".into(),
        kind: kind.into(),
        pos,
        temp,
    }
}

#[test]
fn frames_match_what_the_server_reads() {
    let cases = [
        (
            Action::Pm {
                to: "ann".into(),
                msg: "hi".into(),
            },
            r#"42["pm",{"msg":"hi","to":"ann"}]"#,
        ),
        (
            queue("yt", QueuePosition::Next, true),
            r#"42["queue",{"id":"x","pos":"next","temp":true,"type":"yt"}]"#,
        ),
        (Action::Delete { uid: 4 }, r#"42["delete",4]"#),
        (
            Action::MoveMedia {
                from: 4,
                after: Position::Append,
            },
            r#"42["moveMedia",{"after":"append","from":4}]"#,
        ),
        (
            Action::MoveMedia {
                from: 4,
                after: Position::After(9),
            },
            r#"42["moveMedia",{"after":9,"from":4}]"#,
        ),
        (Action::JumpTo { uid: 2 }, r#"42["jumpTo",2]"#),
        (Action::PlayNext, r#"42["playNext"]"#),
        (Action::Voteskip, r#"42["voteskip"]"#),
        (
            Action::AssignLeader {
                name: String::new(),
            },
            r#"42["assignLeader",{"name":""}]"#,
        ),
        (Action::ToggleAfk, r#"42["chatMsg",{"msg":"/afk"}]"#),
        (Action::Vote { option: 1 }, r#"42["vote",{"option":1}]"#),
        (Action::ClosePoll, r#"42["closePoll"]"#),
        (
            Action::Ban {
                name: "troll".into(),
                reason: String::new(),
            },
            r#"42["chatMsg",{"msg":"/ban troll"}]"#,
        ),
        (
            Action::IpBan {
                name: "troll".into(),
                reason: "r".into(),
            },
            r#"42["chatMsg",{"msg":"/ipban troll r"}]"#,
        ),
        (
            Action::ShadowMute {
                name: "troll".into(),
            },
            r#"42["chatMsg",{"msg":"/smute troll"}]"#,
        ),
        (
            Action::Unmute {
                name: "troll".into(),
            },
            r#"42["chatMsg",{"msg":"/unmute troll"}]"#,
        ),
    ];
    for (action, frame) in cases {
        assert_eq!(action.frame().unwrap(), frame, "{action:?}");
    }
    let poll = Action::NewPoll {
        title: "Best?".into(),
        options: vec!["a".into(), "b".into()],
        hidden: true,
        timeout: Some(60),
        retain_votes: false,
    };
    assert_eq!(
        poll.frame().unwrap(),
        r#"42["newPoll",{"obscured":true,"opts":["a","b"],"timeout":60,"title":"Best?"}]"#
    );
}

#[test]
fn bad_values_are_refused_before_sending() {
    let long = "x".repeat(256);
    let bad = [
        Action::Chat { msg: "  ".into() },
        Action::Pm {
            to: "not a name".into(),
            msg: "hi".into(),
        },
        Action::Kick {
            name: "".into(),
            reason: String::new(),
        },
        Action::Mute { name: "a/b".into() },
        queue("", QueuePosition::End, true),
        Action::NewPoll {
            title: long.clone(),
            options: vec!["a".into()],
            hidden: false,
            timeout: None,
            retain_votes: false,
        },
        Action::NewPoll {
            title: "t".into(),
            options: vec![],
            hidden: false,
            timeout: None,
            retain_votes: false,
        },
        Action::NewPoll {
            title: "t".into(),
            options: vec!["".into()],
            hidden: false,
            timeout: None,
            retain_votes: false,
        },
        Action::NewPoll {
            title: "t".into(),
            options: vec!["a".into(); 51],
            hidden: false,
            timeout: None,
            retain_votes: false,
        },
        Action::NewPoll {
            title: "t".into(),
            options: vec!["a".into()],
            hidden: false,
            timeout: Some(0),
            retain_votes: false,
        },
    ];
    for action in bad {
        assert!(
            matches!(action.frame(), Err(Error::InvalidAction { .. })),
            "{action:?}"
        );
    }
}

#[test]
fn permissions_follow_the_table_and_the_playlist_lock() {
    let mut guest = Standing::new(Rank::GUEST);
    // Unlocked playlist: oplaylistadd (-1) applies, so guests may queue temp items.
    assert!(queue("yt", QueuePosition::End, true).check(&guest).is_ok());
    // …but not permanent ones (addnontemp 2), nor next (oplaylistnext 1.5).
    assert!(
        queue("yt", QueuePosition::End, false)
            .check(&guest)
            .is_err()
    );
    assert!(
        queue("yt", QueuePosition::Next, true)
            .check(&guest)
            .is_err()
    );
    guest.playlist_locked = true;
    let err = queue("yt", QueuePosition::End, true)
        .check(&guest)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot queue: permission \"playlistadd\" needs rank 1.5 (leader); the bot has 0"
    );
    let leader = Standing {
        playlist_locked: true,
        ..Standing::new(Rank::LEADER)
    };
    assert!(
        queue("yt", QueuePosition::Next, true)
            .check(&leader)
            .is_ok()
    );
    assert!(queue("li", QueuePosition::End, true).check(&leader).is_ok());
    assert!(
        queue("cu", QueuePosition::End, true)
            .check(&leader)
            .is_err()
    );
    assert!(
        queue("fi", QueuePosition::End, true)
            .check(&leader)
            .is_err()
    );
    assert!(
        Action::AssignLeader { name: "ann".into() }
            .check(&leader)
            .is_err()
    );
    assert!(
        Action::Ban {
            name: "x".into(),
            reason: String::new()
        }
        .check(&leader)
        .is_err()
    );
    assert!(
        Action::Kick {
            name: "x".into(),
            reason: String::new()
        }
        .check(&leader)
        .is_ok()
    );
    let moderator = Standing::new(Rank::MODERATOR);
    assert!(
        Action::AssignLeader { name: "ann".into() }
            .check(&moderator)
            .is_ok()
    );
    assert!(
        Action::Ban {
            name: "x".into(),
            reason: String::new()
        }
        .check(&moderator)
        .is_ok()
    );
}

#[test]
fn the_channel_table_overrides_the_defaults() {
    let mut standing = Standing::new(Rank::REGISTERED);
    assert!(Action::Chat { msg: "hi".into() }.check(&standing).is_ok());
    standing.permissions.insert("chat".into(), Rank::MODERATOR);
    assert!(Action::Chat { msg: "hi".into() }.check(&standing).is_err());
    standing
        .permissions
        .insert("pollctl".into(), Rank::new(1.0));
    assert!(Action::ClosePoll.check(&standing).is_ok());
}

#[test]
fn anonymous_bots_and_disabled_voteskip_are_refused() {
    let anonymous = Standing::new(Rank::new(-1.0));
    assert!(
        Action::Pm {
            to: "ann".into(),
            msg: "hi".into()
        }
        .check(&anonymous)
        .is_err()
    );
    let mut guest = Standing::new(Rank::GUEST);
    assert!(Action::Voteskip.check(&guest).is_ok());
    guest.voteskip_allowed = false;
    assert!(
        Action::Voteskip
            .check(&guest)
            .unwrap_err()
            .to_string()
            .contains("voteskip is turned off")
    );
}

#[test]
fn actions_travel_as_json() {
    let action = queue("yt", QueuePosition::Next, false);
    let json = serde_json::to_string(&action).unwrap();
    assert_eq!(
        json,
        r#"{"action":"queue","id":"x","type":"yt","pos":"next","temp":false}"#
    );
    assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
    let parsed: Action = serde_json::from_str(r#"{"action":"chat","msg":"hi"}"#).unwrap();
    assert_eq!(parsed, Action::Chat { msg: "hi".into() });
}
