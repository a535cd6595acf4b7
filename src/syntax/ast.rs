//! The typed syntax tree of one Muster file.
//!
//! Every node carries the byte [`Span`] of the text it came from. Blocks keep
//! their attributes as a list in source order, duplicates included, so that
//! the checker can report an attribute given twice (E0106) and the formatter
//! can reproduce the file. Accessors such as [`Actor::attr`] return the first
//! occurrence, which is the one that has meaning.

use serde::Serialize;

use std::borrow::Cow;

use super::literal;
use crate::source::{Span, Text};

/// One parsed file.
#[derive(Clone, Debug, Serialize)]
pub struct File {
    pub declarations: Vec<Declaration>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum Declaration {
    Handbook(Handbook),
    Use(Use),
    Actor(Actor),
    Resource(Resource),
    Fact(Fact),
    Procedure(Procedure),
    Scenario(Scenario),
}

impl Declaration {
    pub fn span(&self) -> Span {
        match self {
            Declaration::Handbook(d) => d.span,
            Declaration::Use(d) => d.span,
            Declaration::Actor(d) => d.span,
            Declaration::Resource(d) => d.span,
            Declaration::Fact(d) => d.span,
            Declaration::Procedure(d) => d.span,
            Declaration::Scenario(d) => d.span,
        }
    }
}

/// A name as written: where the identifier stands. The tree owns no text:
/// the name is borrowed from the source ([`Ident::name`]), so a name costs
/// its span, 12 bytes, however often it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub span: Span,
}

impl Ident {
    /// The identifier, borrowed from the source text.
    pub fn name<'t, T: Text + ?Sized>(&self, text: &'t T) -> &'t str {
        text.text(self.span)
    }
}

/// A string literal, quotes included in its span. Its value, with the
/// escapes decoded, is read from the source when needed
/// ([`StrLit::value`]); lowering has already reported every bad escape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StrLit {
    pub span: Span,
}

impl StrLit {
    /// The value: borrowed from the source unless it has escapes.
    pub fn value<'t, T: Text + ?Sized>(&self, text: &'t T) -> Cow<'t, str> {
        literal::string_value(text.text(self.span))
    }
}

/// A doc comment: the span of its `///` lines, from the first `///` to the
/// end of the last line. Its text is read when needed ([`Doc::text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Doc {
    pub span: Span,
}

impl Doc {
    /// The text: each line without its `///`, one space after it and
    /// trailing blanks, joined by line feeds.
    pub fn text<'t, T: Text + ?Sized>(&self, text: &'t T) -> Cow<'t, str> {
        literal::doc_value(text.text(self.span))
    }
}

/// An integer literal (fits in 32 bits unsigned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IntLit {
    pub value: u32,
    pub span: Span,
}

/// A duration literal, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DurationLit {
    pub minutes: u32,
    pub span: Span,
}

/// `handbook "Title" { … }`
#[derive(Clone, Debug, Serialize)]
pub struct Handbook {
    pub doc: Option<Doc>,
    pub title: StrLit,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `use "path.muster"`
#[derive(Clone, Debug, Serialize)]
pub struct Use {
    pub path: StrLit,
    pub span: Span,
}

/// `actor ID ["Label"] { … }`
#[derive(Clone, Debug, Serialize)]
pub struct Actor {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `resource ID ["Label"] { … }`
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `fact ID : TYPE`
#[derive(Clone, Debug, Serialize)]
pub struct Fact {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub ty: FactType,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum FactType {
    Bool(Span),
    Int(Span),
    Duration(Span),
    Range {
        min: IntLit,
        max: IntLit,
        span: Span,
    },
    Enum {
        variants: Vec<Ident>,
        span: Span,
    },
}

impl FactType {
    pub fn span(&self) -> Span {
        match self {
            FactType::Bool(span) | FactType::Int(span) | FactType::Duration(span) => *span,
            FactType::Range { span, .. } | FactType::Enum { span, .. } => *span,
        }
    }
}

/// `procedure ID ["Label"] { … }`
#[derive(Clone, Debug, Serialize)]
pub struct Procedure {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    /// Attributes, triggers and steps in source order.
    pub items: Vec<ProcedureItem>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ProcedureItem {
    Attribute(Attribute),
    Trigger(Trigger),
    Step(Step),
}

/// `trigger ID ["Label"] { … }`, only inside a procedure.
#[derive(Clone, Debug, Serialize)]
pub struct Trigger {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `step ID ["Label"] { … }`, only inside a procedure.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `scenario ID ["Label"] { … }`: incidents and injects played against the
/// handbook, and what is expected of it.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    /// Attributes, incidents, injects and expectations in source order.
    pub items: Vec<ScenarioItem>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ScenarioItem {
    Attribute(Attribute),
    Incident(Incident),
    Inject(Inject),
    Expect(Expect),
}

/// `incident ID ["Label"] { … }`, only inside a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Incident {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `inject ID ["Label"] { … }`, only inside a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Inject {
    pub doc: Option<Doc>,
    pub id: Ident,
    pub label: Option<StrLit>,
    pub attrs: Box<[Attribute]>,
    pub span: Span,
}

/// `expect EXPECTATION`.
#[derive(Clone, Debug, Serialize)]
pub struct Expect {
    pub expectation: Expectation,
    /// From `expect` to the end of the expectation.
    pub span: Span,
}

/// What a scenario expects of the handbook.
#[derive(Clone, Debug, Serialize)]
pub enum Expectation {
    /// `INCIDENT.PROCEDURE.STEP within DURATION [in N%]`
    Step {
        incident: Ident,
        procedure: Ident,
        step: Ident,
        within: DurationLit,
        share: Option<IntLit>,
    },
    /// `[not] INCIDENT.PROCEDURE activated [within DURATION]`
    Activated {
        negated: bool,
        incident: Ident,
        procedure: Ident,
        within: Option<DurationLit>,
    },
    /// `no shortage [of RESOURCE]`
    NoShortage { resource: Option<Ident> },
    /// `deadlines met [in N%]`
    DeadlinesMet { share: Option<IntLit> },
}

/// `ROLE = ACTOR` in `bind`.
#[derive(Clone, Debug, Serialize)]
pub struct Binding {
    pub role: Ident,
    pub actor: Ident,
    pub span: Span,
}

/// `FACT = VALUE` in `set`.
#[derive(Clone, Debug, Serialize)]
pub struct Assignment {
    pub fact: Ident,
    pub value: Value,
    pub span: Span,
}

/// The value of a `set`.
#[derive(Clone, Debug, Serialize)]
pub enum Value {
    Int(IntLit),
    Duration(DurationLit),
    Bool {
        value: bool,
        span: Span,
    },
    /// A variant of the fact's enumeration.
    Name(Ident),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Int(lit) => lit.span,
            Value::Duration(lit) => lit.span,
            Value::Bool { span, .. } => *span,
            Value::Name(id) => id.span,
        }
    }
}

/// `PROCEDURE.STEP`.
#[derive(Clone, Debug, Serialize)]
pub struct StepPath {
    pub procedure: Ident,
    pub step: Ident,
    pub span: Span,
}

/// `PROCEDURE.STEP by DURATION` in `delay`.
#[derive(Clone, Debug, Serialize)]
pub struct Delay {
    pub path: StepPath,
    pub by: DurationLit,
    pub span: Span,
}

/// A ranged duration: `1d..3d` (uniform, `mode` absent) or `1d..2d..5d`
/// (triangular: least, most likely, most).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DurationRange {
    pub min: DurationLit,
    pub mode: Option<DurationLit>,
    pub max: DurationLit,
    pub span: Span,
}

/// The attribute names of the language. Which block accepts which is fixed
/// by the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AttrName {
    Version,
    Owner,
    Note,
    Kind,
    Parent,
    Members,
    Provider,
    Capacity,
    Ready,
    Lead,
    Support,
    Resources,
    When,
    After,
    Takes,
    Within,
    Requires,
    Notify,
    Decision,
    Activates,
    Runs,
    Seed,
    Horizon,
    At,
    Bind,
    Set,
    Incident,
    Withdraw,
    Restore,
    Delay,
    Block,
    From,
    To,
}

impl AttrName {
    /// The word as written in source.
    pub fn as_str(self) -> &'static str {
        match self {
            AttrName::Version => "version",
            AttrName::Owner => "owner",
            AttrName::Note => "note",
            AttrName::Kind => "kind",
            AttrName::Parent => "parent",
            AttrName::Members => "members",
            AttrName::Provider => "provider",
            AttrName::Capacity => "capacity",
            AttrName::Ready => "ready",
            AttrName::Lead => "lead",
            AttrName::Support => "support",
            AttrName::Resources => "resources",
            AttrName::When => "when",
            AttrName::After => "after",
            AttrName::Takes => "takes",
            AttrName::Within => "within",
            AttrName::Requires => "requires",
            AttrName::Notify => "notify",
            AttrName::Decision => "decision",
            AttrName::Activates => "activates",
            AttrName::Runs => "runs",
            AttrName::Seed => "seed",
            AttrName::Horizon => "horizon",
            AttrName::At => "at",
            AttrName::Bind => "bind",
            AttrName::Set => "set",
            AttrName::Incident => "incident",
            AttrName::Withdraw => "withdraw",
            AttrName::Restore => "restore",
            AttrName::Delay => "delay",
            AttrName::Block => "block",
            AttrName::From => "from",
            AttrName::To => "to",
        }
    }
}

/// One `name value` attribute of a block.
#[derive(Clone, Debug, Serialize)]
pub struct Attribute {
    pub name: AttrName,
    pub value: AttrValue,
    /// From the attribute name to the end of its value.
    pub span: Span,
}

impl Attribute {
    /// The attribute's name as written: an attribute starts with its
    /// name, so the tree does not keep this span.
    pub fn name_span(&self) -> Span {
        self.span
            .with_end(self.span.start() + self.name.as_str().len())
    }
}

/// Lists are boxed slices: a tree is built once and never grows, and a
/// `Vec`'s capacity word would make every attribute larger.
#[derive(Clone, Debug, Serialize)]
pub enum AttrValue {
    /// `version`, `note`.
    Str(StrLit),
    /// `owner`, `parent`, `provider`, `lead`, resource `kind`.
    Name(Ident),
    /// `members`, `support`, `after`, `notify`, `activates`, `to`.
    Names(Box<[Ident]>),
    /// Actor `kind`.
    ActorKind(ActorKind, Span),
    /// `decision`.
    Decision(DecisionRule, Span),
    /// `capacity INT UNIT`.
    /// Boxed, like [`AttrValue::Range`]: only resources have one.
    Capacity(Box<CapacityLit>),
    /// `ready`, `takes`, `within`, `horizon`, `at`.
    Duration(DurationLit),
    /// A ranged `takes` or `ready`.
    /// Boxed: a range is rare, and inline it would double every attribute.
    Range(Box<DurationRange>),
    /// `resources`, `requires`, `withdraw`, `restore`.
    Requirements(Box<[Requirement]>),
    /// `when`.
    /// Boxed, like [`AttrValue::Range`].
    Condition(Box<Expr>),
    /// `runs`, `seed`.
    Int(IntLit),
    /// `bind`.
    Bindings(Box<[Binding]>),
    /// `set`.
    Assignments(Box<[Assignment]>),
    /// `delay`.
    Delays(Box<[Delay]>),
    /// `block`.
    Paths(Box<[StepPath]>),
}

/// `capacity INT UNIT`.
#[derive(Clone, Debug, Serialize)]
pub struct CapacityLit {
    pub amount: IntLit,
    pub unit: Ident,
}

/// `ID [ "(" INT [UNIT] ")" ]`
#[derive(Clone, Debug, Serialize)]
pub struct Requirement {
    pub resource: Ident,
    pub amount: Option<IntLit>,
    pub unit: Option<Ident>,
    pub span: Span,
}

/// The fixed kinds of actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ActorKind {
    MemberState,
    Institution,
    Body,
    Agency,
    Service,
    Office,
    Group,
    Role,
    External,
}

impl ActorKind {
    pub const ALL: [ActorKind; 9] = [
        ActorKind::MemberState,
        ActorKind::Institution,
        ActorKind::Body,
        ActorKind::Agency,
        ActorKind::Service,
        ActorKind::Office,
        ActorKind::Group,
        ActorKind::Role,
        ActorKind::External,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::MemberState => "member_state",
            ActorKind::Institution => "institution",
            ActorKind::Body => "body",
            ActorKind::Agency => "agency",
            ActorKind::Service => "service",
            ActorKind::Office => "office",
            ActorKind::Group => "group",
            ActorKind::Role => "role",
            ActorKind::External => "external",
        }
    }

    pub fn from_word(word: &str) -> Option<ActorKind> {
        ActorKind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// The fixed decision rules of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DecisionRule {
    Unanimity,
    QualifiedMajority,
    SimpleMajority,
    Consensus,
}

impl DecisionRule {
    pub const ALL: [DecisionRule; 4] = [
        DecisionRule::Unanimity,
        DecisionRule::QualifiedMajority,
        DecisionRule::SimpleMajority,
        DecisionRule::Consensus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionRule::Unanimity => "unanimity",
            DecisionRule::QualifiedMajority => "qualified_majority",
            DecisionRule::SimpleMajority => "simple_majority",
            DecisionRule::Consensus => "consensus",
        }
    }

    pub fn from_word(word: &str) -> Option<DecisionRule> {
        DecisionRule::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// A condition. `and` and `or` are n-ary so that a long flat chain of them
/// is a wide node rather than a deep one; nesting depth is bounded by the
/// lowering (see `syntax::MAX_NESTING`).
#[derive(Clone, Debug, Serialize)]
pub enum Expr {
    Int(IntLit),
    Duration(DurationLit),
    Bool {
        value: bool,
        span: Span,
    },
    Name(Ident),
    Not {
        operand: Box<Expr>,
        span: Span,
    },
    And {
        operands: Vec<Expr>,
        span: Span,
    },
    Or {
        operands: Vec<Expr>,
        span: Span,
    },
    Compare {
        op: CmpOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        span: Span,
    },
    In {
        lhs: Box<Expr>,
        list: Vec<Expr>,
        span: Span,
    },
    /// `( expr )`, kept so that spans and the formatter see what was written.
    Paren {
        inner: Box<Expr>,
        span: Span,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Int(lit) => lit.span,
            Expr::Duration(lit) => lit.span,
            Expr::Name(id) => id.span,
            Expr::Bool { span, .. }
            | Expr::Not { span, .. }
            | Expr::And { span, .. }
            | Expr::Or { span, .. }
            | Expr::Compare { span, .. }
            | Expr::In { span, .. }
            | Expr::Paren { span, .. } => *span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

macro_rules! attr_accessor {
    ($($ty:ident),*) => {$(
        impl $ty {
            /// The first attribute with this name, if any.
            pub fn attr(&self, name: AttrName) -> Option<&Attribute> {
                self.attrs.iter().find(|a| a.name == name)
            }
        }
    )*};
}
attr_accessor!(Handbook, Actor, Resource, Trigger, Step, Incident, Inject);

impl Scenario {
    /// The scenario's own attributes, in source order.
    pub fn attrs(&self) -> impl Iterator<Item = &Attribute> {
        self.items.iter().filter_map(|item| match item {
            ScenarioItem::Attribute(a) => Some(a),
            _ => None,
        })
    }

    /// The first attribute with this name, if any.
    pub fn attr(&self, name: AttrName) -> Option<&Attribute> {
        self.attrs().find(|a| a.name == name)
    }

    pub fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.items.iter().filter_map(|item| match item {
            ScenarioItem::Incident(i) => Some(i),
            _ => None,
        })
    }

    pub fn injects(&self) -> impl Iterator<Item = &Inject> {
        self.items.iter().filter_map(|item| match item {
            ScenarioItem::Inject(i) => Some(i),
            _ => None,
        })
    }

    pub fn expects(&self) -> impl Iterator<Item = &Expect> {
        self.items.iter().filter_map(|item| match item {
            ScenarioItem::Expect(e) => Some(e),
            _ => None,
        })
    }
}

impl Procedure {
    /// The procedure's own attributes, in source order.
    pub fn attrs(&self) -> impl Iterator<Item = &Attribute> {
        self.items.iter().filter_map(|item| match item {
            ProcedureItem::Attribute(a) => Some(a),
            _ => None,
        })
    }

    /// The first attribute with this name, if any.
    pub fn attr(&self, name: AttrName) -> Option<&Attribute> {
        self.attrs().find(|a| a.name == name)
    }

    pub fn triggers(&self) -> impl Iterator<Item = &Trigger> {
        self.items.iter().filter_map(|item| match item {
            ProcedureItem::Trigger(t) => Some(t),
            _ => None,
        })
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.items.iter().filter_map(|item| match item {
            ProcedureItem::Step(s) => Some(s),
            _ => None,
        })
    }
}

impl ProcedureItem {
    /// The attributes this item holds: itself, or its block's.
    pub fn attrs(&self) -> &[Attribute] {
        match self {
            ProcedureItem::Attribute(a) => std::slice::from_ref(a),
            ProcedureItem::Trigger(t) => &t.attrs,
            ProcedureItem::Step(s) => &s.attrs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handbook's tree is mostly attributes and the steps that hold
    /// them, and it is kept whole while the file is checked: a field that
    /// makes them larger costs every handbook (docs/PERFORMANCE.md).
    #[test]
    fn attributes_and_steps_stay_small() {
        assert!(std::mem::size_of::<AttrValue>() <= 24);
        assert!(std::mem::size_of::<Attribute>() <= 40);
        assert!(std::mem::size_of::<ProcedureItem>() <= 80);
    }
}
