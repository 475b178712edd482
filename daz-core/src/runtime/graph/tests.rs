use super::*;

fn m(name: &str, requires: &[&str]) -> Manifest {
    Manifest::builder(name)
        .requires(requires.iter().copied())
        .build()
        .unwrap()
}

fn names(ms: &[Manifest], order: &[usize]) -> Vec<String> {
    order.iter().map(|&i| ms[i].name().to_owned()).collect()
}

#[test]
fn requirements_come_first_otherwise_registration_order() {
    let ms = [
        m("econ", &["sql", "cytube"]),
        m("cytube", &[]),
        m("sql", &[]),
        m("log", &[]),
    ];
    let g = resolve(&ms).unwrap();
    assert_eq!(names(&ms, &g.order), ["cytube", "sql", "econ", "log"]);
    assert_eq!(g.dependents[1], [0]);
}

#[test]
fn a_cycle_is_named_whole() {
    let ms = [m("a", &["b"]), m("b", &["c"]), m("c", &["a"]), m("d", &[])];
    let err = resolve(&ms).unwrap_err();
    assert_eq!(
        err.to_string(),
        "modules require each other in a cycle: a -> b -> c -> a"
    );
    let ms = [m("self", &["self"])];
    assert!(
        matches!(resolve(&ms), Err(Error::DependencyCycle { cycle }) if cycle == ["self", "self"])
    );
}

#[test]
fn missing_duplicate_and_reserved_names_are_errors() {
    let err = resolve(&[m("econ", &["sql"])]).unwrap_err();
    assert!(
        matches!(err, Error::MissingDependency { ref module, ref missing } if module == "econ" && missing == "sql")
    );
    let err = resolve(&[m("a", &[]), m("a", &[])]).unwrap_err();
    assert!(matches!(err, Error::DuplicateModule { ref name } if name == "a"));
    for reserved in ["daz", "core", "Schema", "chat", "user", "media"] {
        let err = Manifest::builder(reserved).build().unwrap_err();
        assert!(err.to_string().contains("reserved"), "{err}");
        let unchecked = Manifest::builder(reserved).into_unchecked();
        let err = resolve(&[unchecked]).unwrap_err();
        assert!(err.to_string().contains("reserved"), "{err}");
    }
    assert!(Manifest::builder("core_stats").build().is_ok());
}
