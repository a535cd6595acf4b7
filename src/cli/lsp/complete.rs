//! Completion: the names of the kind the position expects, judged from the
//! line before the cursor and the block around it, and the attribute
//! names valid in that block.

use lsp_types::{CompletionItem, CompletionItemKind};

use super::index::{Index, Key, Kind};
use crate::syntax::ast::{self, Declaration, ProcedureItem, ScenarioItem};

/// The kind of block the cursor is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Top,
    Handbook,
    Actor,
    Resource,
    Procedure(String),
    Trigger(String),
    Step(String),
    Scenario(String),
    Incident(String),
    Inject(String),
}

/// The innermost block of `tree` around byte `offset`.
pub fn block_at(tree: &ast::File, offset: usize) -> Block {
    let inside = |span: crate::source::Span| span.start < offset && offset <= span.end;
    for d in &tree.declarations {
        if !inside(d.span()) {
            continue;
        }
        return match d {
            Declaration::Handbook(_) => Block::Handbook,
            Declaration::Actor(_) => Block::Actor,
            Declaration::Resource(_) => Block::Resource,
            Declaration::Procedure(p) => {
                for item in &p.items {
                    match item {
                        ProcedureItem::Trigger(t) if inside(t.span) => {
                            return Block::Trigger(p.id.name.clone());
                        }
                        ProcedureItem::Step(s) if inside(s.span) => {
                            return Block::Step(p.id.name.clone());
                        }
                        _ => {}
                    }
                }
                Block::Procedure(p.id.name.clone())
            }
            Declaration::Scenario(sc) => {
                for item in &sc.items {
                    match item {
                        ScenarioItem::Incident(i) if inside(i.span) => {
                            return Block::Incident(sc.id.name.clone());
                        }
                        ScenarioItem::Inject(j) if inside(j.span) => {
                            return Block::Inject(sc.id.name.clone());
                        }
                        _ => {}
                    }
                }
                Block::Scenario(sc.id.name.clone())
            }
            Declaration::Fact(_) | Declaration::Use(_) => Block::Top,
        };
    }
    Block::Top
}

/// The attribute names a block takes.
fn attributes(block: &Block) -> &'static [&'static str] {
    match block {
        Block::Top => &[
            "handbook",
            "use",
            "actor",
            "resource",
            "fact",
            "procedure",
            "scenario",
        ],
        Block::Handbook => &["version", "owner", "note"],
        Block::Actor => &["kind", "parent", "members", "note"],
        Block::Resource => &["kind", "provider", "capacity", "ready", "note"],
        Block::Procedure(_) => &["lead", "support", "resources", "note", "trigger", "step"],
        Block::Trigger(_) => &["when", "lead", "resources", "note"],
        Block::Step(_) => &[
            "owner",
            "after",
            "takes",
            "within",
            "requires",
            "notify",
            "decision",
            "activates",
            "note",
        ],
        Block::Scenario(_) => &[
            "runs", "seed", "horizon", "note", "incident", "inject", "expect",
        ],
        Block::Incident(_) => &["at", "bind", "set", "note"],
        Block::Inject(_) => &[
            "at", "incident", "set", "withdraw", "restore", "delay", "block", "from", "to", "note",
        ],
    }
}

const ACTOR_KINDS: [&str; 9] = [
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
const DECISIONS: [&str; 4] = [
    "unanimity",
    "qualified_majority",
    "simple_majority",
    "consensus",
];

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn names(index: &Index, kind: Kind, filter: impl Fn(&Key) -> bool) -> Vec<CompletionItem> {
    let lsp_kind = match kind {
        Kind::Actor => CompletionItemKind::CLASS,
        Kind::Resource => CompletionItemKind::VALUE,
        Kind::Fact => CompletionItemKind::VARIABLE,
        Kind::Procedure => CompletionItemKind::FUNCTION,
        Kind::Step | Kind::Trigger => CompletionItemKind::METHOD,
        Kind::Variant => CompletionItemKind::ENUM_MEMBER,
        Kind::Scenario | Kind::Incident | Kind::Inject => CompletionItemKind::EVENT,
    };
    index
        .of_kind(kind)
        .filter(|(k, _)| filter(k))
        .map(|(k, d)| item(k.name(), lsp_kind, d.label.clone()))
        .collect()
}

/// The last word before the cursor that is followed by `==`, `!=` or
/// `in [`: the fact whose variants come next.
fn compared_fact(before: &str) -> Option<&str> {
    let trimmed = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    let trimmed = trimmed.trim_end();
    let rest = if let Some(r) = trimmed
        .strip_suffix("==")
        .or_else(|| trimmed.strip_suffix("!="))
    {
        r
    } else {
        // `fact in [a, b, `
        let open = trimmed.rfind('[')?;
        if trimmed[open..].contains(']') {
            return None;
        }
        trimmed[..open].trim_end().strip_suffix("in")?
    };
    let rest = rest.trim_end();
    let start = rest
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let word = &rest[start..];
    (!word.is_empty()).then_some(word)
}

/// The completions at a point whose line reads `line_before` up to the
/// cursor, inside `block`.
pub fn complete(index: &Index, block: &Block, line_before: &str) -> Vec<CompletionItem> {
    let words: Vec<&str> = line_before
        .split(|c: char| c.is_whitespace() || c == '{' || c == '}')
        .filter(|w| !w.is_empty())
        .collect();
    // Still typing the first word of the line: an attribute name.
    let typing_first = words.len() <= 1 && !line_before.ends_with(char::is_whitespace);
    if words.is_empty() || (typing_first && !line_before.contains('{')) {
        return attributes(block)
            .iter()
            .map(|a| item(a, CompletionItemKind::KEYWORD, None))
            .collect();
    }
    // The attribute this value belongs to: the last attribute word on the
    // line (blocks may hold several attributes on one line).
    let known = attributes(block);
    let attribute = words
        .iter()
        .rev()
        .skip(usize::from(!line_before.ends_with(char::is_whitespace)))
        .find(|w| known.contains(w) || **w == "expect")
        .copied()
        .unwrap_or("");
    let any = |_: &Key| true;
    match attribute {
        "lead" | "owner" | "support" | "notify" | "members" | "parent" | "provider" | "from"
        | "to" => names(index, Kind::Actor, any),
        "requires" | "resources" | "withdraw" | "restore" => names(index, Kind::Resource, any),
        "activates" => names(index, Kind::Procedure, any),
        "kind" if matches!(block, Block::Actor) => ACTOR_KINDS
            .iter()
            .map(|k| item(k, CompletionItemKind::ENUM_MEMBER, None))
            .collect(),
        "decision" => DECISIONS
            .iter()
            .map(|k| item(k, CompletionItemKind::ENUM_MEMBER, None))
            .collect(),
        "after" => match block {
            Block::Step(p) => names(
                index,
                Kind::Step,
                |k| matches!(k, Key::Step(q, _) if q == p),
            ),
            _ => Vec::new(),
        },
        "incident" => match block {
            Block::Inject(sc) => names(
                index,
                Kind::Incident,
                |k| matches!(k, Key::Incident(s, _) if s == sc),
            ),
            _ => Vec::new(),
        },
        "when" | "set" => match compared_fact(line_before).or_else(|| {
            // `set fact = `
            let t = line_before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
            let t = t.trim_end().strip_suffix('=')?;
            let t = t.trim_end();
            let start = t
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            Some(&t[start..])
        }) {
            Some(fact) if !index.variants(fact).is_empty() => names(
                index,
                Kind::Variant,
                |k| matches!(k, Key::Variant(f, _) if f == fact),
            ),
            _ => names(index, Kind::Fact, any),
        },
        "bind" => names(index, Kind::Actor, any),
        "block" | "delay" | "expect" => {
            // `procedure.` then its steps.
            let last = line_before
                .rsplit(|c: char| c.is_whitespace() || c == ',')
                .next()
                .unwrap_or("");
            match last.split('.').collect::<Vec<_>>().as_slice() {
                [p, _] if attribute != "expect" => names(
                    index,
                    Kind::Step,
                    |k| matches!(k, Key::Step(q, _) if q == p),
                ),
                [_, p, _] if attribute == "expect" => names(
                    index,
                    Kind::Step,
                    |k| matches!(k, Key::Step(q, _) if q == p),
                ),
                [_, _] if attribute == "expect" => names(index, Kind::Procedure, any),
                _ if attribute == "expect" => match block {
                    Block::Scenario(sc) => {
                        let mut items = names(
                            index,
                            Kind::Incident,
                            |k| matches!(k, Key::Incident(s, _) if s == sc),
                        );
                        for w in ["no shortage", "deadlines met", "not"] {
                            items.push(item(w, CompletionItemKind::KEYWORD, None));
                        }
                        items
                    }
                    _ => Vec::new(),
                },
                _ => names(index, Kind::Procedure, any),
            }
        }
        _ => attributes(block)
            .iter()
            .map(|a| item(a, CompletionItemKind::KEYWORD, None))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::compared_fact;

    #[test]
    fn the_fact_before_a_comparison_or_a_list() {
        assert_eq!(compared_fact("  when attack == "), Some("attack"));
        assert_eq!(compared_fact("  when attack == ar"), Some("attack"));
        assert_eq!(compared_fact("when x and kind in [armed, c"), Some("kind"));
        assert_eq!(compared_fact("when severity >= "), None);
        assert_eq!(compared_fact("when kind in [a] and "), None);
    }
}
