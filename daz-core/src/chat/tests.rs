use proptest::prelude::*;

use super::{Rank, decode_html, split_message, utf16_len};

/// The protocol reference's table: what CyTube sends for what was typed.
#[test]
fn the_reference_table_decodes_to_what_was_typed() {
    let cases = [
        (
            "It's (a) &lt;b&gt;test&lt;/b&gt; &amp; \"quoted\" &gt; x",
            "It's (a) <b>test</b> & \"quoted\" > x",
        ),
        (
            "snake<em>case</em>name and <strong>bold</strong> and <code>code</code>",
            "snake_case_name and *bold* and `code`",
        ),
        (
            "see <a href=\"https://example.com/a_b?x=1&amp;y=2\" target=\"_blank\" rel=\"noopener noreferrer\">https://example.com/a_b?x=1&amp;y=2</a> ok",
            "see https://example.com/a_b?x=1&y=2 ok",
        ),
        (
            "&amp;amp; &amp;lt; literal entity text &amp;#39;",
            "&amp; &lt; literal entity text &#39;",
        ),
        ("<span class=\"spoiler\">spoiler</span>", "[sp]spoiler[/sp]"),
        (
            "<s>gone</s> <span style=\"x\">plain</span>",
            "~~gone~~ plain",
        ),
        (
            "old &#39;quote&#39; &#40;x&#41; &#x41;",
            "old 'quote' (x) A",
        ),
        ("emoji 😀 and unicode ü", "emoji 😀 and unicode ü"),
    ];
    for (html, typed) in cases {
        assert_eq!(decode_html(html), typed, "{html}");
    }
}

#[test]
fn malformed_html_is_kept_as_text() {
    assert_eq!(decode_html("a < b"), "a < b");
    assert_eq!(decode_html("1 <2 and 3> 2"), "1 <2 and 3> 2");
    assert_eq!(
        decode_html("x &unknown; &#xZZ; &#99999999; & y"),
        "x &unknown; &#xZZ; \u{fffd} & y"
    );
    assert_eq!(decode_html("</span></span>"), "");
    assert_eq!(decode_html("<>"), "<>");
}

#[test]
fn long_text_splits_at_spaces_within_the_limit() {
    let text = "word ".repeat(200);
    let lines = split_message(&text, 320);
    assert!(lines.len() >= 3);
    assert!(
        lines
            .iter()
            .all(|l| utf16_len(l) <= 320 && !l.starts_with(' '))
    );
    assert_eq!(lines.join(" "), text.trim_end());
    // An emoji counts two units and is never cut.
    let emoji = "😀".repeat(5);
    assert_eq!(split_message(&emoji, 4), ["😀😀", "😀😀", "😀"]);
    assert_eq!(split_message("a\nb", 320), ["a", "b"]);
}

#[test]
fn ranks_read_from_numbers_strings_and_names() {
    let read = |json: &str| serde_json::from_str::<Rank>(json);
    assert_eq!(read("2").unwrap(), Rank::MODERATOR);
    assert_eq!(read("\"1.5\"").unwrap(), Rank::LEADER);
    assert_eq!(read("\"Site-Admin\"").unwrap(), Rank::SITE_ADMIN);
    assert_eq!(read("-1").unwrap().value(), -1.0);
    assert!(read("\"boss\"").is_err());
    assert!(read("true").is_err());
    assert_eq!(Rank::new(2.5).name(), "moderator");
    assert_eq!(Rank::new(-1.0).name(), "anonymous");
    assert_eq!(Rank::new(1000.0).name(), "site_admin");
}

proptest! {
    #[test]
    fn decoding_never_panics(html in "\\PC{0,120}") {
        let _ = decode_html(&html);
    }

    #[test]
    fn tag_and_entity_soup_never_panics(html in "[<>&#;/a-z0-9 \"=x]{0,80}") {
        let _ = decode_html(&html);
    }

    #[test]
    fn split_lines_fit_and_keep_every_word(text in "\\PC{0,400}", max in 2usize..400) {
        let lines = split_message(&text, max);
        for line in &lines {
            prop_assert!(utf16_len(line) <= max);
        }
        let kept: String = lines.concat().split_whitespace().collect();
        let given: String = text.lines().flat_map(str::split_whitespace).collect();
        prop_assert_eq!(kept, given);
    }
}
