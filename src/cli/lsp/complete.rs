//! Completion: the names of the kind the position expects, judged from the
//! line before the cursor and the block around it, and the attribute
//! names valid in that block.

use lsp_types::{CompletionItem, CompletionItemKind};

use super::index::{Index, Key, Kind};

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

/// The innermost block around byte `offset` of `text`, read from the
/// text itself: each unclosed `{` and the words before it
/// (`step a "Label" {`). Strings and comments are skipped.
pub fn block_in_text(text: &str, offset: usize) -> Block {
    let text = text.get(..offset.min(text.len())).unwrap_or(text);
    let bytes = text.as_bytes();
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' => {
                // The declaration is the last keyword-and-name before it.
                let at = words.iter().rposition(|w| {
                    matches!(
                        w.as_str(),
                        "handbook"
                            | "actor"
                            | "resource"
                            | "procedure"
                            | "trigger"
                            | "step"
                            | "scenario"
                            | "incident"
                            | "inject"
                    )
                });
                let entry = match at {
                    Some(k) => (
                        words[k].clone(),
                        words.get(k + 1).cloned().unwrap_or_default(),
                    ),
                    None => (String::new(), String::new()),
                };
                stack.push(entry);
                words.clear();
            }
            b'}' => {
                stack.pop();
                words.clear();
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                words.push(text[start..i].to_owned());
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let procedure = stack
        .iter()
        .find(|(k, _)| k == "procedure")
        .map(|(_, n)| n.clone());
    let scenario = stack
        .iter()
        .find(|(k, _)| k == "scenario")
        .map(|(_, n)| n.clone());
    match stack.last().map(|(k, _)| k.as_str()) {
        Some("handbook") => Block::Handbook,
        Some("actor") => Block::Actor,
        Some("resource") => Block::Resource,
        Some("procedure") => Block::Procedure(procedure.unwrap_or_default()),
        Some("trigger") => Block::Trigger(procedure.unwrap_or_default()),
        Some("step") => Block::Step(procedure.unwrap_or_default()),
        Some("scenario") => Block::Scenario(scenario.unwrap_or_default()),
        Some("incident") => Block::Incident(scenario.unwrap_or_default()),
        Some("inject") => Block::Inject(scenario.unwrap_or_default()),
        _ => Block::Top,
    }
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
    use super::{Block, block_in_text, compared_fact};

    #[test]
    fn the_block_is_read_from_text_that_does_not_parse() {
        let text = "procedure p \"{ not a brace\" {\n  lead \n  step s { after // }\n";
        assert_eq!(
            block_in_text(text, text.find("lead").unwrap() + 5),
            Block::Procedure("p".into())
        );
        let end = text.len();
        assert_eq!(block_in_text(text, end), Block::Step("p".into()));
        let sc = "scenario x {\n  inject j { at 1d  incident ";
        assert_eq!(block_in_text(sc, sc.len()), Block::Inject("x".into()));
        assert_eq!(block_in_text("actor a { kind body }\n", 22), Block::Top);
    }

    #[test]
    fn the_fact_before_a_comparison_or_a_list() {
        assert_eq!(compared_fact("  when attack == "), Some("attack"));
        assert_eq!(compared_fact("  when attack == ar"), Some("attack"));
        assert_eq!(compared_fact("when x and kind in [armed, c"), Some("kind"));
        assert_eq!(compared_fact("when severity >= "), None);
        assert_eq!(compared_fact("when kind in [a] and "), None);
    }
}
