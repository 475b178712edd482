use daz_core::testing::CapturedLogs;

use super::*;

fn settings(toml: &str) -> LogSettings {
    let value: toml::Value = toml::from_str(toml).unwrap();
    serde_json::from_value(serde_json::to_value(value).unwrap()).unwrap()
}

#[test]
fn a_module_can_have_its_own_level() {
    let filter = settings("level = \"warn\"\n[modules]\neconomy = \"debug\"\n")
        .filter()
        .unwrap();
    let lines = CapturedLogs::new();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer({
            let lines = lines.clone();
            move || lines.clone()
        })
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info_span!("event", module = "economy").in_scope(|| {
            tracing::debug!("economy detail");
        });
        tracing::info_span!("event", module = "economy2").in_scope(|| {
            tracing::debug!("economy2 detail");
        });
        tracing::info_span!("event", module = "seen").in_scope(|| {
            tracing::debug!("seen detail");
            tracing::warn!("seen warning");
        });
        tracing::info!("plain info");
    });
    let text = lines.text();
    assert!(text.contains("economy detail"), "{text}");
    assert!(text.contains("seen warning"), "{text}");
    for hidden in ["economy2 detail", "seen detail", "plain info"] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
    }
}

#[test]
fn bad_settings_are_named() {
    let bad = |toml: &str| settings(toml).filter().unwrap_err();
    assert!(bad("level = \"loud\"").contains("level = \"loud\""));
    assert!(bad("[modules]\neconomy = \"verbose\"").contains("modules.economy"));
    assert!(bad("[modules]\n\"a,b\" = \"debug\"").contains("not a module name"));
    let unknown = serde_json::from_value::<LogSettings>(serde_json::json!({"colour": true}));
    assert!(unknown.unwrap_err().to_string().contains("colour"));
}
