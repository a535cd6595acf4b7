//! Translation of pest's one parse error into an E0001 diagnostic that
//! speaks words, not rule names.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use super::scan::{self, Found};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::suggest;

const DECLARATIONS: &[&str] = &[
    "handbook",
    "use",
    "actor",
    "resource",
    "fact",
    "procedure",
    "scenario",
];
const HANDBOOK_ATTRS: &[&str] = &["version", "owner", "note"];
const ACTOR_ATTRS: &[&str] = &["kind", "parent", "members", "note"];
const RESOURCE_ATTRS: &[&str] = &["kind", "provider", "capacity", "ready", "note"];
const PROCEDURE_ITEMS: &[&str] = &["lead", "support", "resources", "note", "trigger", "step"];
const TRIGGER_ATTRS: &[&str] = &["when", "lead", "resources", "note"];
const STEP_ATTRS: &[&str] = &[
    "owner",
    "after",
    "takes",
    "within",
    "requires",
    "notify",
    "decision",
    "activates",
    "note",
];
const SCENARIO_ITEMS: &[&str] = &[
    "runs", "seed", "horizon", "note", "incident", "inject", "expect",
];
const INCIDENT_ATTRS: &[&str] = &["at", "bind", "set", "note"];
const INJECT_ATTRS: &[&str] = &[
    "at", "incident", "set", "withdraw", "restore", "delay", "block", "from", "to", "note",
];

/// The words of a block, when `rule` stands for "any item of that block".
fn block_words(rule: Rule) -> Option<(&'static str, &'static [&'static str])> {
    Some(match rule {
        Rule::declaration => ("a declaration", DECLARATIONS),
        Rule::handbook_attr => ("an attribute of the handbook", HANDBOOK_ATTRS),
        Rule::actor_attr => ("an attribute of an actor", ACTOR_ATTRS),
        Rule::resource_attr => ("an attribute of a resource", RESOURCE_ATTRS),
        Rule::procedure_item => ("an attribute of a procedure", PROCEDURE_ITEMS),
        Rule::trigger_attr => ("an attribute of a trigger", TRIGGER_ATTRS),
        Rule::step_attr => ("an attribute of a step", STEP_ATTRS),
        Rule::scenario_item => ("an attribute of a scenario", SCENARIO_ITEMS),
        Rule::incident_attr => ("an attribute of an incident", INCIDENT_ATTRS),
        Rule::inject_attr => ("an attribute of an inject", INJECT_ATTRS),
        _ => return None,
    })
}

fn quoted_list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a rule expects, in words.
fn describe(rule: Rule) -> String {
    if let Some((what, words)) = block_words(rule) {
        return format!("{what} ({})", quoted_list(words));
    }
    let text = match rule {
        Rule::EOI => "end of input",
        Rule::ident | Rule::requirement => "a name",
        Rule::string => "a string",
        Rule::int => "an integer",
        Rule::unit => "a unit (such as `ships` or `officers`)",
        Rule::duration => "a duration (such as `90m`, `6h` or `1d12h`)",
        Rule::fact_type | Rule::range_type | Rule::enum_type => {
            "a type (`bool`, `int`, `duration`, a range such as `1..5`, or an enumeration such as `low | high`)"
        }
        Rule::expr | Rule::and_expr | Rule::not_expr | Rule::cmp | Rule::paren => "a condition",
        Rule::atom => {
            "a value (a number, a duration, `true`, `false`, a fact or a variant, or `(`)"
        }
        Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::in_list | Rule::open_bracket => "`[`",
        Rule::close_bracket => "`]`",
        Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::open_paren => "`(`",
        Rule::close_paren => "`)`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::pipe => "`|` (an enumeration has at least two variants)",
        Rule::range_dots => "`..`",
        Rule::dot => "`.`",
        Rule::assign => "`=`",
        Rule::percent => "`%`",
        Rule::duration_range => "a duration (such as `6h`) or a range (`1d..3d`, `1d..2d..5d`)",
        Rule::binding => "a binding `ROLE = ACTOR`",
        Rule::assignment => "an assignment `FACT = VALUE`",
        Rule::value => "a value (a number, a duration, `true`, `false` or a variant)",
        Rule::step_path => "a step as `PROCEDURE.STEP`",
        Rule::delay_item => "a delay `PROCEDURE.STEP by DURATION`",
        Rule::share => "`in N%`",
        Rule::expectation
        | Rule::expect_shortage
        | Rule::expect_deadlines
        | Rule::expect_activated
        | Rule::expect_step => {
            "an expectation (`INCIDENT.PROCEDURE.STEP within 5d`, `INCIDENT.PROCEDURE activated`, `no shortage`, `deadlines met`)"
        }
        _ => return keyword(rule).map_or_else(|| format!("{rule:?}"), |k| format!("`{k}`")),
    };
    text.to_owned()
}

/// The word of a keyword or attribute-name rule.
fn keyword(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::kw_handbook | Rule::handbook => "handbook",
        Rule::kw_use | Rule::use_decl => "use",
        Rule::kw_actor | Rule::actor => "actor",
        Rule::kw_resource | Rule::resource => "resource",
        Rule::kw_fact | Rule::fact => "fact",
        Rule::kw_procedure | Rule::procedure => "procedure",
        Rule::kw_trigger | Rule::trigger => "trigger",
        Rule::kw_step | Rule::step => "step",
        Rule::kw_scenario | Rule::scenario => "scenario",
        Rule::a_incident | Rule::incident | Rule::attr_incident => "incident",
        Rule::a_inject | Rule::inject => "inject",
        Rule::a_expect | Rule::expect => "expect",
        Rule::a_runs | Rule::attr_runs => "runs",
        Rule::a_seed | Rule::attr_seed => "seed",
        Rule::a_horizon | Rule::attr_horizon => "horizon",
        Rule::a_at | Rule::attr_at => "at",
        Rule::a_bind | Rule::attr_bind => "bind",
        Rule::a_set | Rule::attr_set => "set",
        Rule::a_withdraw | Rule::attr_withdraw => "withdraw",
        Rule::a_restore | Rule::attr_restore => "restore",
        Rule::a_delay | Rule::attr_delay => "delay",
        Rule::a_block | Rule::attr_block => "block",
        Rule::a_from | Rule::attr_from => "from",
        Rule::a_to | Rule::attr_to => "to",
        Rule::w_by => "by",
        Rule::w_of => "of",
        Rule::w_activated => "activated",
        Rule::w_no => "no",
        Rule::w_shortage => "shortage",
        Rule::w_deadlines => "deadlines",
        Rule::w_met => "met",
        Rule::kw_and => "and",
        Rule::kw_or => "or",
        Rule::kw_not => "not",
        Rule::kw_in => "in",
        Rule::kw_true => "true",
        Rule::kw_false => "false",
        Rule::a_version | Rule::attr_version => "version",
        Rule::a_owner | Rule::attr_owner => "owner",
        Rule::a_note | Rule::attr_note => "note",
        Rule::a_kind | Rule::attr_kind => "kind",
        Rule::a_parent | Rule::attr_parent => "parent",
        Rule::a_members | Rule::attr_members => "members",
        Rule::a_provider | Rule::attr_provider => "provider",
        Rule::a_capacity | Rule::attr_capacity => "capacity",
        Rule::a_ready | Rule::attr_ready => "ready",
        Rule::a_lead | Rule::attr_lead => "lead",
        Rule::a_support | Rule::attr_support => "support",
        Rule::a_resources | Rule::attr_resources => "resources",
        Rule::a_when | Rule::attr_when => "when",
        Rule::a_after | Rule::attr_after => "after",
        Rule::a_takes | Rule::attr_takes => "takes",
        Rule::a_within | Rule::attr_within => "within",
        Rule::a_requires | Rule::attr_requires => "requires",
        Rule::a_notify | Rule::attr_notify => "notify",
        Rule::a_decision | Rule::attr_decision => "decision",
        Rule::a_activates | Rule::attr_activates => "activates",
        _ => return None,
    })
}

const RESERVED: &[&str] = &[
    "actor",
    "and",
    "false",
    "fact",
    "handbook",
    "in",
    "not",
    "or",
    "procedure",
    "resource",
    "scenario",
    "step",
    "trigger",
    "true",
    "use",
];

pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// Joins alternatives as "a", "a or b", "a, b or c".
fn one_of(items: &[String]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Builds the E0001 diagnostic for a pest error in the piece of `text`
/// that starts at `base`.
pub fn syntax_error(
    file: FileId,
    text: &str,
    base: usize,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let at = (base
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        })
    .min(text.len());
    let mut positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            // pest's own limits (stack or call budget) end up here.
            return Diagnostic::error(Code::E0001, "nesting too deep", Span::new(file, at, at))
                .with_label(format!("the parser gave up here: {message}"))
                .with_help("split the handbook or the condition into simpler parts");
        }
    };
    // At the very start of a file pest names the whole `file` rule.
    for rule in &mut positives {
        if *rule == Rule::file {
            *rule = Rule::declaration;
        }
    }
    let found = scan::token_at(text, at);
    let span = Span::new(file, at, at + found.len(text, at));

    match &found {
        Found::UnterminatedString { .. } => {
            return Diagnostic::error(Code::E0001, "unterminated string", span)
                .with_label("this string is not closed on its line")
                .with_help("close it with `\"`; a line break inside a string is written `\\n`");
        }
        Found::UnterminatedComment => {
            return Diagnostic::error(Code::E0001, "unterminated block comment", span)
                .with_label("this comment is never closed")
                .with_help("close it with `*/` (block comments do not nest)");
        }
        _ => {}
    }

    let is_closer = |r: &Rule| {
        matches!(
            r,
            Rule::close_brace | Rule::close_paren | Rule::close_bracket
        )
    };
    // Closing delimiters lead, then the rest in the grammar's order; end of
    // input is left out when anything else would do.
    let mut ordered: Vec<Rule> = positives.iter().copied().filter(is_closer).collect();
    ordered.extend(positives.iter().copied().filter(|r| !is_closer(r)));
    if ordered.len() > 1 {
        ordered.retain(|r| *r != Rule::EOI);
    }
    // After a duration, `..` would continue it into a range: an option,
    // not what the author forgot.
    if ordered.len() > 1 {
        ordered.retain(|r| *r != Rule::range_dots);
    }
    // Before a block, a string is the block's label.
    let label_context = ordered.contains(&Rule::open_brace);
    let describe_here = |rule: Rule| {
        if rule == Rule::string && label_context {
            "a label (a string)".to_owned()
        } else {
            describe(rule)
        }
    };
    let mut expected: Vec<String> = Vec::new();
    for rule in &ordered {
        let text = describe_here(*rule);
        if !expected.contains(&text) {
            expected.push(text);
        }
    }

    let found_text = match &found {
        Found::EndOfInput => "end of input".to_owned(),
        Found::Word(w) if is_reserved(w) => format!("reserved word `{w}`"),
        Found::Word(w) | Found::Symbol(w) => {
            let c = w.chars().next().unwrap_or(' ');
            if w.chars().count() == 1 && (c.is_control() || c.is_whitespace() || c == '\u{feff}') {
                format!("character U+{:04X}", c as u32)
            } else {
                format!("`{}`", shorten(w))
            }
        }
        Found::String(s) => format!("string {}", shorten(s)),
        Found::UnterminatedString { .. } | Found::UnterminatedComment => {
            "an unterminated token".to_owned()
        }
    };

    let mut short: Vec<String> = Vec::new();
    for rule in &ordered {
        let text = match block_words(*rule) {
            Some((what, _)) => what.to_owned(),
            None => describe_here(*rule),
        };
        if !short.contains(&text) {
            short.push(text);
        }
    }
    let mut diagnostic = Diagnostic::error(
        Code::E0001,
        format!("expected {}, found {found_text}", one_of(&expected)),
        span,
    )
    .with_label(match &found {
        Found::EndOfInput => "the file ends here".to_owned(),
        _ => format!("expected {}", one_of(&short)),
    });

    diagnostic = label_unclosed(diagnostic, file, text, at, &positives);
    diagnostic = hint_from_previous_token(diagnostic, file, text, at, &positives);
    if diagnostic.help.is_none() {
        diagnostic = hint_borrowed(diagnostic, text, at, &positives, &found);
    }
    if diagnostic.help.is_none() {
        diagnostic = hint_from_found(diagnostic, &positives, &found);
    }
    diagnostic
}

/// Points at the `{`, `(` or `[` that a missing closer leaves open: the
/// innermost block still open where the error is (after a missing `}` of a
/// step, the step's `{`, not the procedure's). Only when some brace is
/// still open at the end of the file is a `{` named at all.
fn label_unclosed(
    mut diagnostic: Diagnostic,
    file: FileId,
    text: &str,
    at: usize,
    positives: &[Rule],
) -> Diagnostic {
    let here = scan::brackets(text, at, usize::MAX);
    let end = scan::brackets(text, text.len(), usize::MAX);
    if positives.contains(&Rule::close_brace)
        && !end.open_braces.is_empty()
        && let Some(&open) = here.open_braces.last()
    {
        diagnostic =
            diagnostic.with_secondary(Span::new(file, open, open + 1), "this `{` is never closed");
    }
    if (positives.contains(&Rule::close_paren) || positives.contains(&Rule::close_bracket))
        && let Some(&open) = here.open_parens.last()
    {
        let which = if text.as_bytes().get(open) == Some(&b'[') {
            "["
        } else {
            "("
        };
        diagnostic = diagnostic.with_secondary(
            Span::new(file, open, open + 1),
            format!("this `{which}` is not closed"),
        );
    }
    diagnostic
}

/// Hints that depend on the token before the error: a trailing comma, an
/// operator without its right operand, a capacity without its unit.
fn hint_from_previous_token(
    mut diagnostic: Diagnostic,
    file: FileId,
    text: &str,
    at: usize,
    positives: &[Rule],
) -> Diagnostic {
    let Some((prev_at, prev)) = scan::previous_token(text, at) else {
        return diagnostic;
    };
    let prev_span = Span::new(file, prev_at, prev_at + prev.len(text, prev_at));
    let expects_value = positives.iter().any(|r| {
        matches!(
            r,
            Rule::atom | Rule::not_expr | Rule::expr | Rule::and_expr | Rule::cmp
        )
    });
    // A word after a comma is an item (perhaps a reserved word), not a
    // trailing comma.
    let found_item = matches!(scan::token_at(text, at), Found::Word(_) | Found::String(_));
    match &prev {
        Found::Symbol(s)
            if s == ","
                && !found_item
                && positives
                    .iter()
                    .any(|r| matches!(r, Rule::ident | Rule::atom | Rule::requirement)) =>
        {
            diagnostic = diagnostic
                .with_secondary(prev_span, "this comma expects another item")
                .with_help("lists take no trailing comma: remove it or add the missing item");
        }
        Found::Symbol(s) if s == "[" && positives.contains(&Rule::atom) => {
            diagnostic = diagnostic.with_help("an `in` list needs at least one value: `in [a, b]`");
        }
        Found::Symbol(s)
            if expects_value && ["==", "!=", "<", "<=", ">", ">="].contains(&s.as_str()) =>
        {
            diagnostic =
                diagnostic.with_secondary(prev_span, "this comparison needs a value on its right");
        }
        Found::Word(w) if expects_value && ["and", "or", "not", "when"].contains(&w.as_str()) => {
            diagnostic =
                diagnostic.with_secondary(prev_span, format!("`{w}` needs a condition after it"));
        }
        Found::Word(w)
            if positives.contains(&Rule::resource_attr) && RESOURCE_ATTRS.contains(&w.as_str()) =>
        {
            // `capacity 3 ready 2d`: the attribute name became the unit.
            if let Some((_, Found::Word(amount))) = scan::previous_token(text, prev_at)
                && amount.bytes().all(|b| b.is_ascii_digit() || b == b'_')
            {
                diagnostic = diagnostic
                    .with_secondary(
                        prev_span,
                        format!("`{w}` was read as the unit of the capacity"),
                    )
                    .with_help(format!(
                        "write the unit after the amount: `capacity {amount} ships`"
                    ));
            }
        }
        _ => {}
    }
    diagnostic
}

/// The one-letter unit for a unit written as a word (`days` → `d`).
fn unit_letter(word: &str) -> Option<char> {
    Some(match word.to_ascii_lowercase().as_str() {
        "w" | "week" | "weeks" | "wk" | "wks" => 'w',
        "d" | "day" | "days" => 'd',
        "h" | "hour" | "hours" | "hr" | "hrs" => 'h',
        "m" | "min" | "mins" | "minute" | "minutes" => 'm',
        _ => return None,
    })
}

/// The token after the one at `at` (of `len` bytes), skipping whitespace.
fn next_token(text: &str, at: usize, len: usize) -> Found {
    let mut next = (at + len).min(text.len());
    while next < text.len() && text.as_bytes()[next].is_ascii_whitespace() {
        next += 1;
    }
    scan::token_at(text, next)
}

/// Hints for words and operators borrowed from other languages: `8 days`
/// for `8d`, `&&` and `||` for `and` and `or`, `!` for `not`.
fn hint_borrowed(
    diagnostic: Diagnostic,
    text: &str,
    at: usize,
    positives: &[Rule],
    found: &Found,
) -> Diagnostic {
    let len = found.len(text, at);
    match found {
        Found::Word(number)
            if positives.contains(&Rule::duration)
                && number.bytes().all(|b| b.is_ascii_digit() || b == b'_') =>
        {
            match next_token(text, at, len) {
                Found::Word(unit) => match unit_letter(&unit) {
                    Some(letter) => diagnostic.with_help(format!(
                        "a duration is written without a space, with a one-letter unit: `{number}{letter}`"
                    )),
                    None => diagnostic.with_help(format!(
                        "a duration needs a unit (`w`, `d`, `h` or `m`), written without a space: `{number}d`"
                    )),
                },
                _ => diagnostic.with_help(format!(
                    "a duration needs a unit (`w`, `d`, `h` or `m`): `{number}h`"
                )),
            }
        }
        Found::Symbol(s) if s == "&" => {
            diagnostic.with_help("`and` is written as a word: `a and b`")
        }
        Found::Symbol(s) if s == "|" && text[at..].starts_with("||") => {
            diagnostic.with_help("`or` is written as a word: `a or b`")
        }
        Found::Symbol(s) if s == "!" => diagnostic.with_help("`not` is written as a word: `not a`"),
        _ => diagnostic,
    }
}

/// Hints that depend on what was found.
fn hint_from_found(mut diagnostic: Diagnostic, positives: &[Rule], found: &Found) -> Diagnostic {
    match found {
        Found::Word(word) => {
            let blocks: Vec<&'static [&'static str]> = positives
                .iter()
                .filter_map(|r| block_words(*r).map(|(_, words)| words))
                .collect();
            let in_step_or_trigger = positives
                .iter()
                .any(|r| matches!(r, Rule::step_attr | Rule::trigger_attr));
            let inside_block = blocks.iter().any(|w| *w != DECLARATIONS);
            if (word == "trigger" || word == "step") && in_step_or_trigger {
                diagnostic = diagnostic.with_help(format!(
                    "triggers and steps do not nest: close the enclosing block with `}}` before this `{word}`"
                ));
            } else if (word == "trigger" || word == "step")
                && !positives.contains(&Rule::procedure_item)
            {
                diagnostic = diagnostic.with_help(format!(
                    "a `{word}` is declared inside a `procedure {{ … }}` block"
                ));
            } else if DECLARATIONS.contains(&word.as_str()) && inside_block {
                diagnostic = diagnostic.with_help(format!(
                    "`{word}` declarations stand at the top level: close the enclosing block with `}}` first"
                ));
            } else if positives.contains(&Rule::ident) && is_reserved(word) {
                diagnostic = diagnostic.with_note(format!(
                    "`{word}` is a reserved word and cannot be used as a name"
                ));
            } else if word.starts_with(|c: char| c.is_ascii_digit())
                && (word.contains("__") || word.ends_with('_'))
            {
                diagnostic =
                    diagnostic.with_help("`_` may stand only between two digits, as in `1_000`");
            } else if let Some(best) = blocks
                .first()
                .and_then(|words| suggest::closest(word, words.iter().copied()))
            {
                diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
            }
        }
        Found::Symbol(s) if s == "=" && positives.contains(&Rule::cmp_op) => {
            diagnostic = diagnostic.with_help("equality is written `==`");
        }
        _ => {}
    }
    diagnostic
}

pub(super) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}
