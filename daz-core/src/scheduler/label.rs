//! Task labels (owner and name), interned: the tasks of one owner under one
//! name share one allocation, and a task holds a single pointer to it.

use std::collections::HashMap;
use std::sync::Arc;

/// Who owns a task and what it is called.
pub(super) struct Label {
    /// Shared by every label of the owner, so ticks can be batched by owner
    /// with a pointer comparison.
    pub(super) owner: Arc<str>,
    pub(super) name: Arc<str>,
}

/// One owner's labels, by name.
struct Names {
    owner: Arc<str>,
    by_name: HashMap<Arc<str>, Arc<Label>>,
}

/// The labels in use. Labels no task holds any more are pruned as the
/// table grows, so a module naming every task differently (one per
/// reminder, say) does not grow it without bound.
pub(super) struct Labels {
    owners: HashMap<Arc<str>, Names>,
    count: usize,
    /// Prune when `count` reaches this.
    prune_at: usize,
    /// The label given out last: tasks tend to come in runs.
    last: Option<Arc<Label>>,
}

/// The fewest labels worth pruning.
const PRUNE_FLOOR: usize = 1024;

impl Labels {
    pub(super) fn new() -> Self {
        Self {
            owners: HashMap::new(),
            count: 0,
            prune_at: PRUNE_FLOOR,
            last: None,
        }
    }

    /// The label for `owner` and `name`, shared with any task holding it.
    pub(super) fn get(&mut self, owner: &str, name: &str) -> Arc<Label> {
        if let Some(last) = &self.last
            && &*last.owner == owner
            && &*last.name == name
        {
            return Arc::clone(last);
        }
        if self.count >= self.prune_at {
            self.prune();
        }
        if !self.owners.contains_key(owner) {
            let owner: Arc<str> = Arc::from(owner);
            let names = Names {
                owner: Arc::clone(&owner),
                by_name: HashMap::new(),
            };
            self.owners.insert(owner, names);
        }
        let Some(names) = self.owners.get_mut(owner) else {
            // Inserted just above; a label of its own would do regardless.
            return Arc::new(Label {
                owner: Arc::from(owner),
                name: Arc::from(name),
            });
        };
        let label = match names.by_name.get(name) {
            Some(label) => Arc::clone(label),
            None => {
                let label = Arc::new(Label {
                    owner: Arc::clone(&names.owner),
                    name: Arc::from(name),
                });
                names
                    .by_name
                    .insert(Arc::clone(&label.name), Arc::clone(&label));
                self.count += 1;
                label
            }
        };
        self.last = Some(Arc::clone(&label));
        label
    }

    /// Drops the labels only the table holds.
    fn prune(&mut self) {
        for names in self.owners.values_mut() {
            names
                .by_name
                .retain(|_, label| Arc::strong_count(label) > 1);
        }
        self.owners.retain(|_, names| !names.by_name.is_empty());
        self.count = self.owners.values().map(|n| n.by_name.len()).sum();
        self.prune_at = (self.count * 2).max(PRUNE_FLOOR);
    }

    /// Labels in the table (some may be unused until the next prune).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests;
