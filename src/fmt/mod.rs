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
    AttrValue, Attribute, Declaration, DurationLit, Expectation, Expr, FactType, File, Ident,
    ProcedureItem, Requirement, ScenarioItem, StepPath, StrLit, Value,
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
        line_level: 0,
        line_comment_open: false,
        doc_guard: false,
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
    /// The indentation of the line being written.
    line_level: usize,
    /// The line being written ends in a `//` comment: anything more must
    /// go on a new line.
    line_comment_open: bool,
    /// The last line written is a `///` comment that was no doc comment
    /// where it stood: a declaration must not follow it directly, or it
    /// would become its doc.
    doc_guard: bool,
}

/// A member of a block, for layout.
enum Member<'a> {
    Attribute(&'a Attribute),
    Trigger(&'a crate::syntax::ast::Trigger),
    Step(&'a crate::syntax::ast::Step),
    Incident(&'a crate::syntax::ast::Incident),
    Inject(&'a crate::syntax::ast::Inject),
    Expect(&'a crate::syntax::ast::Expect),
}

impl Member<'_> {
    fn start(&self) -> usize {
        match self {
            Member::Attribute(a) => a.span.start(),
            Member::Trigger(t) => t.span.start(),
            Member::Step(s) => s.span.start(),
            Member::Incident(i) => i.span.start(),
            Member::Inject(i) => i.span.start(),
            Member::Expect(e) => e.span.start(),
        }
    }

    /// Whether the member is a line of its own (an attribute or an
    /// expectation), not a block.
    fn is_line(&self) -> bool {
        matches!(self, Member::Attribute(_) | Member::Expect(_))
    }
}

impl<'a> Printer<'a> {
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Source text as written, with LF line ends and no whitespace at the
    /// end of a line.
    fn verbatim(&self, start: usize, end: usize) -> String {
        self.slice(start, end)
            .split('\n')
            .map(|line| line.trim_end_matches([' ', '\t', '\r']))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn indent(&mut self, level: usize) {
        self.line_level = level;
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.line_comment_open = false;
    }

    /// Before a declaration's first line: keeps a stray `///` line above
    /// from becoming its doc, with a blank line.
    fn guard_doc(&mut self) {
        if self.doc_guard && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.doc_guard = false;
    }

    /// Appends the next comment (`start..end`) to the line being written,
    /// or to a new line at `continuation` when the line already ends in a
    /// `//` comment.
    fn append_comment(&mut self, start: usize, end: usize, continuation: usize) {
        let mut continued = false;
        if self.line_comment_open {
            self.newline();
            self.indent(continuation);
            continued = true;
        } else if !self.out.ends_with(['\n', ' ', '\u{feff}']) && !self.out.is_empty() {
            self.out.push(' ');
        }
        let comment = self.verbatim(start, end);
        // A `///` comment that now starts a line was no doc comment where
        // it stood (see `doc_guard`).
        if continued {
            self.doc_guard = comment.starts_with("///") && !comment.starts_with("////");
        }
        self.out.push_str(&comment);
        self.line_comment_open = comment.starts_with("//");
        self.next += 1;
        self.last_end = end;
    }

    /// Appends the comments that follow `end` on the same source line,
    /// with nothing but spaces between; `continuation` as for
    /// [`Printer::append_comment`].
    fn same_line_comments(&mut self, end: usize, continuation: usize) {
        let mut from = end;
        while let Some(&(start, comment_end)) = self.comments.get(self.next)
            && start >= from
            && self
                .slice(from, start)
                .chars()
                .all(|c| c == ' ' || c == '\t')
        {
            self.append_comment(start, comment_end, continuation);
            from = comment_end;
        }
    }

    /// Appends every comment that starts before `until` (those inside a
    /// declaration's header, which the header's words do not keep);
    /// `continuation` as for [`Printer::append_comment`].
    fn inner_comments(&mut self, until: usize, continuation: usize) {
        while let Some(&(start, end)) = self.comments.get(self.next) {
            if start >= until {
                break;
            }
            self.append_comment(start, end, continuation);
        }
    }

    /// Whether the source has a blank line between the last written piece
    /// and `at`.
    fn blank_line_before(&self, at: usize) -> bool {
        // A blank line is a line of the gap with nothing on it; text in the
        // gap (an expectation moved to the end of its scenario) is none.
        let gap = self.slice(self.last_end.min(at), at);
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() > 2
            && lines[1..lines.len() - 1]
                .iter()
                .any(|line| line.trim().is_empty())
    }

    fn separate(&mut self, at: usize) {
        if !self.block_start && self.blank_line_before(at) {
            self.out.push('\n');
        }
    }

    /// Writes the comments that start before `at` on lines of their own at
    /// `level`; comments that share a source line stay on one line.
    fn leading(&mut self, at: usize, level: usize) {
        while let Some(&(start, end)) = self.comments.get(self.next) {
            if start >= at {
                break;
            }
            self.separate(start);
            // A doc line must not join a stray `///` line above it.
            let text = self.slice(start, end);
            if text.starts_with("///") && !text.starts_with("////") {
                self.guard_doc();
            }
            self.doc_guard = false;
            self.indent(level);
            self.append_comment(start, end, level);
            self.same_line_comments(end, level);
            self.newline();
            self.block_start = false;
        }
    }

    /// Appends the comments that follow `end` on its source line, then ends
    /// the line; a comment that cannot share it goes on the next line at
    /// `continuation`.
    fn end_line_at(&mut self, end: usize, continuation: usize) {
        self.last_end = self.last_end.max(end);
        self.same_line_comments(end, continuation);
        self.newline();
    }

    /// [`Printer::end_line_at`] with comments continued at this line's
    /// indentation.
    fn end_line(&mut self, end: usize) {
        let level = self.line_level;
        self.end_line_at(end, level);
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
            if let Ok(k) = self.comments.binary_search_by_key(&at, |&(s, _)| s) {
                at = self.comments[k].1.max(at + 1);
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
        self.leading(span.start(), 0);
        self.separate(span.start());
        self.guard_doc();
        match decl {
            Declaration::Use(u) => {
                self.indent(0);
                self.out.push_str("use ");
                self.out.push_str(&self.string(&u.path));
                // A comment between its words moves to the end of the line.
                self.inner_comments(span.end(), 0);
                self.end_line(span.end());
            }
            Declaration::Fact(f) => {
                self.indent(0);
                let line = format!("fact {}: {}", f.id.name(self.text), self.fact_type(&f.ty));
                self.out.push_str(&line);
                self.inner_comments(span.end(), 0);
                self.end_line(span.end());
            }
            Declaration::Handbook(h) => {
                let header = format!("handbook {}", self.string(&h.title));
                let members: Vec<Member> = h.attrs.iter().map(Member::Attribute).collect();
                self.block(0, header, h.title.span.end(), span.end(), &members, true);
            }
            Declaration::Actor(a) => {
                let header = self.header("actor", &a.id, a.label.as_ref());
                let after = a.label.as_ref().map_or(a.id.span.end(), |l| l.span.end());
                let members: Vec<Member> = a.attrs.iter().map(Member::Attribute).collect();
                self.block(0, header, after, span.end(), &members, true);
            }
            Declaration::Resource(r) => {
                let header = self.header("resource", &r.id, r.label.as_ref());
                let after = r.label.as_ref().map_or(r.id.span.end(), |l| l.span.end());
                let members: Vec<Member> = r.attrs.iter().map(Member::Attribute).collect();
                self.block(0, header, after, span.end(), &members, true);
            }
            Declaration::Procedure(p) => {
                let header = self.header("procedure", &p.id, p.label.as_ref());
                let after = p.label.as_ref().map_or(p.id.span.end(), |l| l.span.end());
                let members: Vec<Member> = p
                    .items
                    .iter()
                    .map(|item| match item {
                        ProcedureItem::Attribute(a) => Member::Attribute(a),
                        ProcedureItem::Trigger(t) => Member::Trigger(t),
                        ProcedureItem::Step(s) => Member::Step(s),
                    })
                    .collect();
                self.block(0, header, after, span.end(), &members, false);
            }
            Declaration::Scenario(sc) => {
                let header = self.header("scenario", &sc.id, sc.label.as_ref());
                let after = sc.label.as_ref().map_or(sc.id.span.end(), |l| l.span.end());
                fn member(item: &ScenarioItem) -> Member<'_> {
                    match item {
                        ScenarioItem::Attribute(a) => Member::Attribute(a),
                        ScenarioItem::Incident(i) => Member::Incident(i),
                        ScenarioItem::Inject(i) => Member::Inject(i),
                        ScenarioItem::Expect(e) => Member::Expect(e),
                    }
                }
                let is_expect = |item: &ScenarioItem| matches!(item, ScenarioItem::Expect(_));
                // Attributes, incidents and injects in source order, then
                // the expectations; unless a comment stands where members
                // would move past it, which would change what it is next
                // to (and could make it a doc comment).
                let first_misplaced = sc
                    .items
                    .iter()
                    .position(is_expect)
                    .filter(|&e| sc.items[e..].iter().any(|i| !is_expect(i)));
                let last_other = sc.items.iter().rposition(|i| !is_expect(i));
                let reorder = match (first_misplaced, last_other) {
                    (Some(e), Some(o)) => {
                        let from = Member::start(&member(&sc.items[e]));
                        let to = match &sc.items[o] {
                            ScenarioItem::Attribute(a) => a.span.end(),
                            ScenarioItem::Incident(i) => i.span.end(),
                            ScenarioItem::Inject(i) => i.span.end(),
                            ScenarioItem::Expect(x) => x.span.end(),
                        };
                        !self.has_comment(from, to)
                    }
                    _ => false,
                };
                let mut members: Vec<Member> = Vec::with_capacity(sc.items.len());
                if reorder {
                    members.extend(sc.items.iter().filter(|i| !is_expect(i)).map(member));
                    members.extend(sc.items.iter().filter(|i| is_expect(i)).map(member));
                } else {
                    members.extend(sc.items.iter().map(member));
                }
                self.block(0, header, after, span.end(), &members, false);
            }
        }
        self.block_start = false;
    }

    fn header(&self, keyword: &str, id: &Ident, label: Option<&StrLit>) -> String {
        match label {
            Some(label) => format!("{keyword} {} {}", id.name(self.text), self.string(label)),
            None => format!("{keyword} {}", id.name(self.text)),
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
        // Comments between the header's words move to the end of the
        // header's line (so that the block's doc comment stays its own).
        let header_comments = self.has_comment(0, open);

        let one_line = may_be_one_line
            && members.len() <= ONE_LINE_ATTRIBUTES
            && !header_comments
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
        // What follows `{` is inside the block.
        self.inner_comments(open, level + 1);
        self.end_line_at(open + 1, level + 1);
        self.block_start = true;
        for member in members {
            let start = member.start();
            self.leading(start, level + 1);
            self.separate(start);
            if member.is_line() {
                self.doc_guard = false;
            } else {
                self.guard_doc();
            }
            match member {
                Member::Attribute(a) => {
                    self.indent(level + 1);
                    let as_written = self.has_comment(a.span.start(), a.span.end());
                    let text = self.attribute(a);
                    let text = if as_written {
                        text
                    } else {
                        wrap_list(a, text, 2 * (level + 1))
                    };
                    self.out.push_str(&text);
                    self.end_line(a.span.end());
                }
                Member::Trigger(t) => {
                    let header = self.header("trigger", &t.id, t.label.as_ref());
                    let after = t.label.as_ref().map_or(t.id.span.end(), |l| l.span.end());
                    let members: Vec<Member> = t.attrs.iter().map(Member::Attribute).collect();
                    self.block(level + 1, header, after, t.span.end(), &members, true);
                }
                Member::Step(s) => {
                    let header = self.header("step", &s.id, s.label.as_ref());
                    let after = s.label.as_ref().map_or(s.id.span.end(), |l| l.span.end());
                    let members: Vec<Member> = s.attrs.iter().map(Member::Attribute).collect();
                    self.block(level + 1, header, after, s.span.end(), &members, true);
                }
                Member::Incident(i) => {
                    let header = self.header("incident", &i.id, i.label.as_ref());
                    let after = i.label.as_ref().map_or(i.id.span.end(), |l| l.span.end());
                    let members: Vec<Member> = i.attrs.iter().map(Member::Attribute).collect();
                    self.block(level + 1, header, after, i.span.end(), &members, true);
                }
                Member::Inject(i) => {
                    let header = self.header("inject", &i.id, i.label.as_ref());
                    let after = i.label.as_ref().map_or(i.id.span.end(), |l| l.span.end());
                    let members: Vec<Member> = i.attrs.iter().map(Member::Attribute).collect();
                    self.block(level + 1, header, after, i.span.end(), &members, true);
                }
                Member::Expect(e) => {
                    self.indent(level + 1);
                    let text = self.expectation(e);
                    self.out.push_str(&text);
                    self.end_line(e.span.end());
                }
            }
            self.block_start = false;
        }
        self.leading(close, level + 1);
        self.doc_guard = false;
        self.indent(level);
        self.out.push('}');
        self.end_line(end);
    }

    fn duration(&self, d: &DurationLit) -> String {
        self.slice(d.span.start(), d.span.end()).to_owned()
    }

    fn path(&self, p: &StepPath) -> String {
        format!("{}.{}", p.procedure.name(self.text), p.step.name(self.text))
    }

    /// `expect …` with single spaces; as written when a comment is inside.
    fn expectation(&mut self, e: &crate::syntax::ast::Expect) -> String {
        if self.has_comment(e.span.start(), e.span.end()) {
            while self
                .comments
                .get(self.next)
                .is_some_and(|&(s, _)| s < e.span.end())
            {
                self.next += 1;
            }
            return self.verbatim(e.span.start(), e.span.end());
        }
        let share = |out: &mut String, share: &Option<crate::syntax::ast::IntLit>| {
            if let Some(n) = share {
                out.push_str(&format!(
                    " in {}%",
                    self.slice(n.span.start(), n.span.end())
                ));
            }
        };
        let mut out = "expect ".to_owned();
        match &e.expectation {
            Expectation::Step {
                incident,
                procedure,
                step,
                within,
                share: n,
            } => {
                out.push_str(&format!(
                    "{}.{}.{} within {}",
                    incident.name(self.text),
                    procedure.name(self.text),
                    step.name(self.text),
                    self.duration(within)
                ));
                share(&mut out, n);
            }
            Expectation::Activated {
                negated,
                incident,
                procedure,
                within,
            } => {
                if *negated {
                    out.push_str("not ");
                }
                out.push_str(&format!(
                    "{}.{} activated",
                    incident.name(self.text),
                    procedure.name(self.text)
                ));
                if let Some(within) = within {
                    out.push_str(&format!(" within {}", self.duration(within)));
                }
            }
            Expectation::NoShortage { resource } => {
                out.push_str("no shortage");
                if let Some(r) = resource {
                    out.push_str(&format!(" of {}", r.name(self.text)));
                }
            }
            Expectation::DeadlinesMet { share: n } => {
                out.push_str("deadlines met");
                share(&mut out, n);
            }
        }
        out
    }

    fn string(&self, s: &StrLit) -> String {
        self.slice(s.span.start(), s.span.end()).to_owned()
    }

    fn fact_type(&self, ty: &FactType) -> String {
        match ty {
            FactType::Bool(_) => "bool".to_owned(),
            FactType::Int(_) => "int".to_owned(),
            FactType::Duration(_) => "duration".to_owned(),
            FactType::Range { min, max, .. } => format!(
                "{}..{}",
                self.slice(min.span.start(), min.span.end()),
                self.slice(max.span.start(), max.span.end())
            ),
            FactType::Enum { variants, .. } => variants
                .iter()
                .map(|v| v.name(self.text))
                .collect::<Vec<_>>()
                .join(" | "),
        }
    }

    /// One attribute as `name value`; as written when a comment is inside.
    fn attribute(&mut self, a: &Attribute) -> String {
        if self.has_comment(a.span.start(), a.span.end()) {
            // Keep it as written, and step over the comments inside.
            while self
                .comments
                .get(self.next)
                .is_some_and(|&(s, _)| s < a.span.end())
            {
                self.next += 1;
            }
            return self.verbatim(a.span.start(), a.span.end());
        }
        let value = match &a.value {
            AttrValue::Str(s) => self.string(s),
            AttrValue::Name(id) => id.name(self.text).to_owned(),
            AttrValue::Names(ids) => ids
                .iter()
                .map(|i| i.name(self.text))
                .collect::<Vec<_>>()
                .join(", "),
            AttrValue::ActorKind(_, span) | AttrValue::Decision(_, span) => {
                self.slice(span.start(), span.end()).to_owned()
            }
            AttrValue::Capacity(c) => format!(
                "{} {}",
                self.slice(c.amount.span.start(), c.amount.span.end()),
                c.unit.name(self.text)
            ),
            AttrValue::Duration(d) => self.duration(d),
            AttrValue::Range(r) => match &r.mode {
                Some(mode) => format!(
                    "{}..{}..{}",
                    self.duration(&r.min),
                    self.duration(mode),
                    self.duration(&r.max)
                ),
                None => format!("{}..{}", self.duration(&r.min), self.duration(&r.max)),
            },
            AttrValue::Int(n) => self.slice(n.span.start(), n.span.end()).to_owned(),
            AttrValue::Bindings(bindings) => bindings
                .iter()
                .map(|b| format!("{} = {}", b.role.name(self.text), b.actor.name(self.text)))
                .collect::<Vec<_>>()
                .join(", "),
            AttrValue::Assignments(assignments) => assignments
                .iter()
                .map(|a| {
                    let value = match &a.value {
                        Value::Int(n) => self.slice(n.span.start(), n.span.end()).to_owned(),
                        Value::Duration(d) => self.duration(d),
                        Value::Bool { value, .. } => value.to_string(),
                        Value::Name(id) => id.name(self.text).to_owned(),
                    };
                    format!("{} = {value}", a.fact.name(self.text))
                })
                .collect::<Vec<_>>()
                .join(", "),
            AttrValue::Delays(delays) => delays
                .iter()
                .map(|d| format!("{} by {}", self.path(&d.path), self.duration(&d.by)))
                .collect::<Vec<_>>()
                .join(", "),
            AttrValue::Paths(paths) => paths
                .iter()
                .map(|p| self.path(p))
                .collect::<Vec<_>>()
                .join(", "),
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
                r.resource.name(self.text),
                self.slice(amount.span.start(), amount.span.end()),
                unit.name(self.text)
            ),
            (Some(amount), None) => format!(
                "{}({})",
                r.resource.name(self.text),
                self.slice(amount.span.start(), amount.span.end())
            ),
            _ => r.resource.name(self.text).to_owned(),
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
            Expr::Int(lit) => out.push_str(self.slice(lit.span.start(), lit.span.end())),
            Expr::Duration(lit) => out.push_str(self.slice(lit.span.start(), lit.span.end())),
            Expr::Bool { value, .. } => out.push_str(if *value { "true" } else { "false" }),
            Expr::Name(id) => out.push_str(id.name(self.text)),
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

/// A list attribute (`set`, `bind`, `requires`, …) whose line would be
/// wider than [`WIDTH`] is broken after commas, each continuation line
/// indented one level deeper than the attribute, filled greedily.
fn wrap_list(a: &Attribute, text: String, indent: usize) -> String {
    let is_list = matches!(
        a.value,
        AttrValue::Names(_)
            | AttrValue::Requirements(_)
            | AttrValue::Bindings(_)
            | AttrValue::Assignments(_)
            | AttrValue::Delays(_)
            | AttrValue::Paths(_)
    );
    if !is_list || indent + text.chars().count() <= WIDTH {
        return text;
    }
    let name = a.name.as_str();
    let Some(items) = text.strip_prefix(name).and_then(|t| t.strip_prefix(' ')) else {
        return text;
    };
    let continuation = " ".repeat(indent + 2);
    let mut out = String::from(name);
    let mut line_width = indent + name.len();
    let parts: Vec<&str> = items.split(", ").collect();
    for (i, part) in parts.iter().enumerate() {
        let piece = if i + 1 < parts.len() {
            format!("{part},")
        } else {
            (*part).to_owned()
        };
        let width = piece.chars().count();
        if i > 0 && line_width + 1 + width > WIDTH {
            out.push('\n');
            out.push_str(&continuation);
            line_width = continuation.len();
        } else {
            out.push(' ');
            line_width += 1;
        }
        out.push_str(&piece);
        line_width += width;
    }
    out
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
