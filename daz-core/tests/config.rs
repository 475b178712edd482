//! Configuration: formats, layering, typed sections and their errors,
//! secrets, and the reference file.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::Write;
use std::time::Duration;

use daz_core::{
    Bot, BusConfig, Config, Context, Error, Format, Module, ModuleResult, RuntimeConfig, Secret,
};
use serde::Deserialize;

/// A module's typed config.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct GreeterConfig {
    /// Required: no default.
    greeting: String,
    #[serde(default = "default_cooldown", with = "daz_core::duration_serde")]
    cooldown: Duration,
    #[serde(default)]
    password: Secret,
}

fn default_cooldown() -> Duration {
    Duration::from_secs(60)
}

/// Greets.
#[derive(daz_core::Module)]
#[module(name = "greeter", config = GreeterConfig)]
struct Greeter;

#[daz_core::async_trait]
impl Module for Greeter {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let config: GreeterConfig = ctx.config()?;
        tracing::info!(?config, "greeter configured");
        Ok(())
    }
}

/// Takes no configuration.
#[derive(daz_core::Module)]
#[module(name = "plain")]
struct Plain;

#[daz_core::async_trait]
impl Module for Plain {}

const TOML: &str = r#"
[runtime]
shutdown_timeout = "5s"

[greeter]
greeting = "hello {user}"
cooldown = "2m"
password = "hunter2"
"#;

fn file(name: &str, text: &str) -> (tempdir::Dir, std::path::PathBuf) {
    let dir = tempdir::Dir::new();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    (dir, path)
}

/// A throwaway directory, removed on drop.
mod tempdir {
    pub(crate) struct Dir(std::path::PathBuf);

    impl Dir {
        pub(crate) fn new() -> Self {
            let path = std::env::temp_dir().join(format!(
                "daz-config-test-{}-{}",
                std::process::id(),
                daz_core::EventId::next()
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        pub(crate) fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn the_three_formats_read_the_same() {
    let yaml = "runtime:\n  shutdown_timeout: 5s\ngreeter:\n  greeting: \"hello {user}\"\n  cooldown: 2m\n  password: hunter2\n";
    let json = r#"{"runtime": {"shutdown_timeout": "5s"}, "greeter": {"greeting": "hello {user}", "cooldown": "2m", "password": "hunter2"}}"#;
    for (text, format) in [
        (TOML, Format::Toml),
        (yaml, Format::Yaml),
        (json, Format::Json),
    ] {
        let config = Config::parse(text, format).unwrap();
        let greeter: GreeterConfig = config.section("greeter").unwrap();
        assert_eq!(greeter.greeting, "hello {user}", "{format:?}");
        assert_eq!(greeter.cooldown, Duration::from_secs(120), "{format:?}");
        assert_eq!(greeter.password.expose(), "hunter2", "{format:?}");
        let runtime: RuntimeConfig = config.section("runtime").unwrap();
        assert_eq!(runtime.shutdown_timeout, Duration::from_secs(5));
    }
}

#[test]
fn files_load_by_extension_with_the_environment_on_top() {
    let (_dir, path) = file("daz.toml", TOML);
    let config = Config::load(&path).unwrap();
    assert_eq!(config.path(), Some(path.as_path()));
    let config = config
        .with_env([
            ("DAZ_GREETER__COOLDOWN", "10s"),
            ("DAZ_RUNTIME__RESTART__MAX_FAILURES", "3"),
            ("DAZ_TEST_POSTGRES_URL", "postgres://ignored"),
            ("PATH", "/usr/bin"),
        ])
        .unwrap();
    let greeter: GreeterConfig = config.section("greeter").unwrap();
    assert_eq!(greeter.cooldown, Duration::from_secs(10));
    assert_eq!(
        greeter.greeting, "hello {user}",
        "the file's other keys stay"
    );
    let runtime: RuntimeConfig = config.section("runtime").unwrap();
    assert_eq!(
        (runtime.restart.max_failures, runtime.shutdown_timeout),
        (3, Duration::from_secs(5))
    );

    let (_dir, bad) = file("daz.ini", "x");
    assert!(matches!(Config::load(&bad), Err(Error::ConfigFile { .. })));
    let err = Config::load("/nonexistent/daz.toml").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/daz.toml"), "{err}");
}

#[test]
fn bad_values_name_the_key_path_the_origin_and_the_expectation() {
    let (_dir, path) = file("bot.toml", "[greeter]\ngreeting = 5\n");
    let config = Config::load(&path).unwrap();
    let err = config.section::<GreeterConfig>("greeter").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`greeter.greeting`"), "{text}");
    assert!(text.contains("bot.toml"), "{text}");
    assert!(text.contains("expected a string"), "{text}");

    let config = Config::parse("[greeter]\n", Format::Toml).unwrap();
    let err = config.section::<GreeterConfig>("greeter").unwrap_err();
    assert!(
        err.to_string().contains("missing field `greeting`"),
        "{err}"
    );

    let config =
        Config::parse("[greeter]\ngreeting = \"hi\"\ngretting = 1\n", Format::Toml).unwrap();
    let err = config.section::<GreeterConfig>("greeter").unwrap_err();
    assert!(
        err.to_string().contains("unknown field `gretting`"),
        "{err}"
    );

    let config = Config::parse("[greeter]\ngreeting = \"hi\"\n", Format::Toml)
        .unwrap()
        .with_env([("DAZ_GREETER__COOLDOWN", "soon")])
        .unwrap();
    let err = config.section::<GreeterConfig>("greeter").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("from DAZ_GREETER__COOLDOWN"), "{text}");
    assert!(text.contains("`greeter.cooldown`"), "{text}");

    let err = Config::parse(
        "[runtime]\nshutdown_timeout = \"5s\"\n[runtime.restart]\nmax_failures = -1\n",
        Format::Toml,
    )
    .unwrap()
    .section::<RuntimeConfig>("runtime")
    .unwrap_err();
    assert!(
        err.to_string().contains("`runtime.restart.max_failures`"),
        "{err}"
    );

    let err = Config::parse("greeting = 1\n", Format::Toml).unwrap_err();
    assert!(err.to_string().contains("must be a section"), "{err}");
    let err = Config::parse("[greeter\n", Format::Toml).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn the_bot_checks_every_section_when_built() {
    let build = |text: &str| {
        Bot::builder()
            .config(Config::parse(text, Format::Toml).unwrap())
            .module(Greeter)
            .module(Plain)
            .build()
    };
    assert!(build(TOML).is_ok());
    let err = build("[greeter]\ngreeting = 1\n").unwrap_err();
    assert!(err.to_string().contains("`greeter.greeting`"), "{err}");
    let err = build("[greeter]\ngreeting = \"x\"\n[greter]\n").unwrap_err();
    assert!(err.to_string().contains("unknown section"), "{err}");
    assert!(
        err.to_string().contains("greeter"),
        "lists what is known: {err}"
    );
    let err = build("[greeter]\ngreeting = \"x\"\n[plain]\nx = 1\n").unwrap_err();
    assert!(err.to_string().contains("takes no configuration"), "{err}");
    let err = build("[greeter]\ngreeting = \"x\"\n[runtime.restart]\njitter = 2.0\n").unwrap_err();
    assert!(err.to_string().contains("runtime.restart.jitter"), "{err}");
    let err = build("[greeter]\ngreeting = \"x\"\n[bus]\ndefault_capacity = 0\n").unwrap_err();
    assert!(err.to_string().contains("bus.default_capacity"), "{err}");
}

#[test]
fn secrets_never_print() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret} {secret:?}"), "<redacted> <redacted>");
    assert_eq!(serde_json::to_string(&secret).unwrap(), "\"<redacted>\"");
    let config: GreeterConfig = Config::parse(TOML, Format::Toml)
        .unwrap()
        .section("greeter")
        .unwrap();
    assert!(!format!("{config:?}").contains("hunter2"));
    let numeric = Config::parse("[greeter]\ngreeting = \"x\"\n", Format::Toml)
        .unwrap()
        .with_env([("DAZ_GREETER__PASSWORD", "12345")])
        .unwrap();
    let config: GreeterConfig = numeric.section("greeter").unwrap();
    assert_eq!(config.password.expose(), "12345");
}

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_configured_password_never_reaches_the_log() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let config = Config::parse(TOML, Format::Toml).unwrap();
    tracing::info!(?config, "loaded");
    let bot = Bot::builder()
        .config(config)
        .module(Greeter)
        .build()
        .unwrap();
    let handle = bot.handle();
    let bus = bot.bus().clone();
    let mut lifecycle = bus
        .subscribe(
            daz_core::Pattern::new("daz.lifecycle.greeter").unwrap(),
            daz_core::SubscribeOptions::new(),
        )
        .unwrap();
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    loop {
        let event = lifecycle.recv().await.unwrap();
        if event.payload::<daz_core::Lifecycle>().unwrap().state == daz_core::ModuleState::Running {
            break;
        }
    }
    handle.stop();
    run.await.unwrap().unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("greeter configured"),
        "the module logged its config: {log}"
    );
    assert!(log.contains("<redacted>"), "{log}");
    assert!(!log.contains("hunter2"), "the password leaked: {log}");
}

#[test]
fn the_reference_file_parses_to_the_defaults() {
    let text = include_str!("../reference.toml");
    let config = Config::parse(text, Format::Toml).unwrap();
    config.check_sections([]).unwrap();
    let runtime: RuntimeConfig = config.section("runtime").unwrap();
    assert_eq!(runtime, RuntimeConfig::default());
    let bus: BusConfig = config.section("bus").unwrap();
    assert_eq!(bus, BusConfig::default());
    assert_eq!(
        config.sections().collect::<Vec<_>>(),
        ["bus", "runtime"],
        "every core section is documented"
    );
}
