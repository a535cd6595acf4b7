//! The formatter behind `muster fmt`: one canonical layout, every comment
//! kept in its place, meaning never changed.
//!
//! The layout (see `docs/fmt.md`):
//! - two spaces of indentation per block; LF line ends; one final newline;
//! - one attribute per line, except that a trigger, step or any top-level
//!   block other than a procedure stays on one line when it holds at most
//!   three attributes, no comment, and fits in 100 columns; attributes on
//!   one line are separated by two spaces;
//! - procedures are always written over several lines;
//! - blank lines between declarations and between the members of a block
//!   are kept, collapsed to one; none after `{` or before `}`;
//! - lists as `a, b, c`; requirements as `frigates(2 ships)`; `fact id: type`;
//! - conditions with single spaces and parentheses only where the grammar
//!   needs them;
//! - literals (durations, integers with `_`, strings with their escapes)
//!   exactly as written.
//!
//! Comments are not in the tree: they are found in the text by their byte
//! ranges and emitted where they fall between the items being printed — on
//! their own lines before an item, or after an item on its line. An
//! attribute whose value holds a comment is kept as written.

use crate::syntax::ast::{
    AttrValue, Attribute, Declaration, Expr, FactType, File, Ident, ProcedureItem, Requirement,
    StrLit,
};

/// The widest line a one-line block may make, in characters.
pub const WIDTH: usize = 100;
/// The most attributes a block may hold and stay on one line.
const ONE_LINE_ATTRIBUTES: usize = 3;

/// Formats a parsed file. `text` is the file's text, `file` its tree.
pub fn format(text: &str, file: &File) -> String {
    let mut printer = Printer {
        text,
        comments: crate::syntax::comments(text),
        next: 0,
        out: String::with_capacity(text.len() + text.len() / 8),
        last_end: 0,
        block_start: true,
    };
    if text.starts_with('\u{feff}') {
        printer.out.push('\u{feff}');
        printer.last_end = '\u{feff}'.len_utf8();
    }
    for decl in &file.declarations {
        printer.declaration(decl);
    }
    printer.leading(text.len(), 0);
    let mut out = printer.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

struct Printer<'a> {
    text: &'a str,
    /// Byte ranges of the comments, in order.
    comments: Vec<(usize, usize)>,
    /// The first comment not yet written.
    next: usize,
    out: String,
    /// Where the last written piece of source ended.
    last_end: usize,
    /// Nothing has been written in the current block yet.
    block_start: bool,
}

/// A member of a block, for layout.
enum Member<'a> {
    Attribute(&'a Attribute),
    Trigger(&'a crate::syntax::ast::Trigger),
    Step(&'a crate::syntax::ast::Step),
}

impl Member<'_> {
    fn start(&self) -> usize {
        match self {
            Member::Attribute(a) => a.span.start,
            Member::Trigger(t) => t.span.start,
            Member::Step(s) => s.span.start,
        }
    }
}

impl<'a> Printer<'a> {
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Source text with CRLF line ends made LF.
    fn verbatim(&self, start: usize, end: usize) -> String {
        self.slice(start, end).replace("\r\n", "\n")
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    /// Whether the source has a blank line between the last written piece
    /// and `at`.
    fn blank_line_before(&self, at: usize) -> bool {
        let gap = self.slice(self.last_end.min(at), at);
        gap.matches('\n').count() >= 2
    }

    fn separate(&mut self, at: usize) {
        if !self.block_start && self.blank_line_before(at) {
            self.out.push('\n');
        }
    }

    /// Writes, each on its own line at `level`, the comments that start
    /// before `at`.
    fn leading(&mut self, at: usize, level: usize) {
        while let Some(&(start, end)) = self.comments.get(self.next) {
            if start >= at {
                break;
            }
            self.separate(start);
            self.indent(level);
            let comment = self.verbatim(start, end);
            self.out.push_str(&comment);
            self.out.push('\n');
            self.next += 1;
            self.last_end = end;
            self.block_start = false;
        }
    }

    /// Appends, on the current line, a comment that follows `end` on the
    /// same source line with nothing but spaces between; then ends the
    /// line.
    fn end_line(&mut self, end: usize) {
        self.last_end = self.last_end.max(end);
        if let Some(&(start, comment_end)) = self.comments.get(self.next)
            && start >= end
            && self
                .slice(end, start)
                .chars()
                .all(|c| c == ' ' || c == '\t')
        {
            self.out.push(' ');
            let comment = self.verbatim(start, comment_end);
            self.out.push_str(&comment);
            self.next += 1;
            self.last_end = comment_end;
        }
        self.out.push('\n');
    }

    /// Whether a comment starts within `start..end`.
    fn has_comment(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .take_while(|&&(s, _)| s < end)
            .any(|&(s, _)| s >= start)
    }

    /// The first `{` at or after `from` that is not in a comment.
    fn open_brace(&self, from: usize, limit: usize) -> usize {
        let mut at = from;
        while at < limit {
            if let Some(&(_, end)) = self.comments.iter().find(|&&(s, _)| s == at) {
                at = end;
                continue;
            }
            if self.text.as_bytes().get(at) == Some(&b'{') {
                return at;
            }
            at += 1;
        }
        limit
    }

    fn declaration(&mut self, decl: &Declaration) {
        let span = decl.span();
        self.leading(span.start, 0);
        self.separate(span.start);
        match decl {
            Declaration::Use(u) => {
                self.out.push_str("use ");
                self.out.push_str(&self.string(&u.path));
                self.end_line(span.end);
            }
            Declaration::Fact(f) => {
                let line = format!("fact {}: {}", f.id.name, self.fact_type(&f.ty));
                // A comment inside the declaration moves above it.
                self.leading(span.end, 0);
                self.out.push_str(&line);
                self.end_line(span.end);
            }
            Declaration::Handbook(h) => {
                let header = format!("handbook {}", self.string(&h.title));
                let members: Vec<Member> = h.attrs.iter().map(Member::Attribute).collect();
                self.block(0, header, h.title.span.end, span.end, &members, true);
            }
            Declaration::Actor(a) => {
                let header = self.header("actor", &a.id, a.label.as_ref());
                let after = a.label.as_ref().map_or(a.id.span.end, |l| l.span.end);
                let members: Vec<Member> = a.attrs.iter().map(Member::Attribute).collect();
                self.block(0, header, after, span.end, &members, true);
            }
            Declaration::Resource(r) => {
                let header = self.header("resource", &r.id, r.label.as_ref());
                let after = r.label.as_ref().map_or(r.id.span.end, |l| l.span.end);
                let members: Vec<Member> = r.attrs.iter().map(Member::Attribute).collect();
                self.block(0, header, after, span.end, &members, true);
            }
            Declaration::Procedure(p) => {
                let header = self.header("procedure", &p.id, p.label.as_ref());
                let after = p.label.as_ref().map_or(p.id.span.end, |l| l.span.end);
                let members: Vec<Member> = p
                    .items
                    .iter()
                    .map(|item| match item {
                        ProcedureItem::Attribute(a) => Member::Attribute(a),
                        ProcedureItem::Trigger(t) => Member::Trigger(t),
                        ProcedureItem::Step(s) => Member::Step(s),
                    })
                    .collect();
                self.block(0, header, after, span.end, &members, false);
            }
        }
        self.block_start = false;
    }

    fn header(&self, keyword: &str, id: &Ident, label: Option<&StrLit>) -> String {
        match label {
            Some(label) => format!("{keyword} {} {}", id.name, self.string(label)),
            None => format!("{keyword} {}", id.name),
        }
    }

    /// Writes `header { members }` at `level`. `after_header` is where the
    /// header ends in the source, `end` where the block ends (after `}`).
    fn block(
        &mut self,
        level: usize,
        header: String,
        after_header: usize,
        end: usize,
        members: &[Member],
        may_be_one_line: bool,
    ) {
        let close = end.saturating_sub(1);
        let open = self.open_brace(after_header, close);
        // Comments between the header's words move above the block.
        self.leading(open, level);

        let one_line = may_be_one_line
            && members.len() <= ONE_LINE_ATTRIBUTES
            && !self.has_comment(open, close)
            && members.iter().all(|m| matches!(m, Member::Attribute(_)));
        if one_line {
            let parts: Vec<String> = members
                .iter()
                .filter_map(|m| match m {
                    Member::Attribute(a) => Some(self.attribute(a)),
                    _ => None,
                })
                .collect();
            let line = if parts.is_empty() {
                format!("{header} {{}}")
            } else {
                format!("{header} {{ {} }}", parts.join("  "))
            };
            if 2 * level + line.chars().count() <= WIDTH {
                self.indent(level);
                self.out.push_str(&line);
                self.end_line(end);
                return;
            }
        }

        self.indent(level);
        self.out.push_str(&header);
        self.out.push_str(" {");
        self.end_line(open + 1);
        self.block_start = true;
        for member in members {
            let start = member.start();
            self.leading(start, level + 1);
            self.separate(start);
            match member {
                Member::Attribute(a) => {
                    self.indent(level + 1);
                    let text = self.attribute(a);
                    self.out.push_str(&text);
                    self.end_line(a.span.end);
                }
                Member::Trigger(t) => {
                    let header = self.header("trigger", &t.id, t.label.as_ref());
                    let after = t.label.as_ref().map_or(t.id.span.end, |l| l.span.end);
                    let members: Vec<Member> = t.attrs.iter().map(Member::Attribute).collect();
                    self.block(level + 1, header, after, t.span.end, &members, true);
                }
                Member::Step(s) => {
                    let header = self.header("step", &s.id, s.label.as_ref());
                    let after = s.label.as_ref().map_or(s.id.span.end, |l| l.span.end);
                    let members: Vec<Member> = s.attrs.iter().map(Member::Attribute).collect();
                    self.block(level + 1, header, after, s.span.end, &members, true);
                }
            }
            self.block_start = false;
        }
        self.leading(close, level + 1);
        self.indent(level);
        self.out.push('}');
        self.end_line(end);
    }

    fn string(&self, s: &StrLit) -> String {
        self.slice(s.span.start, s.span.end).to_owned()
    }

    fn fact_type(&self, ty: &FactType) -> String {
        match ty {
            FactType::Bool(_) => "bool".to_owned(),
            FactType::Int(_) => "int".to_owned(),
            FactType::Duration(_) => "duration".to_owned(),
            FactType::Range { min, max, .. } => format!(
                "{}..{}",
                self.slice(min.span.start, min.span.end),
                self.slice(max.span.start, max.span.end)
            ),
            FactType::Enum { variants, .. } => variants
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
        }
    }

    /// One attribute as `name value`; as written when a comment is inside.
    fn attribute(&mut self, a: &Attribute) -> String {
        if self.has_comment(a.span.start, a.span.end) {
            // Keep it as written, and step over the comments inside.
            while self
                .comments
                .get(self.next)
                .is_some_and(|&(s, _)| s < a.span.end)
            {
                self.next += 1;
            }
            return self.verbatim(a.span.start, a.span.end);
        }
        let value = match &a.value {
            AttrValue::Str(s) => self.string(s),
            AttrValue::Name(id) => id.name.clone(),
            AttrValue::Names(ids) => ids
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            AttrValue::ActorKind(_, span) | AttrValue::Decision(_, span) => {
                self.slice(span.start, span.end).to_owned()
            }
            AttrValue::Capacity { amount, unit } => format!(
                "{} {}",
                self.slice(amount.span.start, amount.span.end),
                unit.name
            ),
            AttrValue::Duration(d) => self.slice(d.span.start, d.span.end).to_owned(),
            AttrValue::Requirements(reqs) => reqs
                .iter()
                .map(|r| self.requirement(r))
                .collect::<Vec<_>>()
                .join(", "),
            AttrValue::Condition(expr) => {
                let mut out = String::new();
                self.expr(&mut out, expr);
                out
            }
        };
        format!("{} {value}", a.name.as_str())
    }

    fn requirement(&self, r: &Requirement) -> String {
        match (&r.amount, &r.unit) {
            (Some(amount), Some(unit)) => format!(
                "{}({} {})",
                r.resource.name,
                self.slice(amount.span.start, amount.span.end),
                unit.name
            ),
            (Some(amount), None) => format!(
                "{}({})",
                r.resource.name,
                self.slice(amount.span.start, amount.span.end)
            ),
            _ => r.resource.name.clone(),
        }
    }

    /// Writes a condition with parentheses only where the grammar needs
    /// them. The depth is bounded by the parser.
    fn expr(&self, out: &mut String, e: &Expr) {
        let operand = |out: &mut String, operand: &Expr, needed: u8| {
            if precedence(operand) < needed {
                out.push('(');
                self.expr(out, operand);
                out.push(')');
            } else {
                self.expr(out, operand);
            }
        };
        match e {
            Expr::Paren { inner, .. } => self.expr(out, inner),
            Expr::Int(lit) => out.push_str(self.slice(lit.span.start, lit.span.end)),
            Expr::Duration(lit) => out.push_str(self.slice(lit.span.start, lit.span.end)),
            Expr::Bool { value, .. } => out.push_str(if *value { "true" } else { "false" }),
            Expr::Name(id) => out.push_str(&id.name),
            Expr::Not { operand: inner, .. } => {
                out.push_str("not ");
                operand(out, inner, 2);
            }
            Expr::And { operands, .. } | Expr::Or { operands, .. } => {
                let (word, level) = match e {
                    Expr::And { .. } => (" and ", 2),
                    _ => (" or ", 1),
                };
                for (i, part) in operands.iter().enumerate() {
                    if i > 0 {
                        out.push_str(word);
                    }
                    operand(out, part, level);
                }
            }
            Expr::Compare { op, lhs, rhs, .. } => {
                operand(out, lhs, 4);
                out.push(' ');
                out.push_str(op.as_str());
                out.push(' ');
                operand(out, rhs, 4);
            }
            Expr::In { lhs, list, .. } => {
                operand(out, lhs, 4);
                out.push_str(" in [");
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    operand(out, item, 4);
                }
                out.push(']');
            }
        }
    }
}

/// Binding strength, loosest first; parentheses are transparent.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Paren { inner, .. } => precedence(inner),
        Expr::Or { .. } => 0,
        Expr::And { .. } => 1,
        Expr::Not { .. } => 2,
        Expr::Compare { .. } | Expr::In { .. } => 3,
        _ => 4,
    }
}

/// Parses and formats file `id` of `sources`. A file with a syntax or
/// literal error is refused with its diagnostics: its meaning is not
/// certain enough to rewrite it.
pub fn format_source(
    sources: &crate::source::SourceMap,
    id: crate::source::FileId,
) -> Result<String, Vec<crate::diagnostic::Diagnostic>> {
    let parsed = crate::parse_source(sources, id);
    match (&parsed.ast, sources.get(id)) {
        (Some(ast), Some(file)) if !parsed.has_errors() => Ok(format(&file.text, ast)),
        _ => Err(parsed.diagnostics),
    }
}
