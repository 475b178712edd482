use std::sync::Arc;

use super::{Labels, PRUNE_FLOOR};

#[test]
fn one_owner_and_name_share_one_label() {
    let mut labels = Labels::new();
    let a = labels.get("remind", "alice");
    let b = labels.get("remind", "bob");
    let a2 = labels.get("remind", "alice");
    let other = labels.get("greet", "alice");
    assert!(Arc::ptr_eq(&a, &a2));
    assert!(!Arc::ptr_eq(&a, &b));
    // Labels of one owner share the owner's text, so ticks batch by pointer.
    assert!(Arc::ptr_eq(&a.owner, &b.owner));
    assert_eq!((&*other.owner, &*other.name), ("greet", "alice"));
    assert_eq!(labels.len(), 3);
}

#[test]
fn labels_no_task_holds_are_pruned_as_the_table_grows() {
    let mut labels = Labels::new();
    let kept: Vec<_> = (0..10)
        .map(|i| labels.get("remind", &format!("kept-{i}")))
        .collect();
    // A module naming every task differently, each task done at once.
    for i in 0..(PRUNE_FLOOR * 10) {
        drop(labels.get("remind", &format!("once-{i}")));
    }
    assert!(labels.len() <= PRUNE_FLOOR + 1, "{} labels", labels.len());
    // Labels still held survive, and are still the shared ones.
    for (i, label) in kept.iter().enumerate() {
        assert!(Arc::ptr_eq(
            label,
            &labels.get("remind", &format!("kept-{i}"))
        ));
    }
}
