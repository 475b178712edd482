use daz_core::chat::Rank;

use super::ChannelState;
use crate::event::ServerEvent;

fn apply(state: &mut ChannelState, json: &str) {
    state.apply(&ServerEvent::from_json(json).unwrap());
}

fn item(uid: u64) -> String {
    format!(
        r#"{{"media":{{"id":"v{uid}","title":"T{uid}","seconds":60,"duration":"01:00","type":"yt","meta":{{}}}},"uid":{uid},"temp":false,"queueby":"ann"}}"#
    )
}

fn uids(state: &ChannelState) -> Vec<u64> {
    state.playlist.iter().map(|i| i.uid).collect()
}

#[test]
fn users_are_replaced_added_changed_and_removed_by_any_case() {
    let mut state = ChannelState::default();
    apply(
        &mut state,
        r#"["userlist",[{"name":"Ann","rank":1,"profile":{"image":"","text":""},"meta":{"afk":false,"muted":false}}]]"#,
    );
    apply(
        &mut state,
        r#"["addUser",{"name":"bob","rank":0,"profile":{"image":"","text":""},"meta":{"afk":false,"muted":false}}]"#,
    );
    apply(&mut state, r#"["setUserRank",{"name":"ANN","rank":2}]"#);
    apply(&mut state, r#"["setAFK",{"name":"bob","afk":true}]"#);
    assert_eq!(state.user("ann").unwrap().rank, Rank::MODERATOR);
    assert!(state.user("Bob").unwrap().meta.afk);
    apply(&mut state, r#"["userLeave",{"name":"BOB"}]"#);
    assert!(state.user("bob").is_none());
    // A second userlist replaces the first.
    apply(&mut state, r#"["userlist",[]]"#);
    assert!(state.users.is_empty());
}

#[test]
fn the_playlist_follows_queue_move_delete_and_temp() {
    let mut state = ChannelState::default();
    apply(
        &mut state,
        &format!(r#"["playlist",[{},{}]]"#, item(1), item(2)),
    );
    apply(
        &mut state,
        &format!(r#"["queue",{{"item":{},"after":1}}]"#, item(3)),
    );
    assert_eq!(uids(&state), [1, 3, 2]);
    apply(
        &mut state,
        &format!(r#"["queue",{{"item":{},"after":"prepend"}}]"#, item(4)),
    );
    assert_eq!(uids(&state), [4, 1, 3, 2]);
    apply(&mut state, r#"["moveVideo",{"from":4,"after":"append"}]"#);
    assert_eq!(uids(&state), [1, 3, 2, 4]);
    apply(&mut state, r#"["moveVideo",{"from":2,"after":1}]"#);
    assert_eq!(uids(&state), [1, 2, 3, 4]);
    apply(&mut state, r#"["delete",{"uid":3}]"#);
    apply(&mut state, r#"["setTemp",{"uid":2,"temp":true}]"#);
    assert_eq!(uids(&state), [1, 2, 4]);
    assert!(state.playlist[1].temp);
    apply(&mut state, r#"["setCurrent",2]"#);
    assert_eq!(state.current, Some(2));
}

#[test]
fn media_leader_poll_and_settings() {
    let mut state = ChannelState::default();
    apply(
        &mut state,
        r#"["changeMedia",{"id":"x","title":"Song","seconds":200,"duration":"03:20","type":"yt","meta":{},"currentTime":-3,"paused":true}]"#,
    );
    apply(
        &mut state,
        r#"["mediaUpdate",{"currentTime":42.5,"paused":false}]"#,
    );
    let now = state.now_playing.as_ref().unwrap();
    assert_eq!(
        (now.media.title.as_str(), now.current_time, now.paused),
        ("Song", 42.5, false)
    );
    apply(&mut state, r#"["setLeader","ann"]"#);
    assert_eq!(state.leader.as_deref(), Some("ann"));
    apply(&mut state, r#"["setLeader",""]"#);
    assert_eq!(state.leader, None);
    apply(
        &mut state,
        r#"["newPoll",{"title":"t","options":["a"],"counts":[0],"initiator":"ann","timestamp":1}]"#,
    );
    assert!(state.poll.is_some());
    apply(&mut state, r#"["closePoll",null]"#);
    assert!(state.poll.is_none());
    apply(&mut state, r#"["setPermissions",{"chat":1}]"#);
    apply(&mut state, r#"["setPlaylistLocked",true]"#);
    apply(&mut state, r#"["channelOpts",{"allow_voteskip":false}]"#);
    apply(&mut state, r#"["rank",0]"#);
    let standing = state.standing();
    assert!(standing.playlist_locked && !standing.voteskip_allowed);
    assert_eq!(standing.rank, Rank::GUEST);
    assert!(!standing.allows("chat"));
    apply(&mut state, r#"["usercount",7]"#);
    assert_eq!(state.usercount, 7);
}

#[test]
fn clearing_the_playlist_clears_what_plays() {
    let mut state = ChannelState::default();
    apply(
        &mut state,
        &format!(r#"["playlist",[{},{}]]"#, item(1), item(2)),
    );
    apply(&mut state, r#"["setCurrent",2]"#);
    apply(
        &mut state,
        r#"["changeMedia",{"id":"v2","title":"T2","seconds":60,"duration":"01:00","type":"yt","meta":{},"currentTime":3,"paused":false}]"#,
    );
    assert_eq!(state.now_playing.as_ref().unwrap().media.title, "T2");
    // A playlist still holding the current item keeps it playing.
    apply(
        &mut state,
        &format!(r#"["playlist",[{},{}]]"#, item(2), item(1)),
    );
    assert_eq!(state.current, Some(2));
    assert!(state.now_playing.is_some());
    // `clearPlaylist`: the server sends only `playlist []`.
    apply(&mut state, r#"["playlist",[]]"#);
    assert_eq!(state.current, None);
    assert_eq!(state.now_playing, None);
}

#[test]
fn the_bots_rank_follows_the_channel_not_the_login() {
    let user = |name: &str, rank: u8| {
        format!(
            r#"{{"name":"{name}","rank":{rank},"profile":{{"image":"","text":""}},"meta":{{"afk":false,"muted":false}}}}"#
        )
    };
    let mut state = ChannelState::for_bot(Some("DazBot"));
    // The login carries the site-wide rank.
    apply(&mut state, r#"["rank",1]"#);
    assert_eq!(state.rank, Rank::REGISTERED);
    // Logged in after the join: its own addUser has the channel rank.
    apply(&mut state, &format!(r#"["addUser",{}]"#, user("dazbot", 5)));
    assert_eq!(state.rank, Rank::FOUNDER);
    apply(&mut state, r#"["setUserRank",{"name":"DAZBOT","rank":2}]"#);
    assert_eq!(state.rank, Rank::MODERATOR);
    apply(
        &mut state,
        &format!(r#"["userlist",[{},{}]]"#, user("ann", 1), user("DazBot", 3)),
    );
    assert_eq!(state.rank, Rank::ADMIN);
    // Others' ranks are theirs.
    apply(&mut state, r#"["setUserRank",{"name":"ann","rank":4}]"#);
    apply(&mut state, &format!(r#"["addUser",{}]"#, user("bob", 0)));
    assert_eq!(state.rank, Rank::ADMIN);
    apply(&mut state, r#"["rank",4]"#);
    assert_eq!(state.rank, Rank::OWNER);
}
