//! Dependency order: which modules start first, and who depends on whom.

use std::collections::{BTreeSet, HashMap};

use crate::{Error, Manifest, Result};

/// The name the runtime's own control inbox uses.
pub(crate) const CONTROL_INBOX: &str = "daz";

#[derive(Debug)]
pub(crate) struct Graph {
    /// Start order: every module after the modules it requires; otherwise
    /// in the order they were added.
    pub(crate) order: Vec<usize>,
    pub(crate) requires: Vec<Vec<usize>>,
    pub(crate) dependents: Vec<Vec<usize>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Visiting,
    Done,
}

pub(crate) fn resolve(manifests: &[Manifest]) -> Result<Graph> {
    let mut index = HashMap::new();
    for (i, m) in manifests.iter().enumerate() {
        crate::module::check_name(m.name())?;
        if index.insert(m.name(), i).is_some() {
            return Err(Error::DuplicateModule {
                name: m.name().to_owned(),
            });
        }
    }
    let mut requires = Vec::with_capacity(manifests.len());
    for m in manifests {
        let mut needs = Vec::new();
        for name in m.requires() {
            let Some(&j) = index.get(name.as_str()) else {
                return Err(Error::MissingDependency {
                    module: m.name().to_owned(),
                    missing: name.clone(),
                });
            };
            if !needs.contains(&j) {
                needs.push(j);
            }
        }
        requires.push(needs);
    }
    let mut dependents = vec![Vec::new(); manifests.len()];
    for (i, needs) in requires.iter().enumerate() {
        for &j in needs {
            dependents[j].push(i);
        }
    }
    let mut marks = vec![Mark::New; manifests.len()];
    let mut path = Vec::new();
    for i in 0..manifests.len() {
        visit(i, &requires, &mut marks, &mut path, manifests)?;
    }
    let order = start_order(&requires, &dependents);
    Ok(Graph {
        order,
        requires,
        dependents,
    })
}

/// Kahn's algorithm, always taking the earliest-added module that is
/// ready, so independent modules keep the order they were added in.
fn start_order(requires: &[Vec<usize>], dependents: &[Vec<usize>]) -> Vec<usize> {
    let mut waiting: Vec<usize> = requires.iter().map(Vec::len).collect();
    let mut ready: BTreeSet<usize> = (0..requires.len()).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(requires.len());
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.insert(d);
            }
        }
    }
    order
}

/// Depth-first search that names the first cycle it finds.
fn visit(
    i: usize,
    requires: &[Vec<usize>],
    marks: &mut [Mark],
    path: &mut Vec<usize>,
    manifests: &[Manifest],
) -> Result<()> {
    match marks[i] {
        Mark::Done => return Ok(()),
        Mark::Visiting => {
            let start = path.iter().position(|&p| p == i).unwrap_or(0);
            let mut cycle: Vec<String> = path[start..]
                .iter()
                .map(|&p| manifests[p].name().to_owned())
                .collect();
            cycle.push(manifests[i].name().to_owned());
            return Err(Error::DependencyCycle { cycle });
        }
        Mark::New => {}
    }
    marks[i] = Mark::Visiting;
    path.push(i);
    for &j in &requires[i] {
        visit(j, requires, marks, path, manifests)?;
    }
    path.pop();
    marks[i] = Mark::Done;
    Ok(())
}

#[cfg(test)]
mod tests;
