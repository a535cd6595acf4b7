//! The front end on the bundled examples: each parses without a finding,
//! spans nest and stay in bounds, and the tree of the Article 42(7) example
//! is pinned by a snapshot.

mod common;

use std::path::PathBuf;

use muster::source::{SourceFile, SourceMap, Span};
use muster::syntax::ast::{AttrValue, Declaration, Expr, ProcedureItem};

/// Every `.muster` file below `examples/`, in subfolders too.
fn examples() -> Vec<PathBuf> {
    common::files_below(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples"))
}

fn parse(name: &str, text: &str) -> muster::syntax::Parsed {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(name, text));
    muster::parse_source(&sources, id)
}

/// `inner` lies within `outer` and both lie within the text.
fn assert_within(outer: Span, inner: Span, len: usize, what: &str) {
    assert!(
        inner.start() <= inner.end() && inner.end() <= len,
        "{what}: {inner:?} out of bounds"
    );
    assert!(
        outer.start() <= inner.start() && inner.end() <= outer.end(),
        "{what}: {inner:?} not within {outer:?}"
    );
}

fn check_expr_spans(expr: &Expr, len: usize) {
    let span = expr.span();
    let children: Vec<&Expr> = match expr {
        Expr::Not { operand, .. } => vec![operand],
        Expr::And { operands, .. } | Expr::Or { operands, .. } => operands.iter().collect(),
        Expr::Compare { lhs, rhs, .. } => vec![lhs, rhs],
        Expr::In { lhs, list, .. } => std::iter::once(&**lhs).chain(list.iter()).collect(),
        Expr::Paren { inner, .. } => vec![inner],
        _ => vec![],
    };
    for child in children {
        assert_within(span, child.span(), len, "condition");
        check_expr_spans(child, len);
    }
}

#[test]
fn every_example_parses_without_findings_and_spans_nest() {
    let files = examples();
    assert!(files.len() >= 3, "the examples are missing");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = parse(&path.to_string_lossy(), &text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.diagnostics
        );
        let file = parsed.ast.unwrap();
        assert!(!file.declarations.is_empty());
        for decl in &file.declarations {
            assert_within(file.span, decl.span(), text.len(), "declaration");
            if let Declaration::Procedure(p) = decl {
                for item in &p.items {
                    let attrs = match item {
                        ProcedureItem::Attribute(a) => std::slice::from_ref(a),
                        ProcedureItem::Trigger(t) => {
                            assert_within(p.span, t.span, text.len(), "trigger");
                            &t.attrs[..]
                        }
                        ProcedureItem::Step(s) => {
                            assert_within(p.span, s.span, text.len(), "step");
                            &s.attrs[..]
                        }
                    };
                    for attr in attrs {
                        assert_within(p.span, attr.span, text.len(), "attribute");
                        // The tree keeps no span of the name: it is derived.
                        assert_eq!(&text[attr.name_span().range()], attr.name.as_str());
                        if let AttrValue::Condition(expr) = &attr.value {
                            assert_within(attr.span, expr.span(), text.len(), "condition");
                            check_expr_spans(expr, text.len());
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn article_42_7_tree() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/art42_7.muster");
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = parse("art42_7.muster", &text);
    assert!(parsed.diagnostics.is_empty());
    insta::assert_debug_snapshot!(parsed.ast.unwrap());
}

#[test]
fn doc_comments_attach_to_declarations_of_every_kind() {
    let text = "/// H.\nhandbook \"T\" {}\n/// A.\nactor a { kind role }\n/// R.\nresource r { provider a }\n\
                /// F.\nfact f: bool\n/// P.\nprocedure p {\n  /// T.\n  trigger t { when f }\n  /// S.\n  step s {}\n}\n\
                /// Sc.\nscenario x {\n  /// I.\n  incident i {}\n  /// J.\n  inject j { at 1d }\n}\n";
    let file = parse("docs.muster", text).ast.unwrap();
    let mut docs = Vec::new();
    for decl in &file.declarations {
        match decl {
            Declaration::Handbook(d) => docs.push(d.doc),
            Declaration::Actor(d) => docs.push(d.doc),
            Declaration::Resource(d) => docs.push(d.doc),
            Declaration::Fact(d) => docs.push(d.doc),
            Declaration::Procedure(d) => {
                docs.push(d.doc);
                docs.extend(d.triggers().map(|t| t.doc));
                docs.extend(d.steps().map(|s| s.doc));
            }
            Declaration::Scenario(d) => {
                docs.push(d.doc);
                docs.extend(d.incidents().map(|i| i.doc));
                docs.extend(d.injects().map(|i| i.doc));
            }
            Declaration::Use(_) => {}
        }
    }
    let docs: Vec<String> = docs
        .iter()
        .map(|d| d.map_or_else(|| "-".to_owned(), |d| d.text(text).into_owned()))
        .collect();
    assert_eq!(
        docs,
        ["H.", "A.", "R.", "F.", "P.", "T.", "S.", "Sc.", "I.", "J."]
    );
}

#[test]
fn attribute_names_are_not_reserved() {
    let text = "actor lead { kind role } actor note { kind body parent lead }\n\
                resource kind { provider note capacity 1 owner }";
    let parsed = parse("names.muster", text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.ast.unwrap().declarations.len(), 3);
}

#[test]
fn conditions_follow_the_documented_precedence() {
    // not > comparison > and > or.
    let text = "procedure p { trigger t { when not a == b and c or d in [x, y] } }";
    let file = parse("prec.muster", text).ast.unwrap();
    let Declaration::Procedure(p) = &file.declarations[0] else {
        panic!()
    };
    let trigger = p.triggers().next().unwrap();
    let AttrValue::Condition(expr) = &trigger.attrs[0].value else {
        panic!()
    };
    let Expr::Or { operands, .. } = &**expr else {
        panic!("top is `or`: {expr:?}")
    };
    assert!(matches!(&operands[1], Expr::In { list, .. } if list.len() == 2));
    let Expr::And { operands, .. } = &operands[0] else {
        panic!("then `and`")
    };
    let Expr::Not { operand, .. } = &operands[0] else {
        panic!("then `not`")
    };
    // As in the grammar of §4, `not` applies to a whole comparison:
    // `not a == b` is `not (a == b)`.
    assert!(matches!(**operand, Expr::Compare { .. }), "{operand:?}");
}

#[test]
fn a_byte_order_mark_counts_only_as_the_first_character() {
    // At the start it is no character: columns of line 1 do not count it.
    let parsed = parse("bom.muster", "\u{feff}actor a { kind role }\n");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    // After a comment, or before a later declaration, it is unexpected.
    for text in [
        "// c\n\u{feff}actor a { kind role }\n",
        "actor a { kind role }\n\u{feff}actor b { kind role }\n",
    ] {
        let parsed = parse("bom.muster", text);
        assert_eq!(parsed.diagnostics.len(), 1, "{text:?}");
        assert!(
            parsed.diagnostics[0]
                .message
                .ends_with("found character U+FEFF"),
            "{:?}",
            parsed.diagnostics[0].message
        );
    }
}

/// The scan that finds where declarations are (for `// muster: allow`
/// comments, without parsing the file again) agrees with the tree on every
/// example and fixture that parses: same declarations, same ranges, even
/// with comments and blank lines after them.
#[test]
fn the_declaration_scan_matches_the_tree() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = examples();
    files.extend(common::files_below(&root.join("tests/ui")));
    let mut compared = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Some(ast) = parse(&path.display().to_string(), &text).ast else {
            continue;
        };
        let from_tree: Vec<(usize, usize)> = ast
            .declarations
            .iter()
            .map(|d| (d.span().start(), d.span().end()))
            .collect();
        assert_eq!(
            muster::syntax::declaration_ranges(&text, &muster::syntax::comments(&text)),
            from_tree,
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared > 100, "only {compared} files were compared");
}
