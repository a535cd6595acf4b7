//! The checker: resolves names, applies the trigger rule, types conditions,
//! computes schedules and checks resources (docs/reference.md#meaning). It
//! reports every problem at once and never prints; when there is no error it
//! also hands out the checked [`Model`] that the plan is built from.
//!
//! No cascades: a reference that cannot be resolved is reported once, and
//! every rule that would depend on it stays silent.

mod conditions;
pub mod model;
pub mod names;
mod procedures;
mod resolve;
mod resources;
mod scenarios;
pub mod schedule;

use std::borrow::Cow;
use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceMap, Span};
use crate::suggest::Candidates;
use crate::syntax::ast::{self, AttrName, Attribute, Ident};
use crate::syntax::literal::format_readable;

pub use model::Model;

/// The result of checking one compilation.
#[derive(Debug, Default)]
pub struct Checked {
    /// Present when there is no error (warnings allowed).
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks the files of one compilation, in output order (entry first).
/// `complete` is false when a file of the compilation could not be parsed:
/// names it declares are unknown, so "undefined" and "never used" are not
/// reported.
///
/// A tree given owned is consumed as it is checked: the body of each
/// procedure (its attributes, triggers and steps, most of a handbook's
/// tree) is freed as soon as its model is built, so that the tree and the
/// model of a large handbook are not both kept whole. A borrowed tree is
/// left as it is (an editor keeps it for navigation); the diagnostics and
/// the model are the same either way.
pub fn check(sources: &SourceMap, files: Vec<Cow<'_, ast::File>>, complete: bool) -> Checked {
    run(sources, files, complete, true)
}

/// The diagnostics of [`check`], without the model: each procedure's model
/// is dropped as soon as it is checked, so that a large handbook's model
/// never exists whole. This is what `muster check` needs.
pub fn check_findings(
    sources: &SourceMap,
    files: Vec<Cow<'_, ast::File>>,
    complete: bool,
) -> Vec<Diagnostic> {
    run(sources, files, complete, false).diagnostics
}

fn run(
    sources: &SourceMap,
    mut files: Vec<Cow<'_, ast::File>>,
    complete: bool,
    keep_model: bool,
) -> Checked {
    // The bodies of the owned trees' procedures, in declaration order
    // (`None` for a procedure of a borrowed tree, whose body stays there).
    let mut bodies: Vec<Option<Vec<ast::ProcedureItem>>> = Vec::new();
    for file in &mut files {
        match file {
            Cow::Owned(file) => {
                for decl in &mut file.declarations {
                    if let ast::Declaration::Procedure(p) = decl {
                        bodies.push(Some(std::mem::take(&mut p.items)));
                    }
                }
            }
            Cow::Borrowed(file) => {
                let count = file
                    .declarations
                    .iter()
                    .filter(|d| matches!(d, ast::Declaration::Procedure(_)))
                    .count();
                bodies.extend(std::iter::repeat_with(|| None).take(count));
            }
        }
    }
    let trees: Vec<&ast::File> = files.iter().map(|f| &**f).collect();
    let mut checker = Checker {
        complete,
        src: sources,
        diagnostics: Default::default(),
        names: Default::default(),
        handbook: Default::default(),
        actors: Default::default(),
        resources: Default::default(),
        facts: Default::default(),
        procedures: Default::default(),
        scenarios: Default::default(),
        used_actors: Default::default(),
        used_resources: Default::default(),
        used_facts: Default::default(),
        contested: Default::default(),
        refused: Default::default(),
        candidates: Default::default(),
        step_homes: Default::default(),
        variants: Default::default(),
        variant_sets: Default::default(),
        variant_owners: Default::default(),
        variant_candidates: Default::default(),
        bodies: Default::default(),
        activated_by: Default::default(),
        step_ids: Default::default(),
        keep_model,
        model: Default::default(),
    };
    checker.collect(&trees, bodies);
    checker.resolve_declarations();
    checker.check_procedures();
    checker.check_scenarios();
    checker.check_actor_cycles();
    checker.report_unused();
    let Checker {
        diagnostics, model, ..
    } = checker;
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        model: (!has_errors && keep_model).then_some(model),
        diagnostics,
    }
}

/// The kinds of name in the top-level namespace and in a procedure's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Actor,
    Resource,
    Fact,
    Procedure,
    Trigger,
    Step,
    Scenario,
    Incident,
    Inject,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Resource => "resource",
            Kind::Fact => "fact",
            Kind::Procedure => "procedure",
            Kind::Trigger => "trigger",
            Kind::Step => "step",
            Kind::Scenario => "scenario",
            Kind::Incident => "incident",
            Kind::Inject => "inject",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            Kind::Actor => "an actor",
            Kind::Resource => "a resource",
            Kind::Fact => "a fact",
            Kind::Procedure => "a procedure",
            Kind::Trigger => "a trigger",
            Kind::Step => "a step",
            Kind::Scenario => "a scenario",
            Kind::Incident => "an incident",
            Kind::Inject => "an inject",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Symbol {
    kind: Kind,
    index: usize,
    span: Span,
}

/// A reference as resolved: absent, written but unresolvable (already
/// reported), or found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ref {
    Absent,
    Broken,
    Found(usize, Span),
}

impl Ref {
    fn index(self) -> Option<usize> {
        match self {
            Ref::Found(i, _) => Some(i),
            _ => None,
        }
    }

    /// This reference, or `fallback` when it is absent.
    fn or(self, fallback: Ref) -> Ref {
        match self {
            Ref::Absent => fallback,
            other => other,
        }
    }
}

struct Checker<'a> {
    complete: bool,
    /// The texts of the files: names and labels are read from them.
    src: &'a SourceMap,
    diagnostics: Vec<Diagnostic>,
    /// Top-level names. Only looked up, never iterated into output.
    names: HashMap<&'a str, Symbol>,
    handbook: Option<&'a ast::Handbook>,
    actors: Vec<&'a ast::Actor>,
    resources: Vec<&'a ast::Resource>,
    facts: Vec<&'a ast::Fact>,
    procedures: Vec<&'a ast::Procedure>,
    scenarios: Vec<&'a ast::Scenario>,
    /// Whether each actor, resource and fact is referenced.
    used_actors: Vec<bool>,
    used_resources: Vec<bool>,
    used_facts: Vec<bool>,
    /// Names declared with two kinds (E0101): using one with the "wrong"
    /// kind is no new mistake.
    contested: std::collections::HashSet<&'a str>,
    /// The attributes of declarations refused as duplicates: what they
    /// reference still counts as used.
    refused: Vec<&'a [Attribute]>,
    /// The names of each top-level kind (actor, resource, fact,
    /// procedure), indexed for "did you mean" when first needed.
    candidates: [Option<Candidates<'a>>; 4],
    /// For each step name, the first two procedures that declare a step of
    /// that name (for E0102 in `after`), built when first needed.
    step_homes: Option<HashMap<&'a str, (usize, Option<usize>)>>,
    /// The variants of each enumeration fact (empty for other facts), as
    /// declared, without repeats.
    variants: Vec<Vec<&'a str>>,
    /// The same, as sets, for typing `==` and `in` against them.
    variant_sets: Vec<std::collections::HashSet<&'a str>>,
    /// For each variant name, the first enumeration fact that has it.
    variant_owners: HashMap<&'a str, usize>,
    /// The variants of an enumeration indexed for "did you mean", per fact,
    /// when first needed.
    variant_candidates: std::collections::BTreeMap<usize, Candidates<'a>>,
    /// The body of each procedure of an owned tree, indexed like
    /// `procedures` (whose entry is then the procedure without its items);
    /// taken and freed when the procedure is resolved.
    bodies: Vec<Option<Vec<ast::ProcedureItem>>>,
    /// For each procedure, the first step that activates it, with where
    /// the `activates` entry is written: (procedure, step, span).
    activated_by: Vec<Option<(usize, usize, Span)>>,
    /// The id of each step of each procedure resolved so far, in the
    /// model's order, for what needs other procedures' steps by name.
    step_ids: Vec<Box<[Span]>>,
    /// Whether the procedures join the model, or are dropped once checked
    /// ([`check_findings`]).
    keep_model: bool,
    model: Model,
}

impl<'a> Checker<'a> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Registers every top-level declaration; reports duplicates (E0101).
    fn collect(
        &mut self,
        files: &[&'a ast::File],
        mut bodies: Vec<Option<Vec<ast::ProcedureItem>>>,
    ) {
        // The bodies of owned procedures refused as duplicates: what they
        // reference is marked used below, then they are freed.
        let mut refused_bodies: Vec<Vec<ast::ProcedureItem>> = Vec::new();
        let mut next_body = 0;
        for file in files {
            for decl in &file.declarations {
                match decl {
                    ast::Declaration::Handbook(h) => match self.handbook {
                        None => self.handbook = Some(h),
                        Some(first) => {
                            self.refused.push(&h.attrs);
                            let keyword = h.span.with_end(h.span.start() + 8);
                            let first_keyword = first.span.with_end(first.span.start() + 8);
                            self.push(
                                Diagnostic::error(Code::E0101, "a second `handbook`", keyword)
                                    .with_label("second handbook")
                                    .with_secondary(first_keyword, "the handbook is declared here")
                                    .with_help(
                                        "a compilation has at most one handbook: merge the two",
                                    ),
                            );
                        }
                    },
                    ast::Declaration::Use(_) => {}
                    ast::Declaration::Scenario(sc) => {
                        if self.declare(&sc.id, Kind::Scenario, self.scenarios.len()) {
                            self.scenarios.push(sc);
                        } else {
                            for item in &sc.items {
                                match item {
                                    ast::ScenarioItem::Attribute(a) => {
                                        self.refused.push(std::slice::from_ref(a))
                                    }
                                    ast::ScenarioItem::Incident(i) => self.refused.push(&i.attrs),
                                    ast::ScenarioItem::Inject(i) => self.refused.push(&i.attrs),
                                    ast::ScenarioItem::Expect(_) => {}
                                }
                            }
                        }
                    }
                    ast::Declaration::Actor(a) => {
                        if self.declare(&a.id, Kind::Actor, self.actors.len()) {
                            self.actors.push(a);
                        } else {
                            self.refused.push(&a.attrs);
                        }
                    }
                    ast::Declaration::Resource(r) => {
                        if self.declare(&r.id, Kind::Resource, self.resources.len()) {
                            self.resources.push(r);
                        } else {
                            self.refused.push(&r.attrs);
                        }
                    }
                    ast::Declaration::Fact(f) => {
                        if self.declare(&f.id, Kind::Fact, self.facts.len()) {
                            self.facts.push(f);
                        }
                    }
                    ast::Declaration::Procedure(p) => {
                        let body = bodies.get_mut(next_body).and_then(Option::take);
                        next_body += 1;
                        if self.declare(&p.id, Kind::Procedure, self.procedures.len()) {
                            self.procedures.push(p);
                            self.bodies.push(body);
                        } else if let Some(body) = body {
                            refused_bodies.push(body);
                        } else {
                            self.refused
                                .extend(p.items.iter().map(ast::ProcedureItem::attrs));
                        }
                    }
                }
            }
        }
        self.used_actors = vec![false; self.actors.len()];
        self.used_resources = vec![false; self.resources.len()];
        self.used_facts = vec![false; self.facts.len()];
        for attrs in std::mem::take(&mut self.refused) {
            self.mark_references(attrs);
        }
        for body in &refused_bodies {
            self.mark_references(body.iter().flat_map(ast::ProcedureItem::attrs));
        }
        self.activated_by = vec![None; self.procedures.len()];
    }

    /// Adds a top-level name; false (and E0101) when it is taken.
    fn declare(&mut self, id: &'a Ident, kind: Kind, index: usize) -> bool {
        if let Some(first) = self.names.get(id.name(self.src)).copied() {
            self.push(duplicate(self.src, id, first.kind, first.span, kind, None));
            if first.kind != kind {
                self.contested.insert(id.name(self.src));
            }
            return false;
        }
        self.names.insert(
            id.name(self.src),
            Symbol {
                kind,
                index,
                span: id.span,
            },
        );
        true
    }

    /// Resolves a top-level name of the expected kind, reporting E0102 or
    /// E0103, and marks it used.
    fn resolve(&mut self, id: &Ident, expected: Kind) -> Ref {
        match self.names.get(id.name(self.src)).copied() {
            Some(symbol) => {
                self.mark_used(symbol);
                if symbol.kind == expected {
                    Ref::Found(symbol.index, id.span)
                } else {
                    if !self.contested.contains(id.name(self.src)) {
                        self.push(wrong_kind(self.src, id, expected, symbol));
                    }
                    Ref::Broken
                }
            }
            None => {
                if self.complete {
                    let best = self.suggestion(id.name(self.src), expected);
                    self.push(undefined(self.src, id, expected, best, None));
                }
                Ref::Broken
            }
        }
    }

    fn mark_used(&mut self, symbol: Symbol) {
        let used = match symbol.kind {
            Kind::Actor => &mut self.used_actors,
            Kind::Resource => &mut self.used_resources,
            Kind::Fact => &mut self.used_facts,
            _ => return,
        };
        if let Some(flag) = used.get_mut(symbol.index) {
            *flag = true;
        }
    }

    /// The declared names of a kind, in declaration order.
    fn names_of(&self, kind: Kind) -> Vec<&'a str> {
        match kind {
            Kind::Actor => self.actors.iter().map(|a| a.id.name(self.src)).collect(),
            Kind::Resource => self.resources.iter().map(|r| r.id.name(self.src)).collect(),
            Kind::Fact => self.facts.iter().map(|f| f.id.name(self.src)).collect(),
            Kind::Procedure => self
                .procedures
                .iter()
                .map(|p| p.id.name(self.src))
                .collect(),
            Kind::Scenario => self.scenarios.iter().map(|s| s.id.name(self.src)).collect(),
            Kind::Trigger | Kind::Step | Kind::Incident | Kind::Inject => Vec::new(),
        }
    }

    /// "Did you mean": the declared name of `kind` closest to `word`. The
    /// names of each kind are indexed once, so that many undefined names
    /// in a large handbook cost each a bounded search.
    fn suggestion(&mut self, word: &str, kind: Kind) -> Option<&'a str> {
        let slot = match kind {
            Kind::Actor => 0,
            Kind::Resource => 1,
            Kind::Fact => 2,
            Kind::Procedure => 3,
            _ => return None,
        };
        if self.candidates[slot].is_none() {
            self.candidates[slot] = Some(Candidates::new(self.names_of(kind)));
        }
        self.candidates[slot]
            .as_ref()
            .and_then(|c| c.closest(word, None))
    }

    /// Reports a name given more than once in one list (`after`,
    /// `support`, `notify`, `activates`, `members`). `entries` are the
    /// resolved entries, each with where it is written; returns them with
    /// the repeats left out. The repeat is W0601: like a declaration that
    /// nothing uses, the second mention plays no part.
    fn without_repeats(
        &mut self,
        entries: Vec<(usize, &Ident)>,
        attribute: &str,
        kind: Kind,
    ) -> Vec<usize> {
        let mut first: HashMap<usize, Span> = HashMap::with_capacity(entries.len());
        let mut out = Vec::with_capacity(entries.len());
        for (index, id) in entries {
            match first.get(&index) {
                Some(&earlier) => self.push(repeated(self.src, id, earlier, attribute, kind)),
                None => {
                    first.insert(index, id.span);
                    out.push(index);
                }
            }
        }
        out
    }

    /// The first attribute of each name; reports the others (E0106).
    fn unique_attrs<'b>(
        &mut self,
        attrs: impl IntoIterator<Item = &'b Attribute>,
    ) -> HashMap<AttrName, &'b Attribute> {
        let mut first: HashMap<AttrName, &'b Attribute> = HashMap::new();
        for attr in attrs {
            match first.get(&attr.name) {
                Some(earlier) => {
                    let earlier_span = earlier.name_span();
                    self.mark_references(std::iter::once(attr));
                    self.push(
                        Diagnostic::error(
                            Code::E0106,
                            format!("attribute `{}` is given twice", attr.name.as_str()),
                            attr.name_span(),
                        )
                        .with_label("given again here")
                        .with_secondary(earlier_span, "first given here")
                        .with_help("keep one of them; the first one counts"),
                    );
                }
                None => {
                    first.insert(attr.name, attr);
                }
            }
        }
        first
    }

    /// Marks as used every top-level name that `attrs` reference, without
    /// reporting anything: for declarations refused as duplicates, whose
    /// references should not turn into "never used" elsewhere.
    fn mark_references<'b>(&mut self, attrs: impl IntoIterator<Item = &'b Attribute>) {
        let mut names: Vec<&str> = Vec::new();
        let mut exprs: Vec<&ast::Expr> = Vec::new();
        for attr in attrs {
            match &attr.value {
                ast::AttrValue::Name(id) => names.push(id.name(self.src)),
                ast::AttrValue::Names(ids) => names.extend(ids.iter().map(|i| i.name(self.src))),
                ast::AttrValue::Requirements(reqs) => {
                    names.extend(reqs.iter().map(|r| r.resource.name(self.src)))
                }
                ast::AttrValue::Condition(expr) => exprs.push(expr),
                ast::AttrValue::Bindings(bindings) => names.extend(
                    bindings
                        .iter()
                        .flat_map(|b| [b.role.name(self.src), b.actor.name(self.src)]),
                ),
                ast::AttrValue::Assignments(list) => {
                    names.extend(list.iter().map(|a| a.fact.name(self.src)))
                }
                _ => {}
            }
        }
        // The names in conditions, walked with an explicit stack.
        while let Some(expr) = exprs.pop() {
            match expr {
                ast::Expr::Name(id) => names.push(id.name(self.src)),
                ast::Expr::Not { operand, .. } | ast::Expr::Paren { inner: operand, .. } => {
                    exprs.push(operand)
                }
                ast::Expr::And { operands, .. } | ast::Expr::Or { operands, .. } => {
                    exprs.extend(operands)
                }
                ast::Expr::Compare { lhs, rhs, .. } => exprs.extend([&**lhs, &**rhs]),
                ast::Expr::In { lhs, list, .. } => {
                    exprs.push(lhs);
                    exprs.extend(list);
                }
                _ => {}
            }
        }
        for name in names {
            if let Some(symbol) = self.names.get(name).copied() {
                self.mark_used(symbol);
            }
        }
    }

    /// Reports unused actors, resources and facts (W0601).
    fn report_unused(&mut self) {
        if !self.complete {
            return;
        }
        let mut unused = Vec::new();
        for (i, a) in self.actors.iter().enumerate() {
            if !self.used_actors[i] {
                unused.push((Kind::Actor, &a.id));
            }
        }
        for (i, r) in self.resources.iter().enumerate() {
            if !self.used_resources[i] {
                unused.push((Kind::Resource, &r.id));
            }
        }
        for (i, f) in self.facts.iter().enumerate() {
            if !self.used_facts[i] {
                unused.push((Kind::Fact, &f.id));
            }
        }
        for (kind, id) in unused {
            self.push(
                Diagnostic::new(
                    Code::W0601,
                    format!("{} `{}` is never used", kind.word(), id.name(self.src)),
                    id.span,
                )
                .with_label("declared here, referenced nowhere")
                .with_help(format!(
                    "refer to it where it plays a part, or remove the {}",
                    kind.word()
                )),
            );
        }
    }
}

/// E0101 for `id`, whose name was first declared at `first_span`; `scope`
/// is the procedure or scenario whose own namespace it is in (`None` for
/// the top level), as `("procedure", "art42_7")`.
fn duplicate(
    src: &SourceMap,
    id: &Ident,
    first_kind: Kind,
    first_span: Span,
    kind: Kind,
    scope: Option<(&str, &str)>,
) -> Diagnostic {
    let place = match scope {
        Some((what, name)) => format!(" in {what} `{name}`"),
        None => String::new(),
    };
    let message = if first_kind == kind {
        format!(
            "{} `{}` is declared twice{place}",
            kind.word(),
            id.name(src)
        )
    } else {
        format!(
            "`{}` is already declared{place} as {}",
            id.name(src),
            first_kind.with_article()
        )
    };
    Diagnostic::error(Code::E0101, message, id.span)
        .with_label("declared again here")
        .with_secondary(
            first_span,
            format!("first declared here as {}", first_kind.with_article()),
        )
        .with_help(match scope {
            Some(("scenario", _)) => {
                "incidents and injects share one namespace per scenario: rename one of them"
            }
            Some(_) => "triggers and steps share one namespace per procedure: rename one of them",
            None => {
                "actors, resources, facts, procedures and scenarios share one namespace: rename one of them"
            }
        })
}

/// E0103: `id` names a `found.kind` where an `expected` was wanted.
fn wrong_kind(src: &SourceMap, id: &Ident, expected: Kind, found: Symbol) -> Diagnostic {
    Diagnostic::error(
        Code::E0103,
        format!(
            "expected {}, found {} `{}`",
            expected.with_article(),
            found.kind.word(),
            id.name(src)
        ),
        id.span,
    )
    .with_label(format!("not {}", expected.with_article()))
    .with_secondary(
        found.span,
        format!(
            "`{}` is declared here as {}",
            id.name(src),
            found.kind.with_article()
        ),
    )
}

/// E0102: nothing is called `id`; `best` is the closest declared name, if
/// any. `extra_help` replaces the generic help when there is no close name.
fn undefined(
    src: &SourceMap,
    id: &Ident,
    expected: Kind,
    best: Option<&str>,
    extra_help: Option<String>,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        Code::E0102,
        format!("undefined {} `{}`", expected.word(), id.name(src)),
        id.span,
    )
    .with_label(format!(
        "no {} is called `{}`",
        expected.word(),
        id.name(src)
    ));
    if let Some(best) = best {
        d = d.with_help(format!("did you mean `{best}`?"));
    } else if let Some(help) = extra_help {
        d = d.with_help(help);
    } else {
        let example = match expected {
            Kind::Actor => format!("actor {} {{ kind … }}", id.name(src)),
            Kind::Resource => format!("resource {} {{ provider … }}", id.name(src)),
            Kind::Fact => format!("fact {}: bool", id.name(src)),
            Kind::Procedure => format!("procedure {} {{ … }}", id.name(src)),
            Kind::Trigger => format!("trigger {} {{ when … }}", id.name(src)),
            Kind::Step => format!("step {} {{ … }}", id.name(src)),
            Kind::Scenario => format!("scenario {} {{ … }}", id.name(src)),
            Kind::Incident => format!("incident {} {{ … }}", id.name(src)),
            Kind::Inject => format!("inject {} {{ at … }}", id.name(src)),
        };
        d = d.with_help(format!("declare it: `{example}`"));
    }
    d
}

/// W0601 for `id`, given again in the list `attribute` after `earlier`.
fn repeated(src: &SourceMap, id: &Ident, earlier: Span, attribute: &str, kind: Kind) -> Diagnostic {
    Diagnostic::new(
        Code::W0601,
        format!(
            "{} `{}` is given twice in `{attribute}`",
            kind.word(),
            id.name(src)
        ),
        id.span,
    )
    .with_label("given again here")
    .with_secondary(earlier, "first given here")
    .with_help(format!(
        "remove the second `{}`: a name counts once in `{attribute}`, so the repeat plays no part",
        id.name(src)
    ))
}

/// Minutes as a message shows them: `90m` → `1h30m`, `11520` → `8d` (days
/// below two weeks).
fn minutes(m: u64) -> String {
    format_readable(m)
}

/// Lists names as `` `a`, `b` and `c` ``, at most `max` of them.
fn name_list<'n>(names: impl IntoIterator<Item = &'n str>, max: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let total = names.len();
    name_list_of(names, total, max)
}

/// As [`name_list`], for the first names of a list of `total`: takes no
/// more than `max` of `names`, and says how many of `total` are left out.
fn name_list_of<'n>(names: impl IntoIterator<Item = &'n str>, total: usize, max: usize) -> String {
    let shown: Vec<String> = names
        .into_iter()
        .take(max)
        .map(|n| format!("`{n}`"))
        .collect();
    let rest = total.saturating_sub(shown.len());
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => one.clone(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        (all, rest) => format!("{} and {rest} more", all.join(", ")),
    }
}
