//! The subscription index: a trie over pattern segments, so finding the
//! subscribers of a topic costs the topic's depth, not the number of
//! subscriptions.

mod children;

use children::Children;

use crate::{Pattern, Topic};

pub(crate) struct Trie<T> {
    root: Node<T>,
    len: usize,
}

struct Node<T> {
    literal: Children<Node<T>>,
    star: Option<Box<Node<T>>>,
    /// Entries whose pattern ends at this node.
    exact: Vec<T>,
    /// Entries whose pattern ends with `>` below this node.
    tail: Vec<T>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Self {
            literal: Children::default(),
            star: None,
            exact: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T> Node<T> {
    fn is_empty(&self) -> bool {
        self.exact.is_empty()
            && self.tail.is_empty()
            && self.literal.is_empty()
            && self.star.is_none()
    }
}

impl<T> Default for Trie<T> {
    fn default() -> Self {
        Self {
            root: Node::default(),
            len: 0,
        }
    }
}

impl<T> Trie<T> {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn insert(&mut self, pattern: &Pattern, entry: T) {
        let mut node = &mut self.root;
        for segment in pattern.segments() {
            node = match segment {
                ">" => {
                    node.tail.push(entry);
                    self.len += 1;
                    return;
                }
                "*" => node.star.get_or_insert_with(Box::default),
                literal => node.literal.get_or_default(literal),
            };
        }
        node.exact.push(entry);
        self.len += 1;
    }

    /// Removes the entries under `pattern` for which `is_it` holds, pruning
    /// nodes left empty. Returns how many were removed.
    pub(crate) fn remove(&mut self, pattern: &Pattern, is_it: impl Fn(&T) -> bool) -> usize {
        let segments: Vec<&str> = pattern.segments().collect();
        let removed = remove_in(&mut self.root, &segments, &is_it);
        self.len -= removed;
        removed
    }

    /// Calls `f` with every entry whose pattern matches `topic`.
    pub(crate) fn visit<'a>(&'a self, topic: &Topic, f: &mut impl FnMut(&'a T)) {
        visit_in(&self.root, topic.as_str(), f);
    }
}

fn remove_in<T>(node: &mut Node<T>, segments: &[&str], is_it: &impl Fn(&T) -> bool) -> usize {
    fn retain<T>(list: &mut Vec<T>, is_it: &impl Fn(&T) -> bool) -> usize {
        let before = list.len();
        list.retain(|e| !is_it(e));
        before - list.len()
    }
    let Some((first, rest)) = segments.split_first() else {
        return retain(&mut node.exact, is_it);
    };
    match *first {
        ">" => retain(&mut node.tail, is_it),
        "*" => {
            let Some(child) = node.star.as_deref_mut() else {
                return 0;
            };
            let removed = remove_in(child, rest, is_it);
            if child.is_empty() {
                node.star = None;
            }
            removed
        }
        literal => {
            let Some(child) = node.literal.get_mut(literal) else {
                return 0;
            };
            let removed = remove_in(child, rest, is_it);
            if child.is_empty() {
                node.literal.remove(literal);
            }
            removed
        }
    }
}

/// `rest` is the part of the topic not yet matched; never empty.
fn visit_in<'a, T>(node: &'a Node<T>, rest: &str, f: &mut impl FnMut(&'a T)) {
    node.tail.iter().for_each(&mut *f);
    let (segment, next) = match rest.bytes().position(|b| b == b'.') {
        Some(dot) => (&rest[..dot], Some(&rest[dot + 1..])),
        None => (rest, None),
    };
    let children = node
        .literal
        .get(segment)
        .into_iter()
        .chain(node.star.as_deref());
    for child in children {
        match next {
            Some(next) => visit_in(child, next, f),
            None => child.exact.iter().for_each(&mut *f),
        }
    }
}
