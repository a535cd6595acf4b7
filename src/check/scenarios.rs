//! Scenarios: incidents, injects and expectations, checked like the rest
//! of the handbook (docs/reference.md#scenarios). Names resolve with
//! E0101/E0102/E0103/E0106/E0505; `bind` needs a role on the left and an
//! actor that is not one on the right, each role once per incident
//! (E0504); `set` values are typed against their fact (E0501, E0502; a
//! value outside a ranged fact's range is E0501); `PROCEDURE.STEP` must
//! name a step of that procedure. A name that does not resolve is
//! reported once and what depends on it is not checked.

use std::collections::HashMap;

use super::model::{
    self, DEFAULT_HORIZON_MINUTES, ExpectationKind, FactType, FactValue, IncidentIdx, StepRef,
};
use super::resolve::minutes_of;
use super::{Checker, Kind, Ref, duplicate, name_list};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Span, Text};
use crate::suggest::Candidates;
use crate::syntax::ast::{self, ActorKind, AttrName, AttrValue, Expectation, Ident, Value};

/// A member of a scenario's own namespace.
#[derive(Clone, Copy, Debug)]
enum Local {
    Incident(IncidentIdx, Span),
    Inject(Span),
}

impl<'a> Checker<'a> {
    /// Checks every scenario into the model. Runs after the procedures
    /// were resolved: paths name their steps.
    pub(super) fn check_scenarios(&mut self) {
        if self.scenarios.is_empty() {
            return;
        }
        // The steps of each procedure by name, first declaration first (as
        // in the model), for `PROCEDURE.STEP`.
        // Not from the trees: a procedure's may be gone by now.
        let src = self.src;
        let steps: Vec<Vec<&'a str>> = self
            .step_ids
            .iter()
            .map(|ids| ids.iter().map(|&id| src.text(id)).collect())
            .collect();
        let mut paths = Paths {
            index: steps
                .iter()
                .enumerate()
                .flat_map(|(p, names)| names.iter().enumerate().map(move |(s, &n)| ((p, n), s)))
                .collect(),
            candidates: steps.into_iter().map(Candidates::new).collect(),
        };
        for i in 0..self.scenarios.len() {
            let scenario = self.check_scenario(self.scenarios[i], &mut paths);
            self.model.scenarios.push(scenario);
        }
    }

    fn check_scenario(&mut self, sc: &'a ast::Scenario, paths: &mut Paths<'a>) -> model::Scenario {
        let attrs = self.unique_attrs(sc.attrs());
        let int = |name: AttrName| match attrs.get(&name).map(|a| &a.value) {
            Some(AttrValue::Int(n)) => Some(n.value),
            _ => None,
        };
        let runs = int(AttrName::Runs).unwrap_or(1).max(1);
        let seed = int(AttrName::Seed).unwrap_or(0);
        let horizon_minutes =
            minutes_of(attrs.get(&AttrName::Horizon)).unwrap_or(DEFAULT_HORIZON_MINUTES);

        // The scenario's namespace: incidents and injects.
        let mut local: HashMap<&'a str, Local> = HashMap::new();
        let mut incident_names: Vec<&'a str> = Vec::new();
        let mut incidents: Vec<&'a ast::Incident> = Vec::new();
        let mut injects: Vec<&'a ast::Inject> = Vec::new();
        for item in &sc.items {
            let (id, kind) = match item {
                ast::ScenarioItem::Incident(i) => (&i.id, Kind::Incident),
                ast::ScenarioItem::Inject(i) => (&i.id, Kind::Inject),
                _ => continue,
            };
            if let Some(first) = local.get(id.name(self.src)) {
                let (first_kind, first_span) = match *first {
                    Local::Incident(_, span) => (Kind::Incident, span),
                    Local::Inject(span) => (Kind::Inject, span),
                };
                self.push(duplicate(
                    self.src,
                    id,
                    first_kind,
                    first_span,
                    kind,
                    Some(("scenario", sc.id.name(self.src))),
                ));
                continue;
            }
            match item {
                ast::ScenarioItem::Incident(i) => {
                    local.insert(
                        i.id.name(self.src),
                        Local::Incident(incidents.len(), i.id.span),
                    );
                    incident_names.push(i.id.name(self.src));
                    incidents.push(i);
                }
                ast::ScenarioItem::Inject(i) => {
                    local.insert(i.id.name(self.src), Local::Inject(i.id.span));
                    injects.push(i);
                }
                _ => {}
            }
        }
        let incident_candidates = Candidates::new(incident_names.iter().copied());
        let scope = Scope {
            scenario: sc.id.name(self.src),
            local: &local,
            incidents: &incident_candidates,
        };

        let incidents: Vec<model::Incident> =
            incidents.into_iter().map(|i| self.incident(i)).collect();
        let injects: Vec<model::Inject> = injects
            .into_iter()
            .map(|i| self.inject(i, &scope, paths))
            .collect();
        let expectations = sc
            .expects()
            .filter_map(|e| self.expectation(e, &scope, paths))
            .collect();
        model::Scenario {
            id: self.name_of(&sc.id),
            label: self.label_of(&sc.label, &sc.id),
            doc: self.doc_of(sc.doc),
            note: self.string_of(attrs.get(&AttrName::Note)),
            runs,
            seed,
            horizon_minutes,
            incidents,
            injects,
            expectations,
            span: sc.span,
        }
    }

    fn incident(&mut self, i: &'a ast::Incident) -> model::Incident {
        let attrs = self.unique_attrs(&i.attrs);
        let mut bindings: Vec<(usize, usize)> = Vec::new();
        // Where each role was first bound in this incident.
        let mut bound: HashMap<usize, Span> = HashMap::new();
        if let Some(AttrValue::Bindings(list)) = attrs.get(&AttrName::Bind).map(|a| &a.value) {
            for b in list {
                let role = self.resolve(&b.role, Kind::Actor);
                let actor = self.resolve(&b.actor, Kind::Actor);
                let role_ok = role
                    .index()
                    .is_some_and(|r| self.is_role(r, &b.role, &b.actor, true));
                let actor_ok = actor
                    .index()
                    .is_some_and(|a| self.is_role(a, &b.role, &b.actor, false));
                let (Some(r), Some(a), true, true) =
                    (role.index(), actor.index(), role_ok, actor_ok)
                else {
                    continue;
                };
                if let Some(&first) = bound.get(&r) {
                    self.push(
                        Diagnostic::error(
                            Code::E0504,
                            format!(
                                "role `{}` is bound twice in incident `{}`",
                                b.role.name(self.src),
                                i.id.name(self.src)
                            ),
                            b.span,
                        )
                        .with_label("bound again here")
                        .with_secondary(first, "first bound here")
                        .with_help("a role stands for one actor in an incident: keep one binding"),
                    );
                    continue;
                }
                bound.insert(r, b.span);
                bindings.push((r, a));
            }
        }
        let set = self.assignments(attrs.get(&AttrName::Set), i.id.name(self.src));
        model::Incident {
            id: self.name_of(&i.id),
            label: self.label_of(&i.label, &i.id),
            doc: self.doc_of(i.doc),
            note: self.string_of(attrs.get(&AttrName::Note)),
            at_minutes: minutes_of(attrs.get(&AttrName::At)).unwrap_or(0),
            bindings,
            set,
            span: i.span,
        }
    }

    /// Whether actor `index` is (`want_role`) or is not a role, reporting
    /// E0504 when it is not what a binding `role = actor` needs.
    fn is_role(&mut self, index: usize, role: &Ident, actor: &Ident, want_role: bool) -> bool {
        let Some(kind) = self.model.actors[index].kind else {
            // An actor without a valid kind was reported already.
            return false;
        };
        let is_role = kind == ActorKind::Role;
        if is_role == want_role {
            return true;
        }
        let (id, message, help) = if want_role {
            (
                role,
                format!(
                    "`{}` is not a role: it is of kind {}",
                    role.name(self.src),
                    kind.as_str()
                ),
                format!(
                    "`bind ROLE = ACTOR` says which actor a role stands for; write `bind ROLE = {}` with an actor of kind role on the left",
                    role.name(self.src)
                ),
            )
        } else {
            (
                actor,
                format!("`{}` is itself a role", actor.name(self.src)),
                "a role stands for an actor that is not a role: a member state, an institution, …"
                    .to_owned(),
            )
        };
        self.push(
            Diagnostic::error(Code::E0504, message, id.span)
                .with_label(if want_role {
                    "only an actor of kind role can be bound"
                } else {
                    "a role cannot stand for a role"
                })
                .with_secondary(
                    self.actors[index].id.span,
                    format!("`{}` is declared here", id.name(self.src)),
                )
                .with_help(help),
        );
        false
    }

    /// The typed values of a `set` in `whose` (an incident or an inject).
    fn assignments(
        &mut self,
        attr: Option<&&'a ast::Attribute>,
        whose: &str,
    ) -> Vec<(usize, FactValue)> {
        let Some(AttrValue::Assignments(list)) = attr.map(|a| &a.value) else {
            return Vec::new();
        };
        let mut out: Vec<(usize, FactValue)> = Vec::with_capacity(list.len());
        let mut first: HashMap<usize, Span> = HashMap::new();
        for a in list {
            let Some(fact) = self.resolve(&a.fact, Kind::Fact).index() else {
                continue;
            };
            let Some(value) = self.fact_value(fact, a) else {
                continue;
            };
            if let Some(&earlier) = first.get(&fact) {
                self.push(
                    Diagnostic::error(
                        Code::E0101,
                        format!("fact `{}` is set twice in `{whose}`", a.fact.name(self.src)),
                        a.span,
                    )
                    .with_label("set again here")
                    .with_secondary(earlier, "first set here")
                    .with_help("a fact has one value at a time: keep one of them"),
                );
                continue;
            }
            first.insert(fact, a.span);
            out.push((fact, value));
        }
        out
    }

    /// The value of `fact = VALUE`, typed like a comparison.
    fn fact_value(&mut self, fact: usize, a: &ast::Assignment) -> Option<FactValue> {
        let ty = self.model.facts[fact].ty.clone();
        let value = match (&ty, &a.value) {
            (FactType::Bool, Value::Bool { value, .. }) => FactValue::Bool(*value),
            (FactType::Int, Value::Int(n)) => FactValue::Int(n.value),
            (FactType::Range { min, max }, Value::Int(n)) => {
                if !(*min..=*max).contains(&n.value) {
                    self.push(
                        Diagnostic::error(
                            Code::E0501,
                            format!(
                                "{} is outside the range of `{}`, {min}..{max}",
                                n.value,
                                a.fact.name(self.src)
                            ),
                            n.span,
                        )
                        .with_label(format!("not in {min}..{max}"))
                        .with_secondary(
                            self.facts[fact].ty.span(),
                            format!(
                                "`{}` is declared as {min}..{max} here",
                                a.fact.name(self.src)
                            ),
                        )
                        .with_help(format!("set a value from {min} to {max}")),
                    );
                    return None;
                }
                FactValue::Int(n.value)
            }
            (FactType::Duration, Value::Duration(d)) => FactValue::Duration(d.minutes),
            (FactType::Enum { variants }, Value::Name(id)) => {
                let name = self.model.names.find(id.name(self.src));
                if let Some(name) = name.filter(|name| variants.contains(name)) {
                    FactValue::Variant(name)
                } else {
                    self.unknown_variant(id, fact);
                    return None;
                }
            }
            _ => {
                let wanted = match &ty {
                    FactType::Bool => "a bool (`true` or `false`)".to_owned(),
                    FactType::Int => "an int".to_owned(),
                    FactType::Range { min, max } => format!("an int from {min} to {max}"),
                    FactType::Duration => "a duration (such as `12h`)".to_owned(),
                    FactType::Enum { variants } => format!(
                        "one of its variants, {}",
                        name_list(variants.iter().map(|&v| self.model.names.get(v)), 8)
                    ),
                };
                let found = match &a.value {
                    Value::Int(_) => "an int",
                    Value::Duration(_) => "a duration",
                    Value::Bool { .. } => "a bool",
                    Value::Name(_) => "a name",
                };
                self.push(
                    Diagnostic::error(
                        Code::E0501,
                        format!(
                            "type mismatch: `{}` takes {wanted}, found {found}",
                            a.fact.name(self.src)
                        ),
                        a.value.span(),
                    )
                    .with_label(format!("this is {found}"))
                    .with_secondary(
                        self.facts[fact].ty.span(),
                        format!("`{}` is declared here", a.fact.name(self.src)),
                    )
                    .with_help(format!("set `{}` to {wanted}", a.fact.name(self.src))),
                );
                return None;
            }
        };
        Some(value)
    }

    fn inject(
        &mut self,
        i: &'a ast::Inject,
        scope: &Scope<'_, 'a>,
        paths: &mut Paths<'a>,
    ) -> model::Inject {
        let attrs = self.unique_attrs(&i.attrs);
        let at_minutes = match minutes_of(attrs.get(&AttrName::At)) {
            Some(at) => at,
            None => {
                self.push(
                    Diagnostic::error(
                        Code::E0505,
                        format!("inject `{}` has no `at`", i.id.name(self.src)),
                        i.id.span,
                    )
                    .with_label("`at` is required")
                    .with_help(
                        "add `at DURATION`: when the inject happens, from the scenario's start",
                    ),
                );
                0
            }
        };
        let incident = match attrs.get(&AttrName::Incident).map(|a| &a.value) {
            Some(AttrValue::Name(id)) => self.local_incident(id, scope),
            _ => {
                let needs = [AttrName::Set, AttrName::Delay, AttrName::Block]
                    .into_iter()
                    .filter(|n| attrs.contains_key(n))
                    .map(AttrName::as_str)
                    .collect::<Vec<_>>();
                if !needs.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::E0505,
                            format!(
                                "inject `{}` changes an incident but names none",
                                i.id.name(self.src)
                            ),
                            i.id.span,
                        )
                        .with_label(format!("`{}` needs `incident`", needs.join("`, `")))
                        .with_help(
                            "add `incident ID`: the incident whose facts or steps it changes",
                        ),
                    );
                }
                Ref::Absent
            }
        };
        let set = self.assignments(attrs.get(&AttrName::Set), i.id.name(self.src));
        let whose = format!("inject `{}`", i.id.name(self.src));
        let (withdraw, _, _) = self.requirements(attrs.get(&AttrName::Withdraw), &whose);
        let (restore, _, _) = self.requirements(attrs.get(&AttrName::Restore), &whose);
        let mut delay = Vec::new();
        if let Some(AttrValue::Delays(list)) = attrs.get(&AttrName::Delay).map(|a| &a.value) {
            for d in list {
                if let Some(step) = self.step_path(&d.path.procedure, &d.path.step, paths) {
                    delay.push((step, d.by.minutes));
                }
            }
        }
        let mut block = Vec::new();
        if let Some(AttrValue::Paths(list)) = attrs.get(&AttrName::Block).map(|a| &a.value) {
            for p in list {
                if let Some(step) = self.step_path(&p.procedure, &p.step, paths) {
                    block.push(step);
                }
            }
        }
        let from = self.actor_ref(attrs.get(&AttrName::From)).index();
        let to = self.actor_list(attrs.get(&AttrName::To), Kind::Actor);
        model::Inject {
            id: self.name_of(&i.id),
            label: self.label_of(&i.label, &i.id),
            doc: self.doc_of(i.doc),
            note: self.string_of(attrs.get(&AttrName::Note)),
            at_minutes,
            incident: incident.index(),
            set,
            withdraw,
            restore,
            delay,
            block,
            from,
            to,
            span: i.span,
        }
    }

    fn expectation(
        &mut self,
        e: &'a ast::Expect,
        scope: &Scope<'_, 'a>,
        paths: &mut Paths<'a>,
    ) -> Option<model::Expectation> {
        let kind = match &e.expectation {
            Expectation::Step {
                incident,
                procedure,
                step,
                within,
                share,
            } => {
                let incident = self.local_incident(incident, scope).index();
                let step = self.step_path(procedure, step, paths);
                ExpectationKind::Step {
                    incident: incident?,
                    step: step?,
                    within_minutes: within.minutes,
                    share: share.map(|s| s.value),
                }
            }
            Expectation::Activated {
                negated,
                incident,
                procedure,
                within,
            } => {
                let incident = self.local_incident(incident, scope).index();
                let procedure = self.resolve(procedure, Kind::Procedure).index();
                ExpectationKind::Activated {
                    negated: *negated,
                    incident: incident?,
                    procedure: procedure?,
                    within_minutes: within.map(|w| w.minutes),
                }
            }
            Expectation::NoShortage { resource } => ExpectationKind::NoShortage {
                resource: match resource {
                    Some(id) => Some(self.resolve(id, Kind::Resource).index()?),
                    None => None,
                },
            },
            Expectation::DeadlinesMet { share } => ExpectationKind::DeadlinesMet {
                share: share.map(|s| s.value),
            },
        };
        Some(model::Expectation { kind, span: e.span })
    }

    /// An incident of the scenario, by name: E0102 (with a suggestion) or
    /// E0103 (an inject) otherwise.
    fn local_incident(&mut self, id: &Ident, scope: &Scope<'_, 'a>) -> Ref {
        match scope.local.get(id.name(self.src)) {
            Some(&Local::Incident(index, _)) => Ref::Found(index, id.span),
            Some(&Local::Inject(span)) => {
                self.push(
                    Diagnostic::error(
                        Code::E0103,
                        format!("expected an incident, found inject `{}`", id.name(self.src)),
                        id.span,
                    )
                    .with_label("not an incident")
                    .with_secondary(
                        span,
                        format!("`{}` is declared here as an inject", id.name(self.src)),
                    ),
                );
                Ref::Broken
            }
            None => {
                let mut d = Diagnostic::error(
                    Code::E0102,
                    format!("undefined incident `{}`", id.name(self.src)),
                    id.span,
                )
                .with_label(format!(
                    "scenario `{}` has no incident `{}`",
                    scope.scenario,
                    id.name(self.src)
                ));
                d = match scope.incidents.closest(id.name(self.src), None) {
                    Some(best) => d.with_help(format!("did you mean `{best}`?")),
                    None => d.with_help(format!(
                        "declare it in scenario `{}`: `incident {} {{ … }}`",
                        scope.scenario,
                        id.name(self.src)
                    )),
                };
                self.push(d);
                Ref::Broken
            }
        }
    }

    /// `PROCEDURE.STEP`: the procedure, then its step (E0102 with a
    /// suggestion among that procedure's steps).
    fn step_path(
        &mut self,
        procedure: &Ident,
        step: &Ident,
        paths: &mut Paths<'a>,
    ) -> Option<StepRef> {
        let p = self.resolve(procedure, Kind::Procedure).index()?;
        if let Some(&s) = paths.index.get(&(p, step.name(self.src))) {
            return Some(StepRef {
                procedure: p,
                step: s,
            });
        }
        let mut d = Diagnostic::error(
            Code::E0102,
            format!("undefined step `{}`", step.name(self.src)),
            step.span,
        )
        .with_label(format!(
            "procedure `{}` has no step `{}`",
            procedure.name(self.src),
            step.name(self.src)
        ));
        d = match paths
            .candidates
            .get(p)
            .and_then(|c| c.closest(step.name(self.src), None))
        {
            Some(best) => d.with_help(format!(
                "did you mean `{}.{best}`?",
                procedure.name(self.src)
            )),
            None => d.with_help(format!(
                "name a step of procedure `{}` as `{}.STEP`",
                procedure.name(self.src),
                procedure.name(self.src)
            )),
        };
        self.push(d);
        None
    }
}

/// The steps of every procedure, for `PROCEDURE.STEP`.
pub(super) struct Paths<'a> {
    index: HashMap<(usize, &'a str), usize>,
    candidates: Vec<Candidates<'a>>,
}

/// What a scenario's members resolve against.
struct Scope<'s, 'a> {
    scenario: &'s str,
    local: &'s HashMap<&'a str, Local>,
    incidents: &'s Candidates<'a>,
}
