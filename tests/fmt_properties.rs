//! Property tests of `muster fmt` over generated handbooks: for source text
//! that covers the whole grammar (docs/reference.md), laid out at
//! random with whitespace, CRLF line ends and comments between any two
//! tokens, formatting succeeds, is idempotent, loses no comment, keeps the
//! meaning (the tree without spans and parentheses) and writes tidy lines.

mod common;

use common::{comments, meaning};
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

// ------------------------------------------------------------ the checks

fn format(text: &str) -> Result<String, String> {
    common::format(text).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(|d| format!("{}: {} at {:?}", d.code.as_str(), d.message, d.span))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn check(text: &str) -> Result<(), TestCaseError> {
    // A refusal here means the generator or the parser is wrong.
    let once = format(text)
        .map_err(|e| TestCaseError::fail(format!("generated text is refused:\n{e}")))?;
    let twice = format(&once)
        .map_err(|e| TestCaseError::fail(format!("formatted text is refused:\n{e}\n{once}")))?;
    prop_assert_eq!(&twice, &once, "not idempotent");
    prop_assert_eq!(comments(text), comments(&once), "a comment was lost");
    prop_assert_eq!(meaning(text), meaning(&once), "the meaning changed");
    let body = once.strip_prefix('\u{feff}').unwrap_or(&once);
    if !body.is_empty() {
        prop_assert!(
            body.ends_with('\n') && !body.ends_with("\n\n"),
            "the output does not end with exactly one newline: {:?}",
            once
        );
    }
    prop_assert!(!once.contains('\r'), "a CR in the output: {:?}", once);
    for (i, line) in once.split('\n').enumerate() {
        prop_assert!(
            !line.ends_with(' ') && !line.ends_with('\t'),
            "trailing whitespace on line {} of {:?}",
            i + 1,
            once
        );
    }
    Ok(())
}

// ------------------------------------------------------------ tokens

/// What a token is, for the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Plain,
    /// The keyword of a declaration: doc comments may precede it.
    Keyword,
    /// A word of a declaration's header after the keyword, up to its `{`
    /// (all of a fact).
    Header,
    /// The name of an attribute.
    AttrName,
    /// A token of an attribute's value.
    AttrValue,
}

/// One token of generated source.
#[derive(Clone, Debug)]
struct Tok {
    text: String,
    role: Role,
}

type Toks = Vec<Tok>;

fn t(text: impl Into<String>) -> Tok {
    Tok {
        text: text.into(),
        role: Role::Plain,
    }
}

fn with_role(role: Role) -> impl Fn(Tok) -> Tok {
    move |tok| Tok { role, ..tok }
}

/// A declaration keyword.
fn kw(text: &str) -> Tok {
    Tok {
        text: text.to_owned(),
        role: Role::Keyword,
    }
}

fn header(text: impl Into<String>) -> Tok {
    Tok {
        text: text.into(),
        role: Role::Header,
    }
}

fn one(text: impl Into<String>) -> Toks {
    vec![t(text)]
}

/// `parts` separated by `sep` tokens.
fn join(parts: Vec<Toks>, sep: &str) -> Toks {
    let mut out = Toks::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(t(sep));
        }
        out.extend(part);
    }
    out
}

// ------------------------------------------------------------ literals

/// Identifiers: no reserved word, but attribute names, prefixes and
/// extensions of reserved words, duration units and type names.
const IDENTS: &[&str] = &[
    "hrvp",
    "eeas",
    "psc",
    "cy",
    "victim",
    "x",
    "_y",
    "a1",
    "B_2",
    "lead",
    "note",
    "kind",
    "owner",
    "members",
    "when",
    "after",
    "takes",
    "support",
    "resources",
    "capacity",
    "ready",
    "decision",
    "version",
    "actors",
    "android",
    "notable",
    "order",
    "inx",
    "true_",
    "usee",
    "stepper",
    "factor",
    "trig",
    "d",
    "m",
    "w",
    "bool",
    "int",
    "duration",
    "at",
    "no",
    "by",
    "set",
    "met",
    "incident",
];

const KINDS: &[&str] = &[
    "member_state",
    "institution",
    "body",
    "agency",
    "service",
    "office",
    "group",
    "role",
    "external",
];

const DECISIONS: &[&str] = &[
    "unanimity",
    "qualified_majority",
    "simple_majority",
    "consensus",
];

const OPS: &[&str] = &["==", "!=", "<", "<=", ">", ">="];

fn ident() -> impl Strategy<Value = String> + Clone {
    select(IDENTS).prop_map(str::to_owned)
}

/// Pieces of a string's body: text, escapes, and what looks like
/// comments or braces.
const STRING_PIECES: &[&str] = &[
    "a",
    "Crisis",
    "cell",
    " ",
    "  ",
    "\t",
    "\\\\",
    "\\\"",
    "\\n",
    "\\t",
    "\\u{e9}",
    "\\u{1F6A8}",
    "é",
    "—",
    "//",
    "/*",
    "*/",
    "{",
    "}",
    "'",
    ":",
    "…",
];

fn string() -> impl Strategy<Value = String> + Clone {
    prop::collection::vec(select(STRING_PIECES), 0..5)
        .prop_map(|pieces| format!("\"{}\"", pieces.concat()))
}

/// An integer, with `_` between groups of digits.
fn int() -> impl Strategy<Value = String> + Clone {
    "[0-9]{1,3}(_[0-9]{1,3}){0,2}"
}

/// A duration of one to four parts with strictly decreasing units.
fn duration() -> impl Strategy<Value = String> + Clone {
    (
        subsequence(vec!['w', 'd', 'h', 'm'], 1..=4),
        prop::collection::vec("[0-9]{1,3}(_[0-9])?", 4),
    )
        .prop_map(|(units, numbers)| {
            units
                .iter()
                .zip(numbers)
                .map(|(unit, number)| format!("{number}{unit}"))
                .collect()
        })
}

/// Minutes as a duration of canonical units (`1d12h`).
fn minutes_text(minutes: u32) -> String {
    let mut rest = minutes;
    let mut out = String::new();
    for (unit, size) in [('w', 10_080), ('d', 1_440), ('h', 60), ('m', 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    if out.is_empty() {
        out.push_str("0m");
    }
    out
}

/// A duration, or a range `a..b` / `a..b..c` with bounds in order.
fn duration_range() -> impl Strategy<Value = Toks> {
    prop_oneof![
        3 => duration().prop_map(one),
        1 => (0u32..20_000, 0u32..20_000).prop_map(|(a, b)| {
            vec![t(minutes_text(a.min(b))), t(".."), t(minutes_text(a.max(b)))]
        }),
        1 => (0u32..20_000, 0u32..20_000, 0u32..20_000).prop_map(|(a, b, c)| {
            let mut v = [a, b, c];
            v.sort_unstable();
            vec![
                t(minutes_text(v[0])),
                t(".."),
                t(minutes_text(v[1])),
                t(".."),
                t(minutes_text(v[2])),
            ]
        }),
    ]
}

/// `n` written with or without `_` between thousands.
fn thousands(n: u32, underscores: bool) -> String {
    let digits = n.to_string();
    if !underscores {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

// ------------------------------------------------------------ conditions

fn leaf() -> BoxedStrategy<Toks> {
    prop_oneof![
        4 => ident().prop_map(one),
        2 => int().prop_map(one),
        2 => duration().prop_map(one),
        1 => Just(one("true")),
        1 => Just(one("false")),
    ]
    .boxed()
}

/// `or` of `and` of `not* cmp`, over the given atoms.
fn disjunction(atom: BoxedStrategy<Toks>) -> BoxedStrategy<Toks> {
    let cmp = prop_oneof![
        3 => atom.clone(),
        2 => (atom.clone(), select(OPS), atom.clone()).prop_map(|(lhs, op, rhs)| {
            let mut out = lhs;
            out.push(t(op));
            out.extend(rhs);
            out
        }),
        1 => (atom.clone(), prop::collection::vec(atom, 1..4)).prop_map(|(lhs, items)| {
            let mut out = lhs;
            out.push(t("in"));
            out.push(t("["));
            out.extend(join(items, ","));
            out.push(t("]"));
            out
        }),
    ];
    let nots = prop_oneof![4 => Just(0usize), 2 => Just(1), 1 => Just(2)];
    let negated = (nots, cmp).prop_map(|(n, cmp)| {
        let mut out: Toks = (0..n).map(|_| t("not")).collect();
        out.extend(cmp);
        out
    });
    let conjunction = prop::collection::vec(negated, 1..3).prop_map(|parts| join(parts, "and"));
    prop::collection::vec(conjunction, 1..3)
        .prop_map(|parts| join(parts, "or"))
        .boxed()
}

/// A condition with at most three levels of parentheses.
fn condition() -> BoxedStrategy<Toks> {
    disjunction(leaf())
        .prop_recursive(3, 24, 4, |inner| {
            let paren = inner.prop_map(|e| {
                let mut out = one("(");
                out.extend(e);
                out.push(t(")"));
                out
            });
            disjunction(prop_oneof![2 => leaf(), 1 => paren].boxed())
        })
        .boxed()
}

// ------------------------------------------------------------ attributes

fn attr(name: &'static str, value: impl Strategy<Value = Toks> + 'static) -> BoxedStrategy<Toks> {
    value
        .prop_map(move |v| {
            let mut out = vec![with_role(Role::AttrName)(t(name))];
            out.extend(v.into_iter().map(with_role(Role::AttrValue)));
            out
        })
        .boxed()
}

fn ident_list() -> impl Strategy<Value = Toks> {
    prop::collection::vec(ident().prop_map(one), 1..4).prop_map(|ids| join(ids, ","))
}

/// `ID [ "(" INT [UNIT] ")" ]`, one or more, separated by commas.
fn requirements() -> impl Strategy<Value = Toks> {
    let requirement = (
        ident(),
        prop::option::weighted(0.5, (int(), prop::option::of(ident()))),
    )
        .prop_map(|(id, amount)| {
            let mut out = one(id);
            if let Some((amount, unit)) = amount {
                out.push(t("("));
                out.push(t(amount));
                out.extend(unit.map(t));
                out.push(t(")"));
            }
            out
        });
    prop::collection::vec(requirement, 1..4).prop_map(|reqs| join(reqs, ","))
}

fn string_toks() -> impl Strategy<Value = Toks> {
    string().prop_map(one)
}

/// Each attribute at most once, in random order.
fn attributes(options: Vec<BoxedStrategy<Toks>>) -> BoxedStrategy<Vec<Toks>> {
    options
        .into_iter()
        .map(|s| prop::option::weighted(0.35, s))
        .collect::<Vec<_>>()
        .prop_map(|v| v.into_iter().flatten().collect::<Vec<_>>())
        .prop_shuffle()
        .boxed()
}

/// `keyword ID ["Label"] { members }`.
fn block(
    keyword: &'static str,
    members: impl Strategy<Value = Vec<Toks>> + 'static,
) -> BoxedStrategy<Toks> {
    (ident(), prop::option::of(string()), members)
        .prop_map(move |(id, label, members)| {
            let mut out = vec![kw(keyword), header(id)];
            out.extend(label.map(header));
            out.push(header("{"));
            out.extend(members.into_iter().flatten());
            out.push(t("}"));
            out
        })
        .boxed()
}

// ------------------------------------------------------------ declarations

fn handbook() -> BoxedStrategy<Toks> {
    let attrs = attributes(vec![
        attr("version", string_toks()),
        attr("owner", ident().prop_map(one)),
        attr("note", string_toks()),
    ]);
    (string(), attrs)
        .prop_map(|(title, attrs)| {
            let mut out = vec![kw("handbook"), header(title), header("{")];
            out.extend(attrs.into_iter().flatten());
            out.push(t("}"));
            out
        })
        .boxed()
}

fn use_decl() -> BoxedStrategy<Toks> {
    let path = prop_oneof![
        Just("\"procedures/art42_7.muster\"".to_owned()),
        Just("\"../shared.muster\"".to_owned()),
        string(),
    ];
    path.prop_map(|p| vec![kw("use"), t(p)]).boxed()
}

fn actor() -> BoxedStrategy<Toks> {
    block(
        "actor",
        attributes(vec![
            attr("kind", select(KINDS).prop_map(one)),
            attr("parent", ident().prop_map(one)),
            attr("members", ident_list()),
            attr("note", string_toks()),
        ]),
    )
}

fn resource() -> BoxedStrategy<Toks> {
    block(
        "resource",
        attributes(vec![
            attr("kind", ident().prop_map(one)),
            attr("provider", ident().prop_map(one)),
            attr(
                "capacity",
                (int(), ident()).prop_map(|(n, unit)| vec![t(n), t(unit)]),
            ),
            attr("ready", duration_range()),
            attr("note", string_toks()),
        ]),
    )
}

fn fact() -> BoxedStrategy<Toks> {
    let range =
        (0u32..100_000, 0u32..100_000, any::<bool>(), any::<bool>()).prop_map(|(a, b, u1, u2)| {
            let (lo, hi) = (a.min(b), a.max(b));
            vec![t(thousands(lo, u1)), t(".."), t(thousands(hi, u2))]
        });
    let enumeration =
        prop::collection::vec(ident().prop_map(one), 2..=4).prop_map(|vs| join(vs, "|"));
    let ty = prop_oneof![
        Just(one("bool")),
        Just(one("int")),
        Just(one("duration")),
        range,
        enumeration,
    ];
    (ident(), ty)
        .prop_map(|(id, ty)| {
            let mut out = vec![kw("fact"), header(id), header(":")];
            out.extend(ty.into_iter().map(with_role(Role::Header)));
            out
        })
        .boxed()
}

fn trigger() -> BoxedStrategy<Toks> {
    block(
        "trigger",
        attributes(vec![
            attr("when", condition()),
            attr("lead", ident().prop_map(one)),
            attr("resources", requirements()),
            attr("note", string_toks()),
        ]),
    )
}

fn step() -> BoxedStrategy<Toks> {
    block(
        "step",
        attributes(vec![
            attr("owner", ident().prop_map(one)),
            attr("after", ident_list()),
            attr("takes", duration_range()),
            attr("within", duration().prop_map(one)),
            attr("requires", requirements()),
            attr("notify", ident_list()),
            attr("decision", select(DECISIONS).prop_map(one)),
            attr("activates", ident_list()),
            attr("note", string_toks()),
        ]),
    )
}

fn procedure() -> BoxedStrategy<Toks> {
    let attrs = attributes(vec![
        attr("lead", ident().prop_map(one)),
        attr("support", ident_list()),
        attr("resources", requirements()),
        attr("note", string_toks()),
    ]);
    let members = prop::collection::vec(prop_oneof![trigger(), step()], 0..4);
    let items = (attrs, members)
        .prop_map(|(mut attrs, members)| {
            attrs.extend(members);
            attrs
        })
        .prop_shuffle();
    block("procedure", items)
}

/// A value of `set`.
fn value() -> impl Strategy<Value = Toks> {
    prop_oneof![
        ident().prop_map(one),
        int().prop_map(one),
        duration().prop_map(one),
        Just(one("true")),
        Just(one("false")),
    ]
}

/// `NAME = THING, …`.
fn pairs(rhs: impl Strategy<Value = Toks>) -> impl Strategy<Value = Toks> {
    prop::collection::vec(
        (ident(), rhs).prop_map(|(name, value)| {
            let mut out = vec![t(name), t("=")];
            out.extend(value);
            out
        }),
        1..3,
    )
    .prop_map(|items| join(items, ","))
}

fn path() -> impl Strategy<Value = Toks> {
    (ident(), ident()).prop_map(|(p, s)| vec![t(p), t("."), t(s)])
}

fn share() -> impl Strategy<Value = Toks> {
    prop::option::of(1u32..=100).prop_map(|n| match n {
        Some(n) => vec![t("in"), t(n.to_string()), t("%")],
        None => Vec::new(),
    })
}

fn incident() -> BoxedStrategy<Toks> {
    block(
        "incident",
        attributes(vec![
            attr("at", duration().prop_map(one)),
            attr("bind", pairs(ident().prop_map(one))),
            attr("set", pairs(value())),
            attr("note", string_toks()),
        ]),
    )
}

fn inject() -> BoxedStrategy<Toks> {
    let delays = prop::collection::vec(
        (path(), duration()).prop_map(|(p, d)| {
            let mut out = p;
            out.push(t("by"));
            out.push(t(d));
            out
        }),
        1..3,
    )
    .prop_map(|items| join(items, ","));
    block(
        "inject",
        attributes(vec![
            attr("at", duration().prop_map(one)),
            attr("incident", ident().prop_map(one)),
            attr("set", pairs(value())),
            attr("withdraw", requirements()),
            attr("restore", requirements()),
            attr("delay", delays),
            attr(
                "block",
                prop::collection::vec(path(), 1..3).prop_map(|ps| join(ps, ",")),
            ),
            attr("from", ident().prop_map(one)),
            attr("to", ident_list()),
            attr("note", string_toks()),
        ]),
    )
}

/// `expect …` in each of its four forms.
fn expect() -> BoxedStrategy<Toks> {
    let step = (ident(), path(), duration(), share()).prop_map(|(i, p, d, share)| {
        let mut out = vec![t(i), t(".")];
        out.extend(p);
        out.push(t("within"));
        out.push(t(d));
        out.extend(share);
        out
    });
    let activated = (
        any::<bool>(),
        ident(),
        ident(),
        prop::option::of(duration()),
    )
        .prop_map(|(not, i, p, within)| {
            let mut out = Toks::new();
            if not {
                out.push(t("not"));
            }
            out.extend([t(i), t("."), t(p), t("activated")]);
            if let Some(d) = within {
                out.push(t("within"));
                out.push(t(d));
            }
            out
        });
    let shortage = prop::option::of(ident()).prop_map(|r| {
        let mut out = vec![t("no"), t("shortage")];
        if let Some(r) = r {
            out.push(t("of"));
            out.push(t(r));
        }
        out
    });
    let deadlines = share().prop_map(|share| {
        let mut out = vec![t("deadlines"), t("met")];
        out.extend(share);
        out
    });
    attr(
        "expect",
        prop_oneof![step, activated, shortage, deadlines].prop_map(|v| v),
    )
}

fn scenario() -> BoxedStrategy<Toks> {
    let attrs = attributes(vec![
        attr("runs", (1u32..100_000).prop_map(|n| one(n.to_string()))),
        attr("seed", int().prop_map(one)),
        attr("horizon", duration().prop_map(one)),
        attr("note", string_toks()),
    ]);
    let members = prop::collection::vec(prop_oneof![incident(), inject(), expect()], 0..5);
    let items = (attrs, members)
        .prop_map(|(mut attrs, members)| {
            attrs.extend(members);
            attrs
        })
        .prop_shuffle();
    block("scenario", items)
}

/// The declarations of a file, with at most one handbook.
fn declarations() -> BoxedStrategy<Toks> {
    let decl = prop_oneof![
        1 => use_decl(),
        2 => actor(),
        2 => resource(),
        2 => fact(),
        3 => procedure(),
        2 => scenario(),
    ];
    (
        prop::option::weighted(0.3, handbook()),
        prop::collection::vec(decl, 0..5),
        any::<Index>(),
    )
        .prop_map(|(handbook, mut decls, at)| {
            if let Some(h) = handbook {
                let at = at.index(decls.len() + 1);
                decls.insert(at, h);
            }
            decls.into_iter().flatten().collect()
        })
        .boxed()
}

// ------------------------------------------------------------ layout

/// What may stand between two tokens.
#[derive(Clone, Debug)]
enum Piece {
    Space(&'static str),
    Line(String, &'static str),
    Block(String),
}

/// The layout before one token: pieces, then (before a declaration) doc
/// comment lines.
#[derive(Clone, Debug)]
struct Gap {
    pieces: Vec<Piece>,
    doc: Option<Vec<(String, &'static str, &'static str)>>,
}

fn newline() -> impl Strategy<Value = &'static str> + Clone {
    prop_oneof![3 => Just("\n"), 1 => Just("\r\n")]
}

fn indent() -> impl Strategy<Value = &'static str> + Clone {
    select(&["", "", "  ", "    ", "\t", " \t"][..])
}

/// Comment text with no trailing whitespace (the formatter keeps comments
/// as written).
fn comment_text() -> impl Strategy<Value = String> + Clone {
    "(/? ?[a-zA-Z0-9.,*\"{}é/]{1,8}( [a-zA-Z0-9()]{1,6}){0,2})?"
}

fn block_comment_text() -> impl Strategy<Value = String> + Clone {
    let piece = select(
        &[
            "a", "note", " ", "\t", "\n", "\r\n", "*", "/", "//", "\"", "{", "}", "é", "///",
        ][..],
    );
    prop::collection::vec(piece, 0..6).prop_map(|pieces| {
        let mut text = pieces.concat();
        while text.contains("*/") {
            text = text.replace("*/", "* /");
        }
        without_trailing_whitespace(&text)
    })
}

/// How much layout noise a file gets.
#[derive(Clone, Copy, Debug)]
enum Style {
    /// Single spaces and line breaks, no comment but doc comments.
    Plain,
    /// Any whitespace, no comment but doc comments.
    Spaced,
    /// Any whitespace and a few comments.
    Commented,
    /// Comments everywhere.
    Messy,
}

fn piece(style: Style) -> BoxedStrategy<Piece> {
    let line = || (comment_text(), newline()).prop_map(|(c, nl)| Piece::Line(c, nl));
    let block = || block_comment_text().prop_map(Piece::Block);
    let spaces = prop_oneof![
        8 => Just(Piece::Space(" ")),
        2 => Just(Piece::Space("  ")),
        2 => Just(Piece::Space("\t")),
        4 => Just(Piece::Space("\n")),
        1 => Just(Piece::Space("\r\n")),
        2 => Just(Piece::Space("\n\n")),
        1 => Just(Piece::Space("\r\n \r\n")),
    ];
    match style {
        Style::Plain => prop_oneof![
            6 => Just(Piece::Space(" ")),
            3 => Just(Piece::Space("\n")),
            1 => Just(Piece::Space("\n\n")),
            1 => Just(Piece::Space("\n  ")),
        ]
        .boxed(),
        Style::Spaced => spaces.boxed(),
        Style::Commented => prop_oneof![20 => spaces, 1 => line(), 1 => block()].boxed(),
        Style::Messy => prop_oneof![20 => spaces, 4 => line(), 4 => block()].boxed(),
    }
}

fn gap(style: Style) -> impl Strategy<Value = Gap> {
    let pieces = prop_oneof![
        3 => Just(Vec::new()),
        6 => prop::collection::vec(piece(style), 1..2),
        2 => prop::collection::vec(piece(style), 2..4),
    ];
    let doc_line = (comment_text(), newline(), indent());
    let doc = prop::option::weighted(0.2, prop::collection::vec(doc_line, 1..3));
    (pieces, doc).prop_map(|(pieces, doc)| Gap { pieces, doc })
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Writes the tokens with their gaps (`gaps` has one more entry than
/// `toks`: the last one ends the file).
fn render(toks: &[Tok], gaps: &[Gap], bom: bool) -> String {
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    let mut previous: Option<&Tok> = None;
    for (i, gap) in gaps.iter().enumerate() {
        let before = out.len();
        let mut layout = String::new();
        for piece in &gap.pieces {
            match piece {
                Piece::Space(s) => layout.push_str(s),
                Piece::Line(text, nl) => {
                    layout.push_str("//");
                    layout.push_str(text);
                    layout.push_str(nl);
                }
                Piece::Block(text) => {
                    layout.push_str("/*");
                    layout.push_str(text);
                    layout.push_str("*/");
                }
            }
        }
        out.push_str(&layout);
        let Some(tok) = toks.get(i) else { break };
        if let (Role::Keyword, Some(doc)) = (tok.role, &gap.doc) {
            let at_line_start =
                out.trim_start_matches('\u{feff}').is_empty() || out.ends_with('\n');
            if !at_line_start {
                out.push('\n');
            }
            for (text, nl, indent) in doc {
                out.push_str(indent);
                out.push_str("///");
                out.push_str(text);
                out.push_str(nl);
            }
        }
        let separated = out.len() > before;
        let needs_space = previous.is_some_and(|p| {
            p.text.chars().last().is_some_and(is_word)
                && tok.text.chars().next().is_some_and(is_word)
        });
        if needs_space && !separated {
            out.push(' ');
        }
        out.push_str(&tok.text);
        previous = Some(tok);
    }
    out
}

/// `text` without spaces or tabs at the ends of its lines (the last line,
/// which a token follows, is kept).
fn without_trailing_whitespace(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() - 1;
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i == last {
                return (*line).to_owned();
            }
            let (body, cr) = match line.strip_suffix('\r') {
                Some(body) => (body, "\r"),
                None => (*line, ""),
            };
            format!("{}{cr}", body.trim_end_matches([' ', '\t']))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Source text of a generated handbook, laid out at random.
fn handbook_text() -> impl Strategy<Value = String> {
    let styles = [Style::Plain, Style::Spaced, Style::Commented, Style::Messy];
    (declarations(), select(styles.to_vec()))
        .prop_flat_map(|(toks, style)| {
            let n = toks.len() + 1;
            (
                Just(toks),
                prop::collection::vec(gap(style), n),
                prop::bool::weighted(0.05),
            )
        })
        .prop_map(|(toks, gaps, bom)| render(&toks, &gaps, bom))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn formatting_generated_handbooks_is_idempotent_lossless_and_tidy(text in handbook_text()) {
        check(&text)?;
    }
}
