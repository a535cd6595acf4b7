//! Every name of a compilation and where it is written: declarations and
//! references, from the trees of its files (so it works for files with
//! errors in the checker, and across `use`d files). Names resolve as the
//! checker resolves them: top-level names in one namespace, triggers and
//! steps per procedure, incidents and injects per scenario, variants per
//! fact.

use std::collections::{BTreeMap, HashMap};

use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{
    self, AttrName, AttrValue, Declaration, Expectation, Expr, FactType, ProcedureItem,
    ScenarioItem,
};

/// What a name is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// An actor, resource, fact, procedure or scenario.
    Top(String),
    Trigger(String, String),
    Step(String, String),
    Variant(String, String),
    Incident(String, String),
    Inject(String, String),
}

impl Key {
    /// The name itself (what a rename replaces).
    pub fn name(&self) -> &str {
        match self {
            Key::Top(n) => n,
            Key::Trigger(_, n)
            | Key::Step(_, n)
            | Key::Variant(_, n)
            | Key::Incident(_, n)
            | Key::Inject(_, n) => n,
        }
    }
}

/// The kind of a declaration, for hovers, symbols and completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Actor,
    Resource,
    Fact,
    Procedure,
    Scenario,
    Trigger,
    Step,
    Variant,
    Incident,
    Inject,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Resource => "resource",
            Kind::Fact => "fact",
            Kind::Procedure => "procedure",
            Kind::Scenario => "scenario",
            Kind::Trigger => "trigger",
            Kind::Step => "step",
            Kind::Variant => "variant",
            Kind::Incident => "incident",
            Kind::Inject => "inject",
        }
    }
}

/// A declaration: its kind, label and doc as written.
#[derive(Clone, Debug)]
pub struct Decl {
    pub kind: Kind,
    pub file: FileId,
    pub span: Span,
    pub label: Option<String>,
    pub doc: Option<String>,
    /// For an actor: its kind (`role`, `member_state`, …).
    pub detail: Option<String>,
}

/// One place a name is written.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub key: Key,
    pub span: Span,
    pub declaration: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Index {
    pub decls: BTreeMap<Key, Decl>,
    /// Per file, every occurrence in order of position.
    pub occurrences: HashMap<FileId, Vec<Occurrence>>,
}

impl Index {
    /// Indexes the trees of `files`.
    pub fn build(src: &SourceMap, files: &[(FileId, &ast::File)]) -> Index {
        let mut index = Index::default();
        for &(file, tree) in files {
            index.declare(src, file, tree);
        }
        // Variants by name, for a bare name compared with a fact.
        for &(file, tree) in files {
            let mut walker = Walker {
                src,
                index: &mut index,
                file,
                procedure: None,
                scenario: None,
            };
            walker.file(tree);
        }
        for list in index.occurrences.values_mut() {
            list.sort_by_key(|o| (o.span.start(), o.span.end()));
        }
        index
    }

    fn add(&mut self, file: FileId, key: Key, span: Span, declaration: bool) {
        self.occurrences.entry(file).or_default().push(Occurrence {
            key,
            span,
            declaration,
        });
    }

    fn decl(
        &mut self,
        src: &SourceMap,
        key: Key,
        kind: Kind,
        id: &ast::Ident,
        label: Option<&ast::StrLit>,
        doc: Option<&ast::Doc>,
    ) {
        let file = id.span.file;
        self.add(file, key.clone(), id.span, true);
        self.decls.entry(key).or_insert(Decl {
            kind,
            file,
            span: id.span,
            label: label.map(|l| l.value(src).into_owned()),
            doc: doc.map(|d| d.text(src).into_owned()),
            detail: None,
        });
    }

    fn declare(&mut self, src: &SourceMap, file: FileId, tree: &ast::File) {
        for d in &tree.declarations {
            match d {
                Declaration::Actor(a) => {
                    let key = Key::Top(a.id.name(src).to_owned());
                    self.decl(
                        src,
                        key.clone(),
                        Kind::Actor,
                        &a.id,
                        a.label.as_ref(),
                        a.doc.as_ref(),
                    );
                    let kind = a.attrs.iter().find_map(|at| match &at.value {
                        AttrValue::ActorKind(k, _) => Some(k.as_str().to_owned()),
                        _ => None,
                    });
                    if let Some(decl) = self.decls.get_mut(&key)
                        && decl.file == file
                        && decl.span == a.id.span
                    {
                        decl.detail = kind;
                    }
                }
                Declaration::Resource(r) => self.decl(
                    src,
                    Key::Top(r.id.name(src).to_owned()),
                    Kind::Resource,
                    &r.id,
                    r.label.as_ref(),
                    r.doc.as_ref(),
                ),
                Declaration::Fact(f) => {
                    self.decl(
                        src,
                        Key::Top(f.id.name(src).to_owned()),
                        Kind::Fact,
                        &f.id,
                        None,
                        f.doc.as_ref(),
                    );
                    if let FactType::Enum { variants, .. } = &f.ty {
                        for v in variants {
                            self.decl(
                                src,
                                Key::Variant(f.id.name(src).to_owned(), v.name(src).to_owned()),
                                Kind::Variant,
                                v,
                                None,
                                None,
                            );
                        }
                    }
                }
                Declaration::Procedure(p) => {
                    self.decl(
                        src,
                        Key::Top(p.id.name(src).to_owned()),
                        Kind::Procedure,
                        &p.id,
                        p.label.as_ref(),
                        p.doc.as_ref(),
                    );
                    for item in &p.items {
                        match item {
                            ProcedureItem::Trigger(t) => self.decl(
                                src,
                                Key::Trigger(p.id.name(src).to_owned(), t.id.name(src).to_owned()),
                                Kind::Trigger,
                                &t.id,
                                t.label.as_ref(),
                                t.doc.as_ref(),
                            ),
                            ProcedureItem::Step(s) => self.decl(
                                src,
                                Key::Step(p.id.name(src).to_owned(), s.id.name(src).to_owned()),
                                Kind::Step,
                                &s.id,
                                s.label.as_ref(),
                                s.doc.as_ref(),
                            ),
                            ProcedureItem::Attribute(_) => {}
                        }
                    }
                }
                Declaration::Scenario(sc) => {
                    self.decl(
                        src,
                        Key::Top(sc.id.name(src).to_owned()),
                        Kind::Scenario,
                        &sc.id,
                        sc.label.as_ref(),
                        sc.doc.as_ref(),
                    );
                    for item in &sc.items {
                        match item {
                            ScenarioItem::Incident(i) => self.decl(
                                src,
                                Key::Incident(
                                    sc.id.name(src).to_owned(),
                                    i.id.name(src).to_owned(),
                                ),
                                Kind::Incident,
                                &i.id,
                                i.label.as_ref(),
                                i.doc.as_ref(),
                            ),
                            ScenarioItem::Inject(j) => self.decl(
                                src,
                                Key::Inject(sc.id.name(src).to_owned(), j.id.name(src).to_owned()),
                                Kind::Inject,
                                &j.id,
                                j.label.as_ref(),
                                j.doc.as_ref(),
                            ),
                            _ => {}
                        }
                    }
                }
                Declaration::Handbook(_) | Declaration::Use(_) => {}
            }
        }
    }

    /// The occurrence at byte `offset` of `file` (a name it touches).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let list = self.occurrences.get(&file)?;
        let i = list.partition_point(|o| o.span.end() < offset);
        list[i..]
            .iter()
            .take_while(|o| o.span.start() <= offset)
            .find(|o| o.span.start() <= offset && offset <= o.span.end())
    }

    /// Every place `key` is written, by file in id order.
    pub fn places(&self, key: &Key) -> Vec<(FileId, Span, bool)> {
        let mut files: Vec<&FileId> = self.occurrences.keys().collect();
        files.sort();
        let mut out = Vec::new();
        for file in files {
            for o in &self.occurrences[file] {
                if &o.key == key {
                    out.push((*file, o.span, o.declaration));
                }
            }
        }
        out
    }

    /// The declared names of a kind (in key order), for completion.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (&Key, &Decl)> {
        self.decls.iter().filter(move |(_, d)| d.kind == kind)
    }

    /// The variants of the enumeration fact `fact`.
    pub fn variants(&self, fact: &str) -> Vec<&str> {
        self.decls
            .keys()
            .filter_map(|k| match k {
                Key::Variant(f, v) if f == fact => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }
}

struct Walker<'a> {
    src: &'a SourceMap,
    index: &'a mut Index,
    file: FileId,
    procedure: Option<String>,
    scenario: Option<String>,
}

impl Walker<'_> {
    fn reference(&mut self, key: Key, id: &ast::Ident) {
        self.index.add(self.file, key, id.span, false);
    }

    fn top(&mut self, id: &ast::Ident) {
        self.reference(Key::Top(id.name(self.src).to_owned()), id);
    }

    fn file(&mut self, tree: &ast::File) {
        for d in &tree.declarations {
            match d {
                Declaration::Handbook(h) => self.attrs(&h.attrs),
                Declaration::Actor(a) => self.attrs(&a.attrs),
                Declaration::Resource(r) => self.attrs(&r.attrs),
                Declaration::Procedure(p) => {
                    self.procedure = Some(p.id.name(self.src).to_owned());
                    for item in &p.items {
                        match item {
                            ProcedureItem::Attribute(a) => self.attrs(std::slice::from_ref(a)),
                            ProcedureItem::Trigger(t) => self.attrs(&t.attrs),
                            ProcedureItem::Step(s) => self.attrs(&s.attrs),
                        }
                    }
                    self.procedure = None;
                }
                Declaration::Scenario(sc) => {
                    self.scenario = Some(sc.id.name(self.src).to_owned());
                    for item in &sc.items {
                        match item {
                            ScenarioItem::Attribute(a) => self.attrs(std::slice::from_ref(a)),
                            ScenarioItem::Incident(i) => self.attrs(&i.attrs),
                            ScenarioItem::Inject(j) => self.attrs(&j.attrs),
                            ScenarioItem::Expect(e) => self.expect(&e.expectation),
                        }
                    }
                    self.scenario = None;
                }
                Declaration::Fact(_) | Declaration::Use(_) => {}
            }
        }
    }

    fn attrs(&mut self, attrs: &[ast::Attribute]) {
        for a in attrs {
            match (&a.name, &a.value) {
                (AttrName::After, AttrValue::Names(ids)) => {
                    for id in ids {
                        self.step(None, id);
                    }
                }
                (AttrName::After, AttrValue::Name(id)) => self.step(None, id),
                (AttrName::Incident, AttrValue::Name(id)) => {
                    if let Some(sc) = self.scenario.clone() {
                        self.reference(Key::Incident(sc, id.name(self.src).to_owned()), id);
                    }
                }
                (_, AttrValue::Name(id)) => self.top(id),
                (_, AttrValue::Names(ids)) => {
                    for id in ids {
                        self.top(id);
                    }
                }
                (_, AttrValue::Requirements(reqs)) => {
                    for r in reqs {
                        self.top(&r.resource);
                    }
                }
                (_, AttrValue::Condition(expr)) => self.expr(expr, None),
                (_, AttrValue::Bindings(bindings)) => {
                    for b in bindings {
                        self.top(&b.role);
                        self.top(&b.actor);
                    }
                }
                (_, AttrValue::Assignments(list)) => {
                    for set in list {
                        self.top(&set.fact);
                        if let ast::Value::Name(v) = &set.value {
                            self.reference(
                                Key::Variant(
                                    set.fact.name(self.src).to_owned(),
                                    v.name(self.src).to_owned(),
                                ),
                                v,
                            );
                        }
                    }
                }
                (_, AttrValue::Delays(delays)) => {
                    for d in delays {
                        self.path(&d.path);
                    }
                }
                (_, AttrValue::Paths(paths)) => {
                    for p in paths {
                        self.path(p);
                    }
                }
                _ => {}
            }
        }
    }

    /// A step named in `after` (of the procedure being walked) or in a
    /// path (of `procedure`).
    fn step(&mut self, procedure: Option<&str>, id: &ast::Ident) {
        let Some(p) = procedure
            .map(str::to_owned)
            .or_else(|| self.procedure.clone())
        else {
            return;
        };
        self.reference(Key::Step(p, id.name(self.src).to_owned()), id);
    }

    fn path(&mut self, path: &ast::StepPath) {
        self.top(&path.procedure);
        self.step(Some(path.procedure.name(self.src)), &path.step);
    }

    fn expect(&mut self, e: &Expectation) {
        let Some(sc) = self.scenario.clone() else {
            return;
        };
        match e {
            Expectation::Step {
                incident,
                procedure,
                step,
                ..
            } => {
                self.reference(
                    Key::Incident(sc, incident.name(self.src).to_owned()),
                    incident,
                );
                self.top(procedure);
                self.step(Some(procedure.name(self.src)), step);
            }
            Expectation::Activated {
                incident,
                procedure,
                ..
            } => {
                self.reference(
                    Key::Incident(sc, incident.name(self.src).to_owned()),
                    incident,
                );
                self.top(procedure);
            }
            Expectation::NoShortage { resource: Some(r) } => self.top(r),
            _ => {}
        }
    }

    /// A condition: a bare name is a fact, or the variant of the fact it
    /// is compared with (`attack == armed`, `kind in [armed, cyber]`).
    fn expr(&mut self, e: &Expr, fact: Option<&str>) {
        match e {
            Expr::Name(id) => {
                let is_fact = self
                    .index
                    .decls
                    .get(&Key::Top(id.name(self.src).to_owned()))
                    .is_some_and(|d| d.kind == Kind::Fact);
                match fact {
                    Some(f) if !is_fact => {
                        self.reference(
                            Key::Variant(f.to_owned(), id.name(self.src).to_owned()),
                            id,
                        );
                    }
                    _ => self.top(id),
                }
            }
            Expr::Not { operand, .. } => self.expr(operand, None),
            Expr::Paren { inner, .. } => self.expr(inner, fact),
            Expr::And { operands, .. } | Expr::Or { operands, .. } => {
                for o in operands {
                    self.expr(o, None);
                }
            }
            Expr::Compare { lhs, rhs, .. } => {
                let l = self.fact_of(lhs);
                let r = self.fact_of(rhs);
                self.expr(lhs, r.as_deref());
                self.expr(rhs, l.as_deref());
            }
            Expr::In { lhs, list, .. } => {
                let l = self.fact_of(lhs);
                self.expr(lhs, None);
                for item in list {
                    self.expr(item, l.as_deref());
                }
            }
            Expr::Int(_) | Expr::Duration(_) | Expr::Bool { .. } => {}
        }
    }

    /// The enumeration fact an operand names, if it does.
    fn fact_of(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(id) => self
                .index
                .decls
                .get(&Key::Top(id.name(self.src).to_owned()))
                .filter(|d| d.kind == Kind::Fact)
                .map(|_| id.name(self.src).to_owned()),
            Expr::Paren { inner, .. } => self.fact_of(inner),
            _ => None,
        }
    }
}
