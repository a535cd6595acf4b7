//! Resolution of the handbook, actors, resources and facts, and the checks
//! that belong to them alone: required attributes (E0505), `members` only
//! on groups (E0504), duplicate variants, and cycles in the actor hierarchy
//! (E0105).

use super::model::{self, Capacity, FactType, Name};
use super::{Checker, Kind, name_list};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{self, ActorKind, AttrName, AttrValue};

/// The minutes of a duration attribute; of a range, its maximum (the
/// worst case the static schedule plans for).
pub(super) fn minutes_of(attr: Option<&&ast::Attribute>) -> Option<u32> {
    match attr.map(|a| &a.value) {
        Some(AttrValue::Duration(d)) => Some(d.minutes),
        Some(AttrValue::Range(r)) => Some(r.max.minutes),
        _ => None,
    }
}

/// The range of a ranged `takes` or `ready`.
pub(super) fn range_of(attr: Option<&&ast::Attribute>) -> Option<model::Range> {
    match attr.map(|a| &a.value) {
        Some(AttrValue::Range(r)) => Some(model::Range {
            min: r.min.minutes,
            mode: r.mode.map(|m| m.minutes),
            max: r.max.minutes,
        }),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    /// The name of an identifier.
    pub(super) fn name_of(&mut self, id: &ast::Ident) -> Name {
        let text = id.name(self.src);
        self.model.names.intern(text)
    }

    /// The name of a string literal's value.
    pub(super) fn string(&mut self, literal: &ast::StrLit) -> Name {
        let text = literal.value(self.src);
        self.model.names.intern(&text)
    }

    /// The label of a declaration: its own, or else its id.
    pub(super) fn label_of(&mut self, label: &Option<ast::StrLit>, id: &ast::Ident) -> Name {
        match label {
            Some(label) => self.string(label),
            None => self.name_of(id),
        }
    }

    /// The text of a doc comment.
    pub(super) fn doc_of(&mut self, doc: Option<ast::Doc>) -> Option<Name> {
        let text = doc?.text(self.src);
        Some(self.model.names.intern(&text))
    }

    /// The string value of a `note` or `version` attribute.
    pub(super) fn string_of(&mut self, attr: Option<&&ast::Attribute>) -> Option<Name> {
        match attr.map(|a| &a.value) {
            Some(AttrValue::Str(s)) => Some(self.string(s)),
            _ => None,
        }
    }

    pub(super) fn resolve_declarations(&mut self) {
        for i in 0..self.actors.len() {
            let actor = self.resolve_actor(self.actors[i]);
            self.model.actors.push(actor);
        }
        for i in 0..self.resources.len() {
            let resource = self.resolve_resource(self.resources[i]);
            self.model.resources.push(resource);
        }
        for i in 0..self.facts.len() {
            let fact = self.resolve_fact(self.facts[i]);
            self.model.facts.push(fact);
        }
        if let Some(h) = self.handbook {
            let attrs = self.unique_attrs(&h.attrs);
            let owner = match attrs.get(&AttrName::Owner).map(|a| &a.value) {
                Some(AttrValue::Name(id)) => self.resolve(id, Kind::Actor).index(),
                _ => None,
            };
            self.model.handbook = Some(model::Handbook {
                title: self.string(&h.title),
                version: self.string_of(attrs.get(&AttrName::Version)),
                owner,
                doc: self.doc_of(h.doc),
                note: self.string_of(attrs.get(&AttrName::Note)),
                span: h.span,
            });
        }
    }

    fn resolve_actor(&mut self, a: &'a ast::Actor) -> model::Actor {
        let attrs = self.unique_attrs(&a.attrs);
        let kind_attr = attrs.get(&AttrName::Kind).copied();
        let kind = match kind_attr.map(|k| &k.value) {
            Some(AttrValue::ActorKind(kind, _)) => Some(*kind),
            // An unknown kind word was reported as a syntax error.
            Some(_) => None,
            None => {
                self.push(missing(
                    self.src,
                    Kind::Actor,
                    &a.id,
                    "kind",
                    "add `kind member_state` (or institution, body, agency, service, office, \
                     group, role, external)",
                ));
                None
            }
        };
        let parent = match attrs.get(&AttrName::Parent).map(|p| &p.value) {
            Some(AttrValue::Name(id)) => self.resolve(id, Kind::Actor).index(),
            _ => None,
        };
        let mut members = Vec::new();
        if let Some(attr) = attrs.get(&AttrName::Members).copied() {
            if let (Some(kind), Some(kind_attr)) = (kind, kind_attr)
                && kind != ActorKind::Group
            {
                self.push(
                    Diagnostic::error(
                        Code::E0504,
                        format!(
                            "`members` is not allowed on actor `{}` of kind {}",
                            a.id.name(self.src),
                            kind.as_str()
                        ),
                        attr.name_span(),
                    )
                    .with_label("only a group has members")
                    .with_secondary(
                        kind_attr.span,
                        format!("`{}` is of kind {}", a.id.name(self.src), kind.as_str()),
                    )
                    .with_help(
                        "make it `kind group`, or name the organisational link with `parent`",
                    ),
                );
            }
            if let AttrValue::Names(ids) = &attr.value {
                let mut found = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(m) = self.resolve(id, Kind::Actor).index() {
                        found.push((m, id));
                    }
                }
                members = self.without_repeats(found, "members", Kind::Actor);
            }
        }
        model::Actor {
            id: self.name_of(&a.id),
            label: self.label_of(&a.label, &a.id),
            kind,
            parent,
            members,
            doc: self.doc_of(a.doc),
            note: self.string_of(attrs.get(&AttrName::Note)),
            span: a.span,
        }
    }

    fn resolve_resource(&mut self, r: &'a ast::Resource) -> model::Resource {
        let attrs = self.unique_attrs(&r.attrs);
        let provider = match attrs.get(&AttrName::Provider).map(|p| &p.value) {
            Some(AttrValue::Name(id)) => self.resolve(id, Kind::Actor).index(),
            _ => {
                self.push(missing(
                    self.src,
                    Kind::Resource,
                    &r.id,
                    "provider",
                    "add `provider ACTOR`: the actor that brings the resource",
                ));
                None
            }
        };
        let capacity = match attrs.get(&AttrName::Capacity).map(|c| &c.value) {
            Some(AttrValue::Capacity(c)) => Some(Capacity {
                amount: c.amount.value,
                unit: self.name_of(&c.unit),
            }),
            _ => None,
        };
        let kind = match attrs.get(&AttrName::Kind).map(|k| &k.value) {
            Some(AttrValue::Name(id)) => Some(self.name_of(id)),
            _ => None,
        };
        model::Resource {
            id: self.name_of(&r.id),
            label: self.label_of(&r.label, &r.id),
            kind,
            provider,
            capacity,
            ready_minutes: minutes_of(attrs.get(&AttrName::Ready)).unwrap_or(0),
            ready_range: range_of(attrs.get(&AttrName::Ready)),
            doc: self.doc_of(r.doc),
            note: self.string_of(attrs.get(&AttrName::Note)),
            span: r.span,
        }
    }

    fn resolve_fact(&mut self, f: &'a ast::Fact) -> model::Fact {
        let index = self.variants.len();
        let mut declared: Vec<&'a str> = Vec::new();
        let ty = match &f.ty {
            ast::FactType::Bool(_) => FactType::Bool,
            ast::FactType::Int(_) => FactType::Int,
            ast::FactType::Duration(_) => FactType::Duration,
            ast::FactType::Range { min, max, .. } => FactType::Range {
                min: min.value,
                max: max.value,
            },
            ast::FactType::Enum { variants, .. } => {
                let mut names: Vec<Name> = Vec::with_capacity(variants.len());
                let mut seen: std::collections::HashMap<&str, Span> =
                    std::collections::HashMap::new();
                for v in variants {
                    if let Some(first) = seen.get(v.name(self.src)) {
                        self.push(
                            Diagnostic::error(
                                Code::E0101,
                                format!(
                                    "variant `{}` of `{}` is declared twice",
                                    v.name(self.src),
                                    f.id.name(self.src)
                                ),
                                v.span,
                            )
                            .with_label("declared again here")
                            .with_secondary(*first, "first declared here")
                            .with_help("remove the repeated variant"),
                        );
                    } else {
                        seen.insert(v.name(self.src), v.span);
                        let name = self.name_of(v);
                        names.push(name);
                        declared.push(v.name(self.src));
                        self.variant_owners.entry(v.name(self.src)).or_insert(index);
                    }
                }
                FactType::Enum { variants: names }
            }
        };
        self.variant_sets.push(
            declared
                .iter()
                .copied()
                .collect::<std::collections::HashSet<&'a str>>(),
        );
        self.variants.push(declared);
        model::Fact {
            id: self.name_of(&f.id),
            doc: self.doc_of(f.doc),
            ty,
            span: f.span,
        }
    }

    /// Cycles through `parent`, and through `members`, each reported once
    /// (E0105). Both graphs are walked iteratively.
    pub(super) fn check_actor_cycles(&mut self) {
        let n = self.model.actors.len();
        // `parent`: at most one edge per actor.
        let parents: Vec<Vec<usize>> = self
            .model
            .actors
            .iter()
            .map(|a| a.parent.into_iter().collect())
            .collect();
        for cycle in cycles(&parents) {
            self.report_actor_cycle(&cycle, AttrName::Parent);
        }
        let members: Vec<Vec<usize>> = (0..n)
            .map(|i| self.model.actors[i].members.clone())
            .collect();
        for cycle in cycles(&members) {
            self.report_actor_cycle(&cycle, AttrName::Members);
        }
    }

    fn report_actor_cycle(&mut self, cycle: &[usize], via: AttrName) {
        let names: Vec<&str> = cycle
            .iter()
            .map(|&i| self.model.names.get(self.model.actors[i].id))
            .collect();
        let mut chain: Vec<&str> = names.iter().copied().take(10).collect();
        if names.len() > 10 {
            chain.push("…");
        }
        chain.push(names[0]);
        let chain = chain
            .iter()
            .map(|n| {
                if *n == "…" {
                    "…".to_owned()
                } else {
                    format!("`{n}`")
                }
            })
            .collect::<Vec<_>>()
            .join(" → ");
        // Point at the attribute of each actor that makes the cycle.
        let spans: Vec<Span> = cycle
            .iter()
            .map(|&i| {
                let actor = self.actors[i];
                actor
                    .attrs
                    .iter()
                    .find(|a| a.name == via)
                    .map_or(actor.id.span, |a| a.span)
            })
            .collect();
        let relation = match via {
            AttrName::Parent => "`parent`",
            _ => "`members`",
        };
        if names.len() == 1 {
            let (message, label) = match via {
                AttrName::Parent => (
                    format!("actor `{}` is its own parent", names[0]),
                    "an actor cannot be its own parent",
                ),
                _ => (
                    format!("group `{}` lists itself among its members", names[0]),
                    "a group cannot contain itself",
                ),
            };
            self.push(
                Diagnostic::error(Code::E0105, message, spans[0])
                    .with_label(label)
                    .with_help(format!("remove `{}` from its own {relation}", names[0])),
            );
            return;
        }
        let mut d = Diagnostic::error(
            Code::E0105,
            format!("cycle in the actor hierarchy through {relation}: {chain}"),
            spans[0],
        )
        .with_label(format!("`{}` is where the cycle starts", names[0]));
        for (k, span) in spans.iter().enumerate().skip(1).take(8) {
            d = d.with_secondary(*span, format!("`{}` continues it", names[k]));
        }
        if names.len() > 1 {
            d = d.with_note(format!(
                "the cycle has {} actors: {}",
                names.len(),
                name_list(names.iter().copied(), 10)
            ));
        }
        self.push(d.with_help(match via {
            AttrName::Parent => "an actor cannot be its own ancestor: remove one `parent` link",
            _ => "a group cannot contain itself: remove one of the `members`",
        }));
    }
}

/// E0505: a required attribute is missing.
fn missing(
    src: &SourceMap,
    kind: Kind,
    id: &ast::Ident,
    attribute: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::error(
        Code::E0505,
        format!("{} `{}` has no `{attribute}`", kind.word(), id.name(src)),
        id.span,
    )
    .with_label(format!("`{attribute}` is required"))
    .with_help(help.to_owned())
}

/// How many cycles of one relation are reported at most.
const MAX_CYCLES: usize = 20;

/// The cycles of a directed graph, each once (at most [`MAX_CYCLES`]), as found by an iterative
/// depth-first search: each cycle starts at the node where the search
/// entered it and follows the edges.
pub(super) fn cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    // 0: not seen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    let mut on_stack_at = vec![0usize; n];
    let mut found = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        // (node, next edge to follow)
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        on_stack_at[root] = 0;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let Some(&to) = edges[node].get(top.1) else {
                state[node] = 2;
                stack.pop();
                continue;
            };
            top.1 += 1;
            if to >= n {
                continue;
            }
            match state[to] {
                0 => {
                    state[to] = 1;
                    on_stack_at[to] = stack.len();
                    stack.push((to, 0));
                }
                // A back edge closes a cycle. Past a few, more would only
                // repeat the same mistake (and cost quadratic time).
                1 if found.len() < MAX_CYCLES => {
                    found.push(stack[on_stack_at[to]..].iter().map(|&(v, _)| v).collect());
                }
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::cycles;

    #[test]
    fn cycles_are_found_without_recursion() {
        assert_eq!(cycles(&[vec![1], vec![2], vec![0]]), vec![vec![0, 1, 2]]);
        assert_eq!(cycles(&[vec![0]]), vec![vec![0]]);
        assert!(cycles(&[vec![1], vec![], vec![1]]).is_empty());
        // A 20,000-long parent chain closed into a cycle.
        let n = 20_000;
        let chain: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        assert_eq!(cycles(&chain)[0].len(), n);
    }
}
