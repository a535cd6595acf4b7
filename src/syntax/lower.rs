//! Lowering of pest pairs into the typed AST, with literal validation.
//!
//! The grammar guarantees the shape of the pairs; where that guarantee is
//! relied upon, a mismatch becomes a [`Stop::Bug`] rather than a panic, so that no
//! input can crash the compiler even if grammar and lowering drift apart.
//! Literal errors (E0002) and word-level syntax errors (unknown actor kind,
//! chained comparison, nesting too deep) are collected, not fatal.

use pest::iterators::{Pair, Pairs};

use super::Rule;
use super::ast::*;
use super::literal;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::suggest;

/// Why lowering of a file stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The pair tree did not have the shape the grammar promises.
    Bug(String),
    /// A diagnostic that makes the rest of the file meaningless was pushed.
    Reported,
}

type Lowered<T> = Result<T, Stop>;

pub struct Lowerer<'a> {
    file: FileId,
    /// The whole file (doc comments are looked up in it).
    text: &'a str,
    /// Where the piece being lowered starts in `text`: pest's offsets are
    /// relative to the piece.
    base: usize,
    /// Where the comments of `text` start, found when a doc comment is
    /// first looked for.
    comment_starts: std::cell::OnceCell<Vec<usize>>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many of the errors pushed are unknown fixed words, after which
    /// the rest of the file is still checked.
    pub recoverable: usize,
}

impl<'a> Lowerer<'a> {
    pub fn new(file: FileId, text: &'a str) -> Self {
        Lowerer {
            file,
            text,
            base: 0,
            comment_starts: std::cell::OnceCell::new(),
            diagnostics: Vec::new(),
            recoverable: 0,
        }
    }

    /// The span of a pair, without what pest skipped after it. A normal
    /// (non-atomic) rule that ends in a repetition or an option takes in
    /// the whitespace and comments that precede the attempt that failed;
    /// its last token inside ends where the text written for it ends.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let mut end = s.end();
        if may_overrun(pair.as_rule()) {
            let mut last = pair.clone();
            while let Some(child) = last.clone().into_inner().next_back() {
                end = child.as_span().end();
                if !may_overrun(child.as_rule()) {
                    break;
                }
                last = child;
            }
        }
        Span::new(self.file, self.base + s.start(), self.base + end)
    }

    /// The doc comment of the declaration that starts at `start`.
    fn doc(&self, start: usize) -> Option<Doc> {
        let lines = literal::doc_before(self.text, start, |offset| {
            self.comment_starts
                .get_or_init(|| {
                    super::scan::comments(self.text)
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect()
                })
                .binary_search(&offset)
                .is_ok()
        })?;
        Some(Doc {
            span: Span::new(self.file, lines.start, lines.end),
        })
    }

    /// Lowers the `file` pair of the piece of text that starts at `base`,
    /// appending its declarations.
    pub fn piece(
        &mut self,
        pair: Pair<'_, Rule>,
        base: usize,
        declarations: &mut Vec<Declaration>,
    ) -> Lowered<()> {
        self.base = base;
        for decl in pair.into_inner() {
            match decl.as_rule() {
                Rule::declaration => {
                    let inner = one(decl.into_inner())?;
                    declarations.push(self.declaration(inner)?);
                }
                Rule::EOI => {}
                other => return Err(unexpected(other)),
            }
        }
        Ok(())
    }

    fn declaration(&mut self, pair: Pair<'_, Rule>) -> Lowered<Declaration> {
        let span = self.span(&pair);
        let doc = self.doc(span.start());
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().peekable();
        // Skip the keyword.
        inner.next();
        Ok(match rule {
            Rule::handbook => {
                let title = self.string(expect(inner.next(), Rule::string)?)?;
                let attrs = self.attrs(inner, false)?;
                Declaration::Handbook(Handbook {
                    doc,
                    title,
                    attrs,
                    span,
                })
            }
            Rule::use_decl => {
                let path = self.string(expect(inner.next(), Rule::string)?)?;
                Declaration::Use(Use { path, span })
            }
            Rule::actor | Rule::resource => {
                let id = self.ident(expect(inner.next(), Rule::ident)?);
                let label = self.label(&mut inner)?;
                let attrs = self.attrs(inner, rule == Rule::actor)?;
                if rule == Rule::actor {
                    Declaration::Actor(Actor {
                        doc,
                        id,
                        label,
                        attrs,
                        span,
                    })
                } else {
                    Declaration::Resource(Resource {
                        doc,
                        id,
                        label,
                        attrs,
                        span,
                    })
                }
            }
            Rule::fact => {
                let id = self.ident(expect(inner.next(), Rule::ident)?);
                expect(inner.next(), Rule::colon)?;
                let ty = self.fact_type(expect(inner.next(), Rule::fact_type)?)?;
                Declaration::Fact(Fact { doc, id, ty, span })
            }
            Rule::procedure => {
                let id = self.ident(expect(inner.next(), Rule::ident)?);
                let label = self.label(&mut inner)?;
                let mut items = exact(&inner, |r| r == Rule::procedure_item);
                for item in inner {
                    match item.as_rule() {
                        Rule::procedure_item => items.push(self.procedure_item(item)?),
                        Rule::open_brace | Rule::close_brace => {}
                        other => return Err(unexpected(other)),
                    }
                }
                Declaration::Procedure(Procedure {
                    doc,
                    id,
                    label,
                    items,
                    span,
                })
            }
            Rule::scenario => {
                let id = self.ident(expect(inner.next(), Rule::ident)?);
                let label = self.label(&mut inner)?;
                let mut items = exact(&inner, |r| r == Rule::scenario_item);
                for item in inner {
                    match item.as_rule() {
                        Rule::scenario_item => {
                            let item = one(item.into_inner())?;
                            items.push(match item.as_rule() {
                                Rule::incident => {
                                    let (doc, id, label, attrs, span) = self.member(item)?;
                                    ScenarioItem::Incident(Incident {
                                        doc,
                                        id,
                                        label,
                                        attrs,
                                        span,
                                    })
                                }
                                Rule::inject => {
                                    let (doc, id, label, attrs, span) = self.member(item)?;
                                    ScenarioItem::Inject(Inject {
                                        doc,
                                        id,
                                        label,
                                        attrs,
                                        span,
                                    })
                                }
                                Rule::expect => ScenarioItem::Expect(self.expect(item)?),
                                _ => ScenarioItem::Attribute(self.attribute(item, false)?),
                            });
                        }
                        Rule::open_brace | Rule::close_brace => {}
                        other => return Err(unexpected(other)),
                    }
                }
                Declaration::Scenario(Scenario {
                    doc,
                    id,
                    label,
                    items,
                    span,
                })
            }
            other => return Err(unexpected(other)),
        })
    }

    /// An incident or inject block: doc, id, label, attributes, span.
    #[allow(clippy::type_complexity)]
    fn member(
        &mut self,
        pair: Pair<'_, Rule>,
    ) -> Lowered<(Option<Doc>, Ident, Option<StrLit>, Box<[Attribute]>, Span)> {
        let span = self.span(&pair);
        let doc = self.doc(span.start());
        let mut inner = pair.into_inner().peekable();
        inner.next();
        let id = self.ident(expect(inner.next(), Rule::ident)?);
        let label = self.label(&mut inner)?;
        let attrs = self.attrs(inner, false)?;
        Ok((doc, id, label, attrs, span))
    }

    /// `expect EXPECTATION`.
    fn expect(&mut self, pair: Pair<'_, Rule>) -> Lowered<Expect> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        inner.next();
        let form = one(expect(inner.next(), Rule::expectation)?.into_inner())?;
        let rule = form.as_rule();
        let parts: Vec<Pair<'_, Rule>> = form.into_inner().collect();
        let idents: Vec<Ident> = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(p.clone()))
            .collect();
        let duration = parts
            .iter()
            .find(|p| p.as_rule() == Rule::duration)
            .cloned()
            .map(|p| self.duration(p));
        let share = match parts.iter().find(|p| p.as_rule() == Rule::share) {
            Some(share) => Some(self.share(share.clone())?),
            None => None,
        };
        let mut idents = idents.into_iter();
        let expectation = match rule {
            Rule::expect_shortage => Expectation::NoShortage {
                resource: idents.next(),
            },
            Rule::expect_deadlines => Expectation::DeadlinesMet { share },
            Rule::expect_activated => {
                let negated = parts.iter().any(|p| p.as_rule() == Rule::kw_not);
                let (Some(incident), Some(procedure)) = (idents.next(), idents.next()) else {
                    return Err(Stop::Bug("activated without a path".into()));
                };
                Expectation::Activated {
                    negated,
                    incident,
                    procedure,
                    within: duration,
                }
            }
            Rule::expect_step => {
                let (Some(incident), Some(procedure), Some(step), Some(within)) =
                    (idents.next(), idents.next(), idents.next(), duration)
                else {
                    return Err(Stop::Bug("step expectation without a path".into()));
                };
                Expectation::Step {
                    incident,
                    procedure,
                    step,
                    within,
                    share,
                }
            }
            other => return Err(unexpected(other)),
        };
        Ok(Expect { expectation, span })
    }

    /// `in N%`: a share of runs, 1 to 100 (else E0002).
    fn share(&mut self, pair: Pair<'_, Rule>) -> Lowered<IntLit> {
        let int = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::int)
            .ok_or_else(|| Stop::Bug("share without a number".into()))?;
        let lit = self.int(int);
        if !(1..=100).contains(&lit.value) {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::E0002,
                    format!("{}% is not a share of runs", lit.value),
                    lit.span,
                )
                .with_label("a percentage is 1 to 100")
                .with_help("write the share of runs in which it must hold, such as `in 80%`"),
            );
        }
        Ok(lit)
    }

    /// `duration_range`: one duration, or two or three in order.
    fn duration_range(&mut self, pair: Pair<'_, Rule>) -> Lowered<AttrValue> {
        let span = self.span(&pair);
        let mut durations: Vec<DurationLit> = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::duration)
            .map(|p| self.duration(p))
            .collect();
        let range = match durations.len() {
            1 => return Ok(AttrValue::Duration(durations.remove(0))),
            2 => DurationRange {
                min: durations[0],
                mode: None,
                max: durations[1],
                span,
            },
            3 => DurationRange {
                min: durations[0],
                mode: Some(durations[1]),
                max: durations[2],
                span,
            },
            _ => return Err(Stop::Bug("a range of more than three durations".into())),
        };
        let mode = range.mode.map_or(range.min.minutes, |m| m.minutes);
        if range.min.minutes > mode || mode > range.max.minutes {
            let text = &self.text[span.start()..span.end()];
            let help = match range.mode {
                None => "write the shortest first: `1d..3d`",
                Some(_) => "write least, most likely and most, in that order: `1d..2d..5d`",
            };
            self.diagnostics.push(
                Diagnostic::error(
                    Code::E0002,
                    format!("the bounds of `{}` are not in order", super::shorten(text)),
                    span,
                )
                .with_label("each bound must be at most the next")
                .with_help(help),
            );
        }
        Ok(AttrValue::Range(Box::new(range)))
    }

    fn trigger(&mut self, pair: Pair<'_, Rule>) -> Lowered<Trigger> {
        let span = self.span(&pair);
        let doc = self.doc(span.start());
        let mut inner = pair.into_inner().peekable();
        inner.next();
        let id = self.ident(expect(inner.next(), Rule::ident)?);
        let label = self.label(&mut inner)?;
        let attrs = self.attrs(inner, false)?;
        Ok(Trigger {
            doc,
            id,
            label,
            attrs,
            span,
        })
    }

    fn step(&mut self, pair: Pair<'_, Rule>) -> Lowered<Step> {
        let span = self.span(&pair);
        let doc = self.doc(span.start());
        let mut inner = pair.into_inner().peekable();
        inner.next();
        let id = self.ident(expect(inner.next(), Rule::ident)?);
        let label = self.label(&mut inner)?;
        let attrs = self.attrs(inner, false)?;
        Ok(Step {
            doc,
            id,
            label,
            attrs,
            span,
        })
    }

    fn label(
        &mut self,
        inner: &mut std::iter::Peekable<Pairs<'_, Rule>>,
    ) -> Lowered<Option<StrLit>> {
        match inner.peek() {
            Some(p) if p.as_rule() == Rule::string => {
                let label = p.clone();
                inner.next();
                Ok(Some(self.string(label)?))
            }
            _ => Ok(None),
        }
    }

    fn procedure_item(&mut self, pair: Pair<'_, Rule>) -> Lowered<ProcedureItem> {
        let item = one(pair.into_inner())?;
        Ok(match item.as_rule() {
            Rule::trigger => ProcedureItem::Trigger(self.trigger(item)?),
            Rule::step => ProcedureItem::Step(self.step(item)?),
            _ => ProcedureItem::Attribute(self.attribute(item, false)?),
        })
    }

    /// The procedure that starts at `start`, laid out as `layout` says,
    /// parsed and lowered one item at a time: pest keeps every token of
    /// what it parses until it is lowered, and a procedure can be most of
    /// a file (a step can name thousands of others in `after`). It is the
    /// declaration that parsing the procedure whole gives, or `None`, with
    /// nothing reported, where a piece does not parse as the layout says:
    /// the caller then parses it whole, for the same diagnostics as ever.
    pub fn procedure_in_items(
        &mut self,
        start: usize,
        layout: &super::scan::ProcedureLayout,
    ) -> Option<Declaration> {
        let mark = (self.diagnostics.len(), self.recoverable);
        let lowered = self.items_of(start, layout);
        if lowered.is_none() {
            self.diagnostics.truncate(mark.0);
            self.recoverable = mark.1;
        }
        lowered
    }

    fn items_of(
        &mut self,
        start: usize,
        layout: &super::scan::ProcedureLayout,
    ) -> Option<Declaration> {
        use pest::Parser as _;
        let text = self.text;
        let (open, close) = (layout.open, layout.close);
        // The head: `procedure ID "LABEL" {`.
        let head = text.get(start..=open)?;
        let pair = super::MusterParser::parse(Rule::procedure_head, head)
            .ok()?
            .next()?;
        if pair.as_span().end() != head.len() {
            return None;
        }
        self.base = start;
        let doc = self.doc(start);
        let mut inner = pair.into_inner().peekable();
        inner.next();
        let id = self.ident(expect(inner.next(), Rule::ident).ok()?);
        let label = self.label(&mut inner).ok()?;
        let first = layout.items.first().copied().unwrap_or(close);
        if !super::scan::only_blanks(text.get(open + 1..first)?) {
            return None;
        }
        // Each item, up to the next one (or the closing brace): what follows
        // it in its piece may only be whitespace and comments.
        let mut items = Vec::with_capacity(layout.items.len());
        for (k, &from) in layout.items.iter().enumerate() {
            let to = layout.items.get(k + 1).copied().unwrap_or(close);
            let piece = text.get(from..to)?;
            let pair = super::MusterParser::parse(Rule::procedure_item, piece)
                .ok()?
                .next()?;
            if !super::scan::only_blanks(&piece[pair.as_span().end()..]) {
                return None;
            }
            self.base = from;
            items.push(self.procedure_item(pair).ok()?);
        }
        Some(Declaration::Procedure(Procedure {
            doc,
            id,
            label,
            items,
            span: Span::new(self.file, start, close + 1),
        }))
    }

    /// The attributes of a block: `{ attr* }`, each wrapped in its block's
    /// `*_attr` rule.
    fn attrs<'i>(
        &mut self,
        inner: impl Iterator<Item = Pair<'i, Rule>> + Clone,
        in_actor: bool,
    ) -> Lowered<Box<[Attribute]>> {
        let mut attrs = exact(&inner, |r| {
            !matches!(r, Rule::open_brace | Rule::close_brace)
        });
        for pair in inner {
            match pair.as_rule() {
                Rule::open_brace | Rule::close_brace => {}
                Rule::handbook_attr
                | Rule::actor_attr
                | Rule::resource_attr
                | Rule::trigger_attr
                | Rule::step_attr
                | Rule::incident_attr
                | Rule::inject_attr => {
                    attrs.push(self.attribute(one(pair.into_inner())?, in_actor)?)
                }
                other => return Err(unexpected(other)),
            }
        }
        Ok(attrs.into_boxed_slice())
    }

    /// One attribute. `in_actor` tells whether `kind` is an actor's (a
    /// fixed word) or a resource's (a free category).
    fn attribute(&mut self, pair: Pair<'_, Rule>, in_actor: bool) -> Lowered<Attribute> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        // The name: an attribute starts with it (see `Attribute::name_span`).
        inner
            .next()
            .ok_or_else(|| Stop::Bug("attribute without a name".into()))?;
        let name = match rule {
            Rule::attr_version => AttrName::Version,
            Rule::attr_owner => AttrName::Owner,
            Rule::attr_note => AttrName::Note,
            Rule::attr_kind => AttrName::Kind,
            Rule::attr_parent => AttrName::Parent,
            Rule::attr_members => AttrName::Members,
            Rule::attr_provider => AttrName::Provider,
            Rule::attr_capacity => AttrName::Capacity,
            Rule::attr_ready => AttrName::Ready,
            Rule::attr_lead => AttrName::Lead,
            Rule::attr_support => AttrName::Support,
            Rule::attr_resources => AttrName::Resources,
            Rule::attr_when => AttrName::When,
            Rule::attr_after => AttrName::After,
            Rule::attr_takes => AttrName::Takes,
            Rule::attr_within => AttrName::Within,
            Rule::attr_requires => AttrName::Requires,
            Rule::attr_notify => AttrName::Notify,
            Rule::attr_decision => AttrName::Decision,
            Rule::attr_activates => AttrName::Activates,
            Rule::attr_runs => AttrName::Runs,
            Rule::attr_seed => AttrName::Seed,
            Rule::attr_horizon => AttrName::Horizon,
            Rule::attr_at => AttrName::At,
            Rule::attr_bind => AttrName::Bind,
            Rule::attr_set => AttrName::Set,
            Rule::attr_incident => AttrName::Incident,
            Rule::attr_withdraw => AttrName::Withdraw,
            Rule::attr_restore => AttrName::Restore,
            Rule::attr_delay => AttrName::Delay,
            Rule::attr_block => AttrName::Block,
            Rule::attr_from => AttrName::From,
            Rule::attr_to => AttrName::To,
            other => return Err(unexpected(other)),
        };
        let value = match name {
            AttrName::Version | AttrName::Note => {
                AttrValue::Str(self.string(expect(inner.next(), Rule::string)?)?)
            }
            AttrName::Owner
            | AttrName::Parent
            | AttrName::Provider
            | AttrName::Lead
            | AttrName::Incident
            | AttrName::From => AttrValue::Name(self.ident(expect(inner.next(), Rule::ident)?)),
            AttrName::Kind => {
                let word = self.ident(expect(inner.next(), Rule::ident)?);
                // The grammar shares `kind` between actors and resources;
                // only an actor's kind is a fixed word.
                if in_actor {
                    self.actor_kind(word)
                } else {
                    AttrValue::Name(word)
                }
            }
            AttrName::Decision => {
                let word = self.ident(expect(inner.next(), Rule::ident)?);
                self.decision(word)
            }
            AttrName::Members
            | AttrName::Support
            | AttrName::After
            | AttrName::Notify
            | AttrName::Activates
            | AttrName::To => {
                let mut names = exact(&inner, |r| r == Rule::ident);
                names.extend(
                    inner
                        .by_ref()
                        .filter(|p| p.as_rule() == Rule::ident)
                        .map(|p| self.ident(p)),
                );
                AttrValue::Names(names.into_boxed_slice())
            }
            AttrName::Capacity => {
                let amount = self.int(expect(inner.next(), Rule::int)?);
                let unit = self.ident(one(expect(inner.next(), Rule::unit)?.into_inner())?);
                AttrValue::Capacity(Box::new(CapacityLit { amount, unit }))
            }
            AttrName::Ready | AttrName::Takes => {
                self.duration_range(expect(inner.next(), Rule::duration_range)?)?
            }
            AttrName::Within | AttrName::Horizon | AttrName::At => {
                AttrValue::Duration(self.duration(expect(inner.next(), Rule::duration)?))
            }
            AttrName::Runs | AttrName::Seed => {
                let n = self.int(expect(inner.next(), Rule::int)?);
                if name == AttrName::Runs && n.value == 0 {
                    self.diagnostics.push(
                        Diagnostic::error(Code::E0002, "a scenario runs at least once", n.span)
                            .with_label("0 runs")
                            .with_help("write `runs 1` for one run, or more for Monte Carlo"),
                    );
                }
                AttrValue::Int(n)
            }
            AttrName::Bind => {
                let mut bindings = exact(&inner, |r| r == Rule::binding);
                for p in inner.by_ref().filter(|p| p.as_rule() == Rule::binding) {
                    let span = self.span(&p);
                    let mut ids = p.into_inner().filter(|p| p.as_rule() == Rule::ident);
                    let role = self.ident(expect(ids.next(), Rule::ident)?);
                    let actor = self.ident(expect(ids.next(), Rule::ident)?);
                    bindings.push(Binding { role, actor, span });
                }
                AttrValue::Bindings(bindings.into_boxed_slice())
            }
            AttrName::Set => {
                let mut assignments = exact(&inner, |r| r == Rule::assignment);
                for p in inner.by_ref().filter(|p| p.as_rule() == Rule::assignment) {
                    let span = self.span(&p);
                    let mut parts = p.into_inner();
                    let fact = self.ident(expect(parts.next(), Rule::ident)?);
                    let value_pair = parts
                        .find(|p| p.as_rule() == Rule::value)
                        .ok_or_else(|| Stop::Bug("an assignment without a value".into()))?;
                    let value_pair = one(value_pair.into_inner())?;
                    let value_span = self.span(&value_pair);
                    let value = match value_pair.as_rule() {
                        Rule::int => Value::Int(self.int(value_pair)),
                        Rule::duration => Value::Duration(self.duration(value_pair)),
                        Rule::kw_true => Value::Bool {
                            value: true,
                            span: value_span,
                        },
                        Rule::kw_false => Value::Bool {
                            value: false,
                            span: value_span,
                        },
                        Rule::ident => Value::Name(self.ident(value_pair)),
                        other => return Err(unexpected(other)),
                    };
                    assignments.push(Assignment { fact, value, span });
                }
                AttrValue::Assignments(assignments.into_boxed_slice())
            }
            AttrName::Delay => {
                let mut delays = exact(&inner, |r| r == Rule::delay_item);
                for p in inner.by_ref().filter(|p| p.as_rule() == Rule::delay_item) {
                    let span = self.span(&p);
                    let mut parts = p.into_inner();
                    let path = self.step_path(expect(parts.next(), Rule::step_path)?)?;
                    let by = parts
                        .find(|p| p.as_rule() == Rule::duration)
                        .ok_or_else(|| Stop::Bug("a delay without a duration".into()))?;
                    let by = self.duration(by);
                    delays.push(Delay { path, by, span });
                }
                AttrValue::Delays(delays.into_boxed_slice())
            }
            AttrName::Block => {
                let mut paths = exact(&inner, |r| r == Rule::step_path);
                for p in inner.by_ref().filter(|p| p.as_rule() == Rule::step_path) {
                    paths.push(self.step_path(p)?);
                }
                AttrValue::Paths(paths.into_boxed_slice())
            }
            AttrName::Resources | AttrName::Requires | AttrName::Withdraw | AttrName::Restore => {
                let mut reqs = exact(&inner, |r| r == Rule::requirement);
                for p in inner.by_ref() {
                    if p.as_rule() == Rule::requirement {
                        reqs.push(self.requirement(p)?);
                    }
                }
                AttrValue::Requirements(reqs.into_boxed_slice())
            }
            AttrName::When => {
                let expr = expect(inner.next(), Rule::expr)?;
                AttrValue::Condition(Box::new(self.expr(expr, 0)?))
            }
        };
        Ok(Attribute { name, value, span })
    }

    fn actor_kind(&mut self, word: Ident) -> AttrValue {
        match ActorKind::from_word(word.name(self.text)) {
            Some(kind) => AttrValue::ActorKind(kind, word.span),
            None => {
                let allowed: Vec<&str> = ActorKind::ALL.iter().map(|k| k.as_str()).collect();
                self.unknown_word("actor kind", &word, &allowed);
                AttrValue::Name(word)
            }
        }
    }

    fn decision(&mut self, word: Ident) -> AttrValue {
        match DecisionRule::from_word(word.name(self.text)) {
            Some(rule) => AttrValue::Decision(rule, word.span),
            None => {
                let allowed: Vec<&str> = DecisionRule::ALL.iter().map(|k| k.as_str()).collect();
                self.unknown_word("decision rule", &word, &allowed);
                AttrValue::Name(word)
            }
        }
    }

    fn unknown_word(&mut self, what: &str, word: &Ident, allowed: &[&str]) {
        let mut diagnostic = Diagnostic::error(
            Code::E0001,
            format!("unknown {what} `{}`", word.name(self.text)),
            word.span,
        )
        .with_label(format!("unknown {what}"))
        .with_note(format!(
            "the {what}s are: {}",
            allowed
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if let Some(best) = suggest::closest(word.name(self.text), allowed.iter().copied()) {
            diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
        }
        self.diagnostics.push(diagnostic);
        // The word stands for nothing; the rest of the file means what it
        // says and is still checked.
        self.recoverable += 1;
    }

    fn step_path(&mut self, pair: Pair<'_, Rule>) -> Lowered<StepPath> {
        let span = self.span(&pair);
        let mut ids = pair.into_inner().filter(|p| p.as_rule() == Rule::ident);
        let procedure = self.ident(expect(ids.next(), Rule::ident)?);
        let step = self.ident(expect(ids.next(), Rule::ident)?);
        Ok(StepPath {
            procedure,
            step,
            span,
        })
    }

    fn requirement(&mut self, pair: Pair<'_, Rule>) -> Lowered<Requirement> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let resource = self.ident(expect(inner.next(), Rule::ident)?);
        let mut amount = None;
        let mut unit = None;
        for p in inner {
            match p.as_rule() {
                Rule::int => amount = Some(self.int(p)),
                Rule::unit => unit = Some(self.ident(one(p.into_inner())?)),
                _ => {}
            }
        }
        Ok(Requirement {
            resource,
            amount,
            unit,
            span,
        })
    }

    fn fact_type(&mut self, pair: Pair<'_, Rule>) -> Lowered<FactType> {
        let pair = one(pair.into_inner())?;
        let span = self.span(&pair);
        Ok(match pair.as_rule() {
            Rule::range_type => {
                let mut ints = pair.into_inner().filter(|p| p.as_rule() == Rule::int);
                let min = self.int(expect(ints.next(), Rule::int)?);
                let max = self.int(expect(ints.next(), Rule::int)?);
                if min.value > max.value {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::E0002,
                            format!("empty range `{}`", &self.text[span.start()..span.end()]),
                            span,
                        )
                        .with_label("the lower bound is above the upper bound")
                        .with_help(format!("write `{}..{}`", max.value, min.value)),
                    );
                }
                FactType::Range { min, max, span }
            }
            Rule::enum_type => {
                let mut variants: Vec<Ident> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(|p| self.ident(p))
                    .collect();
                if variants.len() > 1 {
                    return Ok(FactType::Enum { variants, span });
                }
                let word = variants
                    .pop()
                    .ok_or_else(|| Stop::Bug("empty type".into()))?;
                match word.name(self.text) {
                    "bool" => FactType::Bool(span),
                    "int" => FactType::Int(span),
                    "duration" => FactType::Duration(span),
                    _ => {
                        let mut d = Diagnostic::error(
                            Code::E0001,
                            format!("unknown type `{}`", word.name(self.text)),
                            word.span,
                        )
                        .with_label("not a type")
                        .with_note(
                            "the types are `bool`, `int`, `duration`, a range such as `1..5`, \
                             and an enumeration of at least two variants such as `armed | cyber`",
                        );
                        if let Some(best) =
                            suggest::closest(word.name(self.text), ["bool", "int", "duration"])
                        {
                            d = d.with_help(format!("did you mean `{best}`?"));
                        } else {
                            d = d.with_help(format!(
                                "an enumeration needs a second variant: `{} | …`",
                                word.name(self.text)
                            ));
                        }
                        self.diagnostics.push(d);
                        FactType::Enum {
                            variants: vec![word],
                            span,
                        }
                    }
                }
            }
            other => return Err(unexpected(other)),
        })
    }

    // ------------------------------------------------------------ conditions

    /// Lowers an expression. `depth` counts the parentheses and `not`s that
    /// enclose it; past [`super::MAX_NESTING`] the expression is refused so
    /// that no later pass recurses without bound.
    fn expr(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Lowered<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::expr;
                let inner = pair.into_inner();
                let mut operands = exact(&inner, |r| !matches!(r, Rule::kw_or | Rule::kw_and));
                for p in inner {
                    if matches!(p.as_rule(), Rule::kw_or | Rule::kw_and) {
                        continue;
                    }
                    operands.push(self.expr(p, depth)?);
                }
                if operands.len() == 1 {
                    return operands
                        .pop()
                        .ok_or_else(|| Stop::Bug("empty operands".into()));
                }
                Ok(if is_or {
                    Expr::Or { operands, span }
                } else {
                    Expr::And { operands, span }
                })
            }
            Rule::not_expr => {
                let mut nots = Vec::new();
                let mut operand = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_not => nots.push(self.span(&p)),
                        Rule::cmp => operand = Some(p),
                        other => return Err(unexpected(other)),
                    }
                }
                let operand = operand.ok_or_else(|| Stop::Bug("`not` without operand".into()))?;
                if depth + nots.len() > super::MAX_NESTING {
                    let at = nots[super::MAX_NESTING.saturating_sub(depth).min(nots.len() - 1)];
                    return Err(self.too_deep(at));
                }
                let mut expr = self.expr(operand, depth + nots.len())?;
                for not_span in nots.into_iter().rev() {
                    let span = not_span.to(expr.span());
                    expr = Expr::Not {
                        operand: Box::new(expr),
                        span,
                    };
                }
                Ok(expr)
            }
            Rule::cmp => self.comparison(pair, depth),
            Rule::atom => self.expr(one(pair.into_inner())?, depth),
            Rule::paren => {
                if depth >= super::MAX_NESTING {
                    return Err(self.too_deep(span));
                }
                let inner = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::expr)
                    .ok_or_else(|| Stop::Bug("empty parentheses".into()))?;
                Ok(Expr::Paren {
                    inner: Box::new(self.expr(inner, depth + 1)?),
                    span,
                })
            }
            Rule::int => Ok(Expr::Int(self.int(pair))),
            Rule::duration => Ok(Expr::Duration(self.duration(pair))),
            Rule::kw_true => Ok(Expr::Bool { value: true, span }),
            Rule::kw_false => Ok(Expr::Bool { value: false, span }),
            Rule::ident => Ok(Expr::Name(self.ident(pair))),
            other => Err(unexpected(other)),
        }
    }

    /// `atom (op atom | in [..])*`: at most one comparison is allowed.
    fn comparison(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Lowered<Expr> {
        let mut inner = pair.into_inner();
        let first = expect(inner.next(), Rule::atom)?;
        let mut lhs = self.expr(first, depth)?;
        let mut first_op: Option<Span> = None;
        while let Some(op) = inner.next() {
            let op_span = self.span(&op);
            if let Some(previous) = first_op {
                self.diagnostics.push(
                    Diagnostic::error(Code::E0001, "comparisons cannot be chained", op_span)
                        .with_label("a second comparison")
                        .with_secondary(previous, "after this one")
                        .with_help(
                            "compare two values at a time and join the comparisons with `and`: \
                             `a < b and b < c`",
                        ),
                );
                return Ok(lhs);
            }
            first_op = Some(op_span);
            match op.as_rule() {
                Rule::cmp_op => {
                    let op_kind = match op.as_str() {
                        "==" => CmpOp::Eq,
                        "!=" => CmpOp::Ne,
                        "<" => CmpOp::Lt,
                        "<=" => CmpOp::Le,
                        ">" => CmpOp::Gt,
                        _ => CmpOp::Ge,
                    };
                    let rhs = self.expr(expect(inner.next(), Rule::atom)?, depth)?;
                    let span = lhs.span().to(rhs.span());
                    lhs = Expr::Compare {
                        op: op_kind,
                        op_span,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                        span,
                    };
                }
                Rule::kw_in => {
                    let list_pair = expect(inner.next(), Rule::in_list)?;
                    let list_span = self.span(&list_pair);
                    let items = list_pair.into_inner();
                    let mut list = exact(&items, |r| r == Rule::atom);
                    for p in items {
                        if p.as_rule() == Rule::atom {
                            list.push(self.expr(p, depth)?);
                        }
                    }
                    let span = lhs.span().to(list_span);
                    lhs = Expr::In {
                        lhs: Box::new(lhs),
                        list,
                        span,
                    };
                }
                other => return Err(unexpected(other)),
            }
        }
        Ok(lhs)
    }

    fn too_deep(&mut self, at: Span) -> Stop {
        self.diagnostics.push(
            Diagnostic::error(Code::E0001, "nesting too deep", at)
                .with_label(format!(
                    "more than {} levels of parentheses and `not`",
                    super::MAX_NESTING
                ))
                .with_help("split the condition into simpler facts"),
        );
        Stop::Reported
    }

    // ------------------------------------------------------------ literals

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            span: self.span(&pair),
        }
    }

    fn int(&mut self, pair: Pair<'_, Rule>) -> IntLit {
        let span = self.span(&pair);
        let value = match literal::parse_int(pair.as_str()) {
            Some(v) => v,
            None => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0002,
                        format!(
                            "integer `{}` does not fit in 32 bits",
                            super::shorten(pair.as_str())
                        ),
                        span,
                    )
                    .with_label("too large")
                    .with_help(format!("the largest integer is {}", u32::MAX)),
                );
                0
            }
        };
        IntLit { value, span }
    }

    fn duration(&mut self, pair: Pair<'_, Rule>) -> DurationLit {
        let span = self.span(&pair);
        let minutes = match literal::parse_duration(pair.as_str()) {
            Ok(m) => m,
            Err(literal::DurationError::UnitOrder { canonical }) => {
                let mut d = Diagnostic::error(
                    Code::E0002,
                    format!(
                        "units of duration `{}` are not in decreasing order",
                        super::shorten(pair.as_str())
                    ),
                    span,
                )
                .with_label("units out of order")
                .with_note(
                    "units go from largest to smallest, each at most once: `w`, `d`, `h`, `m`",
                );
                if let Some(canonical) = canonical {
                    d = d.with_help(format!("write `{canonical}`"));
                }
                self.diagnostics.push(d);
                0
            }
            Err(literal::DurationError::Overflow) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::E0002,
                        format!("duration `{}` is too long", super::shorten(pair.as_str())),
                        span,
                    )
                    .with_label("more than 4294967295 minutes")
                    .with_help("durations are stored as minutes in 32 bits (about 8,171 years)"),
                );
                0
            }
        };
        DurationLit { minutes, span }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Lowered<StrLit> {
        let span = self.span(&pair);
        // The body is between the quotes.
        let text = pair.as_str();
        let body = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        let body_start = span.start() + 1;
        // The value is read from the source when needed; here only the
        // escapes are checked.
        let errors = if body.contains('\\') {
            literal::unescape(body).1
        } else {
            Vec::new()
        };
        for error in errors {
            let at = Span::new(self.file, body_start + error.start, body_start + error.end);
            let escape = body.get(error.start..error.end).unwrap_or("");
            self.diagnostics.push(
                Diagnostic::error(
                    Code::E0002,
                    format!("{} `{}` in string", error.what, super::shorten(escape)),
                    at,
                )
                .with_label(error.reason)
                .with_help(error.help.unwrap_or_else(|| {
                    "the escapes are `\\\\`, `\\\"`, `\\n`, `\\t` and `\\u{XXXX}`".to_owned()
                })),
            );
        }
        Ok(StrLit { span })
    }
}

/// Whether a rule of the grammar ends in a repetition or an option, so that
/// its span may take in trailing whitespace and comments.
fn may_overrun(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::attr_members
            | Rule::attr_support
            | Rule::attr_after
            | Rule::attr_notify
            | Rule::attr_activates
            | Rule::attr_resources
            | Rule::attr_requires
            | Rule::attr_withdraw
            | Rule::attr_restore
            | Rule::attr_bind
            | Rule::attr_set
            | Rule::attr_delay
            | Rule::attr_block
            | Rule::attr_to
            | Rule::attr_takes
            | Rule::attr_ready
            | Rule::duration_range
            | Rule::scenario_item
            | Rule::incident_attr
            | Rule::inject_attr
            | Rule::expect
            | Rule::expectation
            | Rule::expect_shortage
            | Rule::expect_deadlines
            | Rule::expect_activated
            | Rule::expect_step
            | Rule::value
            | Rule::assignment
            | Rule::attr_when
            | Rule::requirement
            | Rule::expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::cmp
            | Rule::atom
            | Rule::fact
            | Rule::fact_type
            | Rule::enum_type
            | Rule::procedure_item
            | Rule::trigger_attr
            | Rule::step_attr
            | Rule::actor_attr
            | Rule::resource_attr
            | Rule::handbook_attr
            | Rule::declaration
    )
}

fn unexpected(rule: Rule) -> Stop {
    Stop::Bug(format!("unexpected rule {rule:?}"))
}

/// An empty vector with room for exactly the pairs still in `pairs` whose
/// rule is `wanted`. The tree is built of such vectors, and one that grows
/// or is shrunk afterwards leaves a small hole in the heap behind it, which
/// the tree's later allocations rarely fit: in a large handbook, thousands
/// of them, kept resident while the file is checked.
fn exact<'i, T>(
    pairs: &(impl Iterator<Item = Pair<'i, Rule>> + Clone),
    wanted: impl Fn(Rule) -> bool,
) -> Vec<T> {
    Vec::with_capacity(pairs.clone().filter(|p| wanted(p.as_rule())).count())
}

fn one(mut pairs: Pairs<'_, Rule>) -> Lowered<Pair<'_, Rule>> {
    pairs
        .next()
        .ok_or_else(|| Stop::Bug("missing child".into()))
}

fn expect(pair: Option<Pair<'_, Rule>>, rule: Rule) -> Lowered<Pair<'_, Rule>> {
    match pair {
        Some(p) if p.as_rule() == rule => Ok(p),
        Some(p) => Err(Stop::Bug(format!(
            "expected {rule:?}, found {:?}",
            p.as_rule()
        ))),
        None => Err(Stop::Bug(format!("expected {rule:?}, found nothing"))),
    }
}
