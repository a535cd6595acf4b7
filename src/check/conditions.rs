//! Typing of conditions (docs/reference.md#conditions): E0501 type mismatch, E0502
//! unknown variant, W0503 constant comparison. A name that cannot be
//! resolved types as "unknown", which agrees with everything, so one mistake
//! gives one diagnostic. Recursion follows the expression, whose depth the
//! parser bounds.

use super::model::{Condition, FactIdx, FactType};
use super::{Checker, Kind, undefined, wrong_kind};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{CmpOp, Expr, Ident};

/// How to treat a bare name while typing it.
#[derive(Clone, Debug, Default)]
struct NameContext<'e> {
    /// The enumeration on the other side of a comparison, under which a
    /// bare name may be one of its variants.
    other_enum: Option<FactIdx>,
    /// The other side could not be typed: an unknown name here is most
    /// likely a variant of it, so it is not reported again.
    quiet: bool,
    /// A declaration to suggest for an undefined fact, from the other side.
    declare_as: DeclareAs<'e>,
}

/// The type to suggest for an undefined fact: worked out only when one is
/// reported, since it may list the variants of a large enumeration.
#[derive(Clone, Debug, Default)]
enum DeclareAs<'e> {
    #[default]
    Bool,
    Text(String),
    /// Whatever the other side of the comparison is.
    Like(&'e Expr),
}

/// At most this many variants are written out in a suggested declaration.
const MAX_SUGGESTED_VARIANTS: usize = 12;

/// `a | b | c`, or `a | b | … | l | …` past [`MAX_SUGGESTED_VARIANTS`].
fn alternatives<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> String {
    let more = names.len() > MAX_SUGGESTED_VARIANTS;
    let mut text: Vec<&str> = names.take(MAX_SUGGESTED_VARIANTS).collect();
    if more {
        text.push("…");
    }
    text.join(" | ")
}

/// The type of a (sub)condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    Bool,
    /// An int, with the range of a ranged fact when it is one.
    Int(Option<(u32, u32)>),
    Duration,
    Enum(FactIdx),
    /// Could not be determined; already reported.
    Unknown,
}

impl<'a> Checker<'a> {
    fn describe(&self, ty: Ty) -> String {
        match ty {
            Ty::Bool => "a bool".to_owned(),
            Ty::Int(Some((min, max))) => format!("an int ({min}..{max})"),
            Ty::Int(None) => "an int".to_owned(),
            Ty::Duration => "a duration".to_owned(),
            Ty::Enum(f) => format!(
                "an enumeration (`{}`)",
                self.model.names.get(self.model.facts[f].id)
            ),
            Ty::Unknown => "unknown".to_owned(),
        }
    }

    fn fact_ty(&self, fact: FactIdx) -> Ty {
        match &self.model.facts[fact].ty {
            FactType::Bool => Ty::Bool,
            FactType::Int => Ty::Int(None),
            FactType::Range { min, max } => Ty::Int(Some((*min, *max))),
            FactType::Duration => Ty::Duration,
            FactType::Enum { .. } => Ty::Enum(fact),
        }
    }

    fn variants(&self, fact: FactIdx) -> &[&'a str] {
        self.variants.get(fact).map_or(&[], Vec::as_slice)
    }

    fn is_variant(&self, fact: FactIdx, name: &str) -> bool {
        self.variant_sets
            .get(fact)
            .is_some_and(|set| set.contains(name))
    }

    /// The enumeration fact an expression names, without reporting anything.
    fn peek_enum(&self, expr: &Expr) -> Option<FactIdx> {
        let mut expr = expr;
        while let Expr::Paren { inner, .. } = expr {
            expr = inner;
        }
        let Expr::Name(id) = expr else { return None };
        let symbol = self.names.get(id.name(self.src))?;
        (symbol.kind == Kind::Fact
            && matches!(self.model.facts[symbol.index].ty, FactType::Enum { .. }))
        .then_some(symbol.index)
    }

    /// Types the `when` of a trigger, which must be a bool.
    pub(super) fn condition(&mut self, expr: &Expr, trigger: &Ident) -> Condition {
        let (condition, ty) = self.typed(expr, None);
        if !matches!(ty, Ty::Bool | Ty::Unknown) {
            let found = self.describe(ty);
            self.push(
                Diagnostic::error(
                    Code::E0501,
                    format!(
                        "the condition of trigger `{}` must be a bool, found {found}",
                        trigger.name(self.src)
                    ),
                    expr.span(),
                )
                .with_label(format!("this is {found}"))
                .with_help(self.compare_hint(expr, ty)),
            );
        }
        condition
    }

    /// Types `expr`. `other_enum` is the enumeration on the other side of a
    /// comparison, under which a bare name may be one of its variants.
    fn typed(&mut self, expr: &Expr, other_enum: Option<FactIdx>) -> (Condition, Ty) {
        let context = NameContext {
            other_enum,
            ..NameContext::default()
        };
        self.typed_in(expr, &context)
    }

    fn typed_in(&mut self, expr: &Expr, context: &NameContext<'_>) -> (Condition, Ty) {
        match expr {
            Expr::Int(lit) => (Condition::Int(lit.value), Ty::Int(None)),
            Expr::Duration(lit) => (Condition::Duration(lit.minutes), Ty::Duration),
            Expr::Bool { value, .. } => (Condition::Bool(*value), Ty::Bool),
            Expr::Paren { inner, .. } => self.typed_in(inner, context),
            Expr::Name(id) => self.name(id, context),
            Expr::Not { operand, .. } => {
                let (c, ty) = self.typed(operand, None);
                self.expect_bool(ty, operand, "`not`");
                (Condition::Not(Box::new(c)), Ty::Bool)
            }
            Expr::And { operands, .. } | Expr::Or { operands, .. } => {
                let word = if matches!(expr, Expr::And { .. }) {
                    "`and`"
                } else {
                    "`or`"
                };
                let mut parts = Vec::with_capacity(operands.len());
                for operand in operands {
                    let (c, ty) = self.typed(operand, None);
                    self.expect_bool(ty, operand, word);
                    parts.push(c);
                }
                let c = if matches!(expr, Expr::And { .. }) {
                    Condition::And(parts)
                } else {
                    Condition::Or(parts)
                };
                (c, Ty::Bool)
            }
            Expr::Compare {
                op,
                op_span,
                lhs,
                rhs,
                span,
            } => self.comparison(*op, *op_span, lhs, rhs, *span),
            Expr::In { lhs, list, span } => self.membership(lhs, list, *span),
        }
    }

    fn expect_bool(&mut self, ty: Ty, operand: &Expr, operator: &str) {
        if matches!(ty, Ty::Bool | Ty::Unknown) {
            return;
        }
        let span = operand.span();
        let found = self.describe(ty);
        let help = self.compare_hint(operand, ty);
        self.push(
            Diagnostic::error(
                Code::E0501,
                format!("{operator} needs a bool, found {found}"),
                span,
            )
            .with_label(format!("this is {found}"))
            .with_help(help),
        );
    }

    fn name(&mut self, id: &Ident, context: &NameContext<'_>) -> (Condition, Ty) {
        let other_enum = context.other_enum;
        if let Some(fact) = other_enum
            && self.is_variant(fact, id.name(self.src))
        {
            return (
                Condition::Variant {
                    fact,
                    name: self.name_of(id),
                },
                Ty::Enum(fact),
            );
        }
        match self.names.get(id.name(self.src)).copied() {
            Some(symbol) if symbol.kind == Kind::Fact => {
                self.mark_used(symbol);
                (Condition::Fact(symbol.index), self.fact_ty(symbol.index))
            }
            Some(symbol) => {
                self.mark_used(symbol);
                self.push(wrong_kind(self.src, id, Kind::Fact, symbol));
                (Condition::Bool(false), Ty::Unknown)
            }
            None => {
                if let Some(fact) = other_enum {
                    self.unknown_variant(id, fact);
                } else if self.complete && !context.quiet {
                    let best = self.suggestion(id.name(self.src), Kind::Fact);
                    let hint = match self.variant_owner(id.name(self.src)) {
                        Some(fact) => format!(
                            "`{}` is a variant of `{fact}`: compare them, as in `{fact} == {}`",
                            id.name(self.src),
                            id.name(self.src)
                        ),
                        None => {
                            let ty = match &context.declare_as {
                                DeclareAs::Bool => None,
                                DeclareAs::Text(text) => Some(text.clone()),
                                DeclareAs::Like(other) => self.declaration_from(other),
                            };
                            format!(
                                "declare it: `fact {}: {}`",
                                id.name(self.src),
                                ty.as_deref().unwrap_or("bool")
                            )
                        }
                    };
                    self.push(undefined(self.src, id, Kind::Fact, best, Some(hint)));
                }
                (Condition::Bool(false), Ty::Unknown)
            }
        }
    }

    /// The type to suggest for an undefined fact compared with `other`.
    fn declaration_from(&self, other: &Expr) -> Option<String> {
        let mut other = other;
        while let Expr::Paren { inner, .. } = other {
            other = inner;
        }
        match other {
            Expr::Int(_) => Some("int".to_owned()),
            Expr::Duration(_) => Some("duration".to_owned()),
            Expr::Bool { .. } => Some("bool".to_owned()),
            Expr::Name(id) => match self.names.get(id.name(self.src)) {
                Some(symbol) if symbol.kind == Kind::Fact => {
                    Some(match &self.model.facts[symbol.index].ty {
                        FactType::Bool => "bool".to_owned(),
                        FactType::Int | FactType::Range { .. } => "int".to_owned(),
                        FactType::Duration => "duration".to_owned(),
                        FactType::Enum { variants } => {
                            alternatives(variants.iter().map(|&v| self.model.names.get(v)))
                        }
                    })
                }
                Some(_) => None,
                None => Some(format!("{} | …", id.name(self.src))),
            },
            _ => None,
        }
    }

    /// How to turn `expr`, of type `ty`, into a bool: a comparison that
    /// uses the user's own names.
    fn compare_hint(&self, expr: &Expr, ty: Ty) -> String {
        let text = match expr {
            Expr::Name(id) => format!("`{}`", id.name(self.src)),
            _ => "it".to_owned(),
        };
        let name = match expr {
            Expr::Name(id) => id.name(self.src).to_owned(),
            _ => "…".to_owned(),
        };
        let example = match ty {
            // Not the lower bound, which would always hold (W0503).
            Ty::Int(Some((min, max))) => format!("{name} >= {}", max.max(min)),
            Ty::Int(None) => format!("{name} >= 1"),
            Ty::Duration => format!("{name} >= 1d"),
            Ty::Enum(f) => format!("{name} == {}", self.variants(f).first().unwrap_or(&"…")),
            Ty::Bool | Ty::Unknown => name,
        };
        format!("compare {text} with a value to make a bool, such as `{example}`")
    }

    /// The first enumeration fact that has a variant of this name.
    fn variant_owner(&self, name: &str) -> Option<String> {
        let fact = *self.variant_owners.get(name)?;
        Some(self.model.names.get(self.model.facts[fact].id).to_owned())
    }

    pub(super) fn unknown_variant(&mut self, id: &Ident, fact: FactIdx) {
        let variants = super::name_list_of(
            self.variants(fact).iter().copied(),
            self.variants(fact).len(),
            20,
        );
        let fact_id = self.model.names.get(self.model.facts[fact].id).to_owned();
        let fact_span = self.facts[fact].ty.span();
        let mut d = Diagnostic::error(
            Code::E0502,
            format!("`{}` is not a variant of `{fact_id}`", id.name(self.src)),
            id.span,
        )
        .with_label(format!("unknown variant of `{fact_id}`"))
        .with_secondary(
            fact_span,
            format!("the variants of `{fact_id}` are declared here"),
        )
        .with_note(format!("the variants are {variants}"));
        if !self.variant_candidates.contains_key(&fact) {
            let index = crate::suggest::Candidates::new(self.variants(fact).iter().copied());
            self.variant_candidates.insert(fact, index);
        }
        let best = self
            .variant_candidates
            .get(&fact)
            .and_then(|index| index.closest(id.name(self.src), None));
        if let Some(best) = best {
            d = d.with_help(format!("did you mean `{best}`?"));
        }
        self.push(d);
    }

    fn comparison(
        &mut self,
        op: CmpOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> (Condition, Ty) {
        let lhs_enum = self.peek_enum(lhs);
        let rhs_enum = self.peek_enum(rhs);
        let lhs_context = NameContext {
            other_enum: rhs_enum,
            quiet: false,
            declare_as: DeclareAs::Like(rhs),
        };
        let (lc, lt) = self.typed_in(lhs, &lhs_context);
        let rhs_context = NameContext {
            other_enum: lhs_enum,
            quiet: lt == Ty::Unknown,
            declare_as: DeclareAs::Like(lhs),
        };
        let (rc, rt) = self.typed_in(rhs, &rhs_context);
        let condition = Condition::Compare {
            op,
            lhs: Box::new(lc.clone()),
            rhs: Box::new(rc.clone()),
        };
        if lt == Ty::Unknown || rt == Ty::Unknown {
            return (condition, Ty::Bool);
        }
        let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        let agree = match (lt, rt) {
            (Ty::Int(_), Ty::Int(_)) | (Ty::Duration, Ty::Duration) => true,
            (Ty::Bool, Ty::Bool) | (Ty::Enum(_), Ty::Enum(_)) if ordering => false,
            (Ty::Bool, Ty::Bool) => true,
            (Ty::Enum(a), Ty::Enum(b)) => a == b,
            _ => false,
        };
        if !agree {
            let (left, right) = (self.describe(lt), self.describe(rt));
            let same_kind = lt == rt || matches!((lt, rt), (Ty::Enum(_), Ty::Enum(_)));
            let message = if ordering && same_kind {
                format!("`{}` orders ints and durations, not {left}", op.as_str())
            } else {
                format!(
                    "type mismatch: `{}` between {left} and {right}",
                    op.as_str()
                )
            };
            self.push(
                Diagnostic::error(Code::E0501, message, op_span)
                    .with_label("these cannot be compared")
                    .with_secondary(lhs.span(), format!("this is {left}"))
                    .with_secondary(rhs.span(), format!("this is {right}"))
                    .with_help(if ordering {
                        "`<`, `<=`, `>`, `>=` compare two ints or two durations"
                    } else {
                        "`==` and `!=` compare two values of the same type"
                    }),
            );
            return (condition, Ty::Bool);
        }
        // A ranged fact against a literal can make the result constant.
        let constant = match (&lc, lt, &rc, rt) {
            (Condition::Fact(f), Ty::Int(Some(range)), Condition::Int(v), _) => {
                constant_comparison(op, range, *v).map(|r| (*f, range, r))
            }
            (Condition::Int(v), _, Condition::Fact(f), Ty::Int(Some(range))) => {
                constant_comparison(flip(op), range, *v).map(|r| (*f, range, r))
            }
            _ => None,
        };
        if let Some((fact, range, result)) = constant {
            self.constant_warning(span, fact, range, result);
        }
        (condition, Ty::Bool)
    }

    fn membership(&mut self, lhs: &Expr, list: &[Expr], span: Span) -> (Condition, Ty) {
        let names: Vec<&str> = list
            .iter()
            .filter_map(|item| match item {
                Expr::Name(id) => Some(id.name(self.src)),
                _ => None,
            })
            .collect();
        let declare_as = match (names.len(), list.first()) {
            (0, Some(first)) => DeclareAs::Like(first),
            (0, None) => DeclareAs::Bool,
            (1, _) => DeclareAs::Text(format!("{} | …", names[0])),
            _ => DeclareAs::Text(alternatives(names.iter().copied())),
        };
        let lhs_context = NameContext {
            declare_as,
            ..NameContext::default()
        };
        let (lc, lt) = self.typed_in(lhs, &lhs_context);
        let enum_fact = match lt {
            Ty::Enum(f) => Some(f),
            _ => None,
        };
        let mut items = Vec::with_capacity(list.len());
        let mut literals = Vec::new();
        let item_context = NameContext {
            other_enum: enum_fact,
            quiet: lt == Ty::Unknown,
            declare_as: DeclareAs::Bool,
        };
        for item in list {
            let (c, ty) = self.typed_in(item, &item_context);
            let fits = match (lt, ty) {
                (_, Ty::Unknown) | (Ty::Unknown, _) => true,
                (Ty::Enum(a), Ty::Enum(b)) => a == b,
                (Ty::Int(_), Ty::Int(_)) => true,
                _ => false,
            };
            if !fits && matches!(lt, Ty::Enum(_) | Ty::Int(_)) {
                let (left, found) = (self.describe(lt), self.describe(ty));
                self.push(
                    Diagnostic::error(
                        Code::E0501,
                        format!("type mismatch: `in` list of {left} holds {found}"),
                        item.span(),
                    )
                    .with_label(format!("this is {found}"))
                    .with_secondary(lhs.span(), format!("this is {left}"))
                    .with_help("an `in` list holds values of the type on its left"),
                );
            }
            if let Condition::Int(v) = c {
                literals.push(v);
            }
            items.push(c);
        }
        if !matches!(lt, Ty::Enum(_) | Ty::Int(_) | Ty::Unknown) {
            let found = self.describe(lt);
            self.push(
                Diagnostic::error(
                    Code::E0501,
                    format!("`in` needs an enumeration or an int on its left, found {found}"),
                    lhs.span(),
                )
                .with_label(format!("this is {found}"))
                .with_help("use `in` as `attack in [armed, hybrid]` or `severity in [4, 5]`"),
            );
        } else if let (Condition::Fact(f), Ty::Int(Some((min, max)))) = (&lc, lt)
            && literals.len() == list.len()
        {
            let inside: std::collections::BTreeSet<u32> = literals
                .iter()
                .copied()
                .filter(|v| (min..=max).contains(v))
                .collect();
            let result = if inside.is_empty() {
                Some(false)
            } else if u64::try_from(inside.len()).unwrap_or(0) == u64::from(max - min) + 1 {
                Some(true)
            } else {
                None
            };
            if let Some(result) = result {
                self.constant_warning(span, *f, (min, max), result);
            }
        }
        (
            Condition::In {
                lhs: Box::new(lc),
                list: items,
            },
            Ty::Bool,
        )
    }

    fn constant_warning(
        &mut self,
        span: Span,
        fact: FactIdx,
        (min, max): (u32, u32),
        result: bool,
    ) {
        let id = self.model.names.get(self.model.facts[fact].id).to_owned();
        let fact_span = self.facts[fact].ty.span();
        self.push(
            Diagnostic::new(Code::W0503, format!("comparison is always {result}"), span)
                .with_label(format!("always {result}: `{id}` lies within {min}..{max}"))
                .with_secondary(
                    fact_span,
                    format!("`{id}` is declared as {min}..{max} here"),
                )
                .with_help("check the value against the range of the fact"),
        );
    }
}

/// `a op b` as `b op' a`.
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// Whether `x op value` is the same for every `x` in `min..=max`.
fn constant_comparison(op: CmpOp, (min, max): (u32, u32), value: u32) -> Option<bool> {
    if min > max {
        return None;
    }
    let always = |holds_for_all: bool, holds_for_none: bool| {
        if holds_for_all {
            Some(true)
        } else if holds_for_none {
            Some(false)
        } else {
            None
        }
    };
    match op {
        CmpOp::Eq => always(min == max && min == value, value < min || value > max),
        CmpOp::Ne => always(value < min || value > max, min == max && min == value),
        CmpOp::Lt => always(max < value, min >= value),
        CmpOp::Le => always(max <= value, min > value),
        CmpOp::Gt => always(min > value, max <= value),
        CmpOp::Ge => always(min >= value, max < value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_comparisons_on_a_range() {
        let r = (1, 5);
        assert_eq!(constant_comparison(CmpOp::Ge, r, 7), Some(false));
        assert_eq!(constant_comparison(CmpOp::Ge, r, 1), Some(true));
        assert_eq!(constant_comparison(CmpOp::Ge, r, 3), None);
        assert_eq!(constant_comparison(CmpOp::Eq, r, 0), Some(false));
        assert_eq!(constant_comparison(CmpOp::Ne, r, 9), Some(true));
        assert_eq!(constant_comparison(CmpOp::Lt, r, 6), Some(true));
        assert_eq!(constant_comparison(CmpOp::Gt, r, 5), Some(false));
        assert_eq!(constant_comparison(flip(CmpOp::Le), r, 0), Some(true));
    }
}
