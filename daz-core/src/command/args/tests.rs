use std::time::Duration;

use proptest::prelude::*;

use super::{ArgError, ArgProblem, Args, FromArg, FromArgs, Rest};
use crate::command::UserName;

fn words(text: &str) -> Result<Vec<String>, ArgError> {
    let mut args = Args::new(text);
    let mut out = Vec::new();
    while let Some(word) = args.next_word()? {
        out.push(word.into_owned());
    }
    Ok(out)
}

#[test]
fn words_split_at_any_whitespace_and_quotes_group() {
    assert_eq!(words("  a\tb \u{3000} c ").unwrap(), ["a", "b", "c"]);
    assert_eq!(
        words(r#""a b" “c d” "" e"#).unwrap(),
        ["a b", "c d", "", "e"]
    );
    assert_eq!(
        words(r#""say \"hi\" \\ ok""#).unwrap(),
        [r#"say "hi" \ ok"#]
    );
    assert_eq!(words("don't stop").unwrap(), ["don't", "stop"]);
    assert_eq!(
        words(r#"a "open"#).unwrap_err().problem(),
        &ArgProblem::UnclosedQuote
    );
}

#[test]
fn numbers_say_what_was_expected() {
    assert_eq!(u8::from_arg("255").unwrap(), 255);
    assert_eq!(i32::from_arg("-7").unwrap(), -7);
    assert_eq!(
        u8::from_arg("256").unwrap_err().to_string(),
        "\"256\" is not a whole number from 0 to 255"
    );
    assert_eq!(
        u64::from_arg("-1").unwrap_err().to_string(),
        "\"-1\" is not a whole number of 0 or more"
    );
    assert_eq!(
        i64::from_arg("1.5").unwrap_err().to_string(),
        "\"1.5\" is not a whole number"
    );
    assert_eq!(f64::from_arg("2.5").unwrap(), 2.5);
    for bad in ["NaN", "inf", "-infinity", "1e999", "x"] {
        assert!(f64::from_arg(bad).is_err(), "{bad}");
    }
}

#[test]
fn bools_durations_and_names() {
    for yes in ["yes", "TRUE", "on", "1", "y"] {
        assert!(bool::from_arg(yes).unwrap(), "{yes}");
    }
    for no in ["no", "False", "OFF", "0", "n"] {
        assert!(!bool::from_arg(no).unwrap(), "{no}");
    }
    assert!(bool::from_arg("maybe").is_err());
    assert_eq!(
        Duration::from_arg("1h30m").unwrap(),
        Duration::from_secs(5400)
    );
    assert_eq!(Duration::from_arg("10M").unwrap(), Duration::from_secs(600));
    assert!(Duration::from_arg("10").is_err());
    assert!(Duration::from_arg("soon").is_err());
    assert_eq!(UserName::from_arg("@a-b_C9").unwrap().as_str(), "a-b_C9");
    for bad in ["", "@", "a b", "x".repeat(21).as_str(), "ünï", "a.b"] {
        assert!(UserName::from_arg(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn optional_and_repeated_arguments_back_off() {
    let mut args = Args::new("bob 5");
    assert_eq!(Option::<u32>::from_args(&mut args).unwrap(), None);
    assert_eq!(String::from_args(&mut args).unwrap(), "bob");
    assert_eq!(Option::<u32>::from_args(&mut args).unwrap(), Some(5));
    assert_eq!(Option::<u32>::from_args(&mut args).unwrap(), None);

    let mut args = Args::new("1 2 3 rest of it");
    assert_eq!(Vec::<u8>::from_args(&mut args).unwrap(), [1, 2, 3]);
    assert_eq!(Rest::from_args(&mut args).unwrap().0, "rest of it");
    assert_eq!(
        Rest::from_args(&mut args).unwrap_err().problem(),
        &ArgProblem::Missing
    );
    assert_eq!(Option::<Rest>::from_args(&mut args).unwrap(), None);
}

#[test]
fn usage_fragments() {
    assert_eq!(<u8 as FromArgs>::usage("n"), "<n>");
    assert_eq!(Option::<u8>::usage("n"), "[n]");
    assert_eq!(Vec::<u8>::usage("n"), "[n...]");
    assert_eq!(Rest::usage("text"), "<text...>");
    assert_eq!(Option::<Rest>::usage("text"), "[text...]");
}

#[test]
fn finish_names_the_first_word_left_over() {
    let mut args = Args::new("1 2");
    let _ = u8::from_args(&mut args).unwrap();
    assert_eq!(args.finish().unwrap_err().to_string(), "unexpected \"2\"");
    let long = "x".repeat(100);
    let mut args = Args::new(&long);
    let shown = args.finish().unwrap_err().to_string();
    assert!(shown.chars().count() < 50, "{shown}");
}

fn read_all(text: &str) {
    let mut args = Args::new(text);
    let _ = Option::<u64>::from_args(&mut args);
    let _ = Vec::<f64>::from_args(&mut args);
    let _ = Option::<UserName>::from_args(&mut args);
    let _ = Duration::from_args(&mut args);
    let _ = bool::from_args(&mut args);
    let _ = i8::from_args(&mut args);
    let _ = String::from_args(&mut args);
    let _ = Option::<Rest>::from_args(&mut args);
    let _ = args.finish();
    let _ = words(text);
}

proptest! {
    #[test]
    fn no_input_makes_the_readers_panic(text in "\\PC{0,80}") {
        read_all(&text);
    }

    #[test]
    fn quote_heavy_input_never_panics(text in "[\"“”\\\\ a-z0-9]{0,40}") {
        read_all(&text);
    }

    #[test]
    fn unquoted_words_come_back_as_split_whitespace(text in "[a-z0-9 \t]{0,60}") {
        let expected: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        prop_assert_eq!(words(&text).unwrap(), expected);
    }

    #[test]
    fn integers_round_trip(n in any::<i64>()) {
        prop_assert_eq!(i64::from_arg(&n.to_string()).unwrap(), n);
    }
}
