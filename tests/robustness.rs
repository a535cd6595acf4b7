//! No input crashes, overflows the stack or hangs the front end. Each case
//! runs on a thread with a small stack (256 KiB), so that a recursion
//! proportional to the input would fail here long before it fails a user.

use muster::source::{SourceMap, Span};
use muster::syntax::Parsed;

fn parse_on_small_stack(bytes: Vec<u8>) -> (Option<Parsed>, Vec<String>) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let mut sources = SourceMap::new();
            let (id, encoding) = muster::add_source(&mut sources, "input.muster", bytes);
            let parsed = match encoding {
                Some(d) => {
                    return (None, vec![format!("{}: {}", d.code.as_str(), d.message)]);
                }
                None => muster::parse_source(&sources, id),
            };
            // Rendering must not fail either.
            let mut out = Vec::new();
            muster::diagnostic::write_human(
                &mut out,
                &sources,
                &parsed.diagnostics,
                muster::diagnostic::HumanOptions { color: false },
            )
            .unwrap();
            muster::diagnostic::write_json(&mut out, &sources, &parsed.diagnostics).unwrap();
            muster::diagnostic::write_github(&mut out, &sources, &parsed.diagnostics).unwrap();
            let messages = parsed
                .diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.code.as_str(), d.message))
                .collect();
            (Some(parsed), messages)
        })
        .unwrap()
        .join()
        .expect("the front end must not panic")
}

fn in_trigger(condition: &str) -> Vec<u8> {
    format!("procedure p {{ trigger t {{ when {condition} }} }}").into_bytes()
}

#[test]
fn deeply_nested_parentheses_are_refused_cleanly() {
    let depth = 100_000;
    let condition = format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
    let (parsed, messages) = parse_on_small_stack(in_trigger(&condition));
    assert!(parsed.unwrap().ast.is_none());
    assert_eq!(messages, vec!["E0001: nesting too deep"]);
}

#[test]
fn unbalanced_open_parentheses_are_refused_cleanly() {
    let (_, messages) = parse_on_small_stack(in_trigger(&"(".repeat(100_000)));
    assert_eq!(messages, vec!["E0001: nesting too deep"]);
}

#[test]
fn nesting_within_the_limit_parses() {
    let depth = muster::syntax::MAX_NESTING;
    let condition = format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
    let (parsed, messages) = parse_on_small_stack(in_trigger(&condition));
    assert!(messages.is_empty(), "{messages:?}");
    assert!(parsed.unwrap().ast.is_some());
}

#[test]
fn long_runs_of_not_are_refused_cleanly() {
    let condition = format!("{}a", "not ".repeat(100_000));
    let (parsed, messages) = parse_on_small_stack(in_trigger(&condition));
    assert!(parsed.unwrap().ast.is_none());
    assert_eq!(messages, vec!["E0001: nesting too deep"]);
}

#[test]
fn long_flat_chains_of_and_or_parse_without_depth() {
    let condition = vec!["a"; 50_000].join(" and ") + " or b";
    let (parsed, messages) = parse_on_small_stack(in_trigger(&condition));
    assert!(messages.is_empty(), "{messages:?}");
    let ast = parsed.unwrap().ast.unwrap();
    // Dropping the tree must not recurse either; it happens on the test
    // thread here, which also has a bounded stack.
    drop(ast);
}

#[test]
fn nul_bytes_and_binary_garbage_give_a_syntax_error() {
    let (_, messages) = parse_on_small_stack(b"actor a \0{ kind role }".to_vec());
    assert_eq!(messages.len(), 1);
    assert!(messages[0].starts_with("E0001: expected"), "{messages:?}");

    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let (_, messages) = parse_on_small_stack(garbage);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].starts_with("E0001") || messages[0].starts_with("E0003"),
        "{messages:?}"
    );
}

#[test]
fn a_two_megabyte_string_literal_parses() {
    let body = "x".repeat(2 * 1024 * 1024);
    let text = format!("actor a \"{body}\" {{ kind role }}");
    let (parsed, messages) = parse_on_small_stack(text.into_bytes());
    assert!(messages.is_empty(), "{messages:?}");
    assert!(parsed.unwrap().ast.is_some());
}

#[test]
fn empty_and_comment_only_files_are_valid_and_empty() {
    for text in [
        "",
        "// only a comment\n",
        "/* block */ /// doc\n",
        "\u{feff}",
        "\r\n\r\n",
    ] {
        let (parsed, messages) = parse_on_small_stack(text.as_bytes().to_vec());
        assert!(messages.is_empty(), "{text:?}: {messages:?}");
        assert!(parsed.unwrap().ast.unwrap().declarations.is_empty());
    }
}

#[test]
fn invalid_utf8_is_reported_at_the_offending_byte() {
    let mut bytes = b"actor a { note \"ok".to_vec();
    let at = bytes.len();
    bytes.push(0xFF);
    bytes.extend_from_slice(b"\" }");
    let mut sources = SourceMap::new();
    let (id, diagnostic) = muster::add_source(&mut sources, "bad.muster", bytes);
    let diagnostic = diagnostic.expect("E0003");
    assert_eq!(diagnostic.code.as_str(), "E0003");
    // The span is the offending byte, in the file's own offsets.
    assert_eq!(diagnostic.span, Span::new(id, at, at + 1));
    // A bad last byte: the span never reaches past the end of the file.
    let bytes = b"actor a { kind role }\xC3".to_vec();
    let len = bytes.len();
    let (_, diagnostic) = muster::add_source(&mut sources, "end.muster", bytes);
    assert_eq!(diagnostic.expect("E0003").span.end(), len);
}

#[test]
fn every_prefix_of_an_example_is_handled() {
    // Truncating a valid file anywhere must give a clean result.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/art42_7.muster"
    ))
    .unwrap();
    let mut sources = SourceMap::new();
    for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
        let id = sources.add(muster::source::SourceFile::new("cut.muster", &text[..end]));
        let parsed = muster::parse_source(&sources, id);
        assert!(
            parsed.ast.is_some() || parsed.diagnostics.iter().any(|d| d.is_error()),
            "prefix of {end} bytes gave neither a tree nor an error"
        );
    }
}
