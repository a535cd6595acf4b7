//! `muster lsp`: a language server on standard input and output.
//!
//! Built on `lsp-server` (rust-analyzer's synchronous transport): one
//! thread reads requests in order and answers each before the next, which
//! is all a checker that compiles a 10,000-line handbook in milliseconds
//! needs, and leaves nothing to race. Documents are synchronised whole.
//! Every change re-checks the handbooks the file belongs to, with the
//! editor's buffers in place of the files on disk, and publishes the
//! diagnostics of every file of them (a syntax error in one file leaves
//! the others' diagnostics as they are). Positions are UTF-16, as LSP
//! requires ([`position`]).
//!
//! A handler never takes the server down: each runs under
//! `catch_unwind`, and a request that fails is answered with an error.

mod complete;
mod index;
mod position;
mod project;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::{
    CompletionOptions, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DocumentSymbol, Hover, HoverContents, HoverProviderCapability, Location,
    MarkupContent, MarkupKind, NumberOrString, OneOf, PrepareRenameResponse,
    PublishDiagnosticsParams, Range, RenameOptions, ServerCapabilities, SymbolKind,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::Value;

use self::index::{Key, Kind};
use self::project::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile};

/// Runs the server on standard input and output until the client exits.
pub fn run() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let served = serve(&connection);
    // The writer thread ends when the connection's sender is gone.
    drop(connection);
    served?;
    io.join().map_err(|e| e.to_string())
}

/// The server's capabilities.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ".".into(), "=".into(), "[".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Serves one connection: the handshake, then every message until `exit`.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let mut server = Server::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let id = request.id.clone();
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.request(request)
                }));
                let response = match result {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err(message)) => Response::new_err(id, -32602, message),
                    Err(_) => Response::new_err(id, -32603, "internal error".to_owned()),
                };
                connection
                    .sender
                    .send(Message::Response(response))
                    .map_err(|e| e.to_string())?;
            }
            Message::Notification(notification) => {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.notification(notification)
                }));
                if let Ok(out) = result {
                    for n in out {
                        connection
                            .sender
                            .send(Message::Notification(n))
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// An open document.
struct Buffer {
    uri: Uri,
    text: String,
    version: i32,
}

#[derive(Default)]
struct Server {
    /// Open documents by path.
    buffers: BTreeMap<PathBuf, Buffer>,
    /// The handbook files below each root, from a walk (refreshed when a
    /// document is opened or saved).
    walked: HashMap<PathBuf, Vec<PathBuf>>,
    /// Bumped on every change; an analysis is reused while it is current.
    generation: u64,
    cache: Option<(PathBuf, u64, Analysis)>,
    /// The index of the last analysis of each file in which it parsed:
    /// completion while the text does not parse uses it.
    last_good: HashMap<PathBuf, index::Index>,
    /// The files diagnostics were last published for, to clear them.
    published: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
}

/// The path of a `file:` URI, percent-decoded.
fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file://host/path`: only local files.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() + 1 {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(bytes).ok()?;
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of a path.
fn uri_of(path: &Path) -> Option<Uri> {
    let mut text = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            text.push(char::from(b));
        } else {
            text.push_str(&format!("%{b:02X}"));
        }
    }
    text.parse().ok()
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn params<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid parameters: {e}"))
}

fn to_value<T: serde::Serialize>(value: T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

impl Server {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return Vec::new();
                };
                let path = canonical(&path);
                self.walked.remove(&project::root_of(&path));
                self.buffers.insert(
                    path.clone(),
                    Buffer {
                        uri: p.text_document.uri,
                        text: p.text_document.text,
                        version: p.text_document.version,
                    },
                );
                self.generation += 1;
                self.publish(&path)
            }
            "textDocument/didChange" => {
                let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return Vec::new();
                };
                let path = canonical(&path);
                let Some(buffer) = self.buffers.get_mut(&path) else {
                    return Vec::new();
                };
                // A change older than what we have is stale: ignore it.
                if p.text_document.version < buffer.version {
                    return Vec::new();
                }
                let Some(change) = p.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                buffer.text = change.text;
                buffer.version = p.text_document.version;
                self.generation += 1;
                self.publish(&path)
            }
            "textDocument/didSave" => {
                let Ok(p) = params::<lsp_types::DidSaveTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return Vec::new();
                };
                let path = canonical(&path);
                self.walked.remove(&project::root_of(&path));
                self.generation += 1;
                self.publish(&path)
            }
            "textDocument/didClose" => {
                let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return Vec::new();
                };
                let path = canonical(&path);
                self.buffers.remove(&path);
                self.generation += 1;
                // What is on disk now counts; clear what this file alone
                // had published.
                let mut out = Vec::new();
                if let Some(files) = self.published.remove(&path) {
                    for file in files {
                        if let Some(uri) = uri_of(&file) {
                            out.push(publish(uri, Vec::new(), None));
                        }
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// The analysis of `path` (cached while nothing changed).
    fn analysis(&mut self, path: &Path) -> Result<&Analysis, String> {
        let current = matches!(&self.cache, Some((p, g, _)) if p == path && *g == self.generation);
        if !current {
            let root = project::root_of(path);
            let files = self
                .walked
                .entry(root.clone())
                .or_insert_with(|| super::walk::handbooks_below(&root).files)
                .clone();
            let buffers: BTreeMap<PathBuf, String> = self
                .buffers
                .iter()
                .map(|(p, b)| (p.clone(), b.text.clone()))
                .collect();
            let analysis = project::analyse(&root, &files, &buffers, path)?;
            if analysis.session.ast(analysis.focus).is_some() {
                self.last_good
                    .insert(path.to_path_buf(), analysis.index.clone());
            }
            self.cache = Some((path.to_path_buf(), self.generation, analysis));
        }
        match &self.cache {
            Some((_, _, analysis)) => Ok(analysis),
            None => Err("no analysis".to_owned()),
        }
    }

    /// Re-checks the handbooks of `path` and publishes the diagnostics of
    /// every file in them.
    fn publish(&mut self, path: &Path) -> Vec<Notification> {
        // The client's own URI and version of each open document.
        let open: HashMap<PathBuf, (Uri, i32)> = self
            .buffers
            .iter()
            .map(|(p, b)| (p.clone(), (b.uri.clone(), b.version)))
            .collect();
        let Ok(analysis) = self.analysis(path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut files = BTreeSet::new();
        for (&file, diagnostics) in &analysis.diagnostics {
            let Some(source) = analysis.session.sources.get(file) else {
                continue;
            };
            let file_path = canonical(Path::new(&source.name));
            let (uri, version) = match open.get(&file_path) {
                Some((uri, version)) => (uri.clone(), Some(*version)),
                None => match uri_of(&file_path) {
                    Some(uri) => (uri, None),
                    None => continue,
                },
            };
            let list = diagnostics
                .iter()
                .map(|d| lsp_diagnostic(analysis, d))
                .collect();
            out.push(publish(uri, list, version));
            files.insert(file_path);
        }
        // Files this one published for before and no longer includes.
        let before = self.published.insert(path.to_path_buf(), files.clone());
        for stale in before.unwrap_or_default().difference(&files) {
            if let Some(uri) = uri_of(stale) {
                out.push(publish(uri, Vec::new(), None));
            }
        }
        out
    }

    fn request(&mut self, request: Request) -> Result<Value, String> {
        match request.method.as_str() {
            "textDocument/hover" => {
                let p: lsp_types::HoverParams = params(request.params)?;
                self.hover(&p.text_document_position_params)
            }
            "textDocument/definition" => {
                let p: lsp_types::GotoDefinitionParams = params(request.params)?;
                self.definition(&p.text_document_position_params)
            }
            "textDocument/references" => {
                let p: lsp_types::ReferenceParams = params(request.params)?;
                self.references(&p.text_document_position, p.context.include_declaration)
            }
            "textDocument/completion" => {
                let p: lsp_types::CompletionParams = params(request.params)?;
                self.completion(&p.text_document_position)
            }
            "textDocument/documentSymbol" => {
                let p: lsp_types::DocumentSymbolParams = params(request.params)?;
                self.symbols(&p.text_document.uri)
            }
            "textDocument/formatting" => {
                let p: lsp_types::DocumentFormattingParams = params(request.params)?;
                self.format(&p.text_document.uri)
            }
            "textDocument/prepareRename" => {
                let p: lsp_types::TextDocumentPositionParams = params(request.params)?;
                self.prepare_rename(&p)
            }
            "textDocument/rename" => {
                let p: lsp_types::RenameParams = params(request.params)?;
                self.rename(&p.text_document_position, &p.new_name)
            }
            other => Err(format!("`{other}` is not supported")),
        }
    }

    /// The analysis, file and byte offset of a position.
    fn locate(
        &mut self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<(&Analysis, FileId, usize), String> {
        let path = path_of(&at.text_document.uri).ok_or("not a file URI")?;
        let path = canonical(&path);
        let analysis = self.analysis(&path)?;
        let file = analysis.focus;
        let source = analysis
            .session
            .sources
            .get(file)
            .ok_or("the document is not loaded")?;
        let offset = position::offset(source, at.position);
        Ok((analysis, file, offset))
    }

    fn definition(&mut self, at: &lsp_types::TextDocumentPositionParams) -> Result<Value, String> {
        let (analysis, file, offset) = self.locate(at)?;
        let Some(occurrence) = analysis.index.at(file, offset) else {
            return Ok(Value::Null);
        };
        let Some(decl) = analysis.index.decls.get(&occurrence.key) else {
            return Ok(Value::Null);
        };
        to_value(location(analysis, decl.file, decl.span))
    }

    fn references(
        &mut self,
        at: &lsp_types::TextDocumentPositionParams,
        declaration: bool,
    ) -> Result<Value, String> {
        let (analysis, file, offset) = self.locate(at)?;
        let Some(occurrence) = analysis.index.at(file, offset) else {
            return Ok(Value::Null);
        };
        let list: Vec<Location> = analysis
            .index
            .places(&occurrence.key)
            .into_iter()
            .filter(|&(_, _, is_decl)| declaration || !is_decl)
            .filter_map(|(f, span, _)| location(analysis, f, span))
            .collect();
        to_value(list)
    }

    fn hover(&mut self, at: &lsp_types::TextDocumentPositionParams) -> Result<Value, String> {
        let (analysis, file, offset) = self.locate(at)?;
        let mut parts = Vec::new();
        let mut range = None;
        if let Some(occurrence) = analysis.index.at(file, offset)
            && let Some(text) = hover_text(analysis, &occurrence.key)
        {
            parts.push(text);
            range = analysis
                .session
                .sources
                .get(file)
                .map(|s| position::range(s, occurrence.span.start(), occurrence.span.end()));
        }
        // The explanation of a diagnostic under the cursor.
        for d in analysis.diagnostics.get(&file).into_iter().flatten() {
            if d.span.start() <= offset && offset <= d.span.end() {
                parts.push(format!(
                    "**{}** — {}\n\n{}",
                    d.code.as_str(),
                    d.code.summary(),
                    crate::explain::text(d.code)
                ));
            }
        }
        if parts.is_empty() {
            return Ok(Value::Null);
        }
        to_value(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range,
        })
    }

    fn completion(&mut self, at: &lsp_types::TextDocumentPositionParams) -> Result<Value, String> {
        let path = canonical(&path_of(&at.text_document.uri).ok_or("not a file URI")?);
        let (analysis, file, offset) = self.locate(at)?;
        let source = analysis
            .session
            .sources
            .get(file)
            .ok_or("the document is not loaded")?;
        let text = source.text.as_str();
        let line = source.index().line_of(offset);
        let start = source.index().line_range(text, line).start.min(offset);
        let before = text.get(start..offset).unwrap_or("").to_owned();
        // Judged from the text, so that it works while the file does not
        // parse (which is most of the time while typing).
        let block = complete::block_in_text(text, offset);
        let parsed = analysis.session.ast(file).is_some();
        let items = if parsed {
            complete::complete(&analysis.index, &block, &before)
        } else {
            // The names of the last version that parsed.
            let index = self.last_good.get(&path).cloned().unwrap_or_default();
            complete::complete(&index, &block, &before)
        };
        to_value(items)
    }

    fn symbols(&mut self, uri: &Uri) -> Result<Value, String> {
        let path = canonical(&path_of(uri).ok_or("not a file URI")?);
        let analysis = self.analysis(&path)?;
        let file = analysis.focus;
        let Some(tree) = analysis.session.ast(file) else {
            return to_value(Vec::<DocumentSymbol>::new());
        };
        let Some(source) = analysis.session.sources.get(file) else {
            return to_value(Vec::<DocumentSymbol>::new());
        };
        to_value(document_symbols(source, tree))
    }

    fn format(&mut self, uri: &Uri) -> Result<Value, String> {
        let path = canonical(&path_of(uri).ok_or("not a file URI")?);
        let text = match self.buffers.get(&path) {
            Some(b) => b.text.clone(),
            None => std::fs::read_to_string(&path).map_err(|e| e.to_string())?,
        };
        let mut sources = crate::source::SourceMap::new();
        let id = sources.add(SourceFile::new(path.to_string_lossy(), text.clone()));
        let Ok(formatted) = crate::fmt::format_source(&sources, id) else {
            // Not formatted while it has syntax errors: no edit.
            return Ok(Value::Null);
        };
        if formatted == text {
            return to_value(Vec::<TextEdit>::new());
        }
        let Some(source) = sources.get(id) else {
            return Ok(Value::Null);
        };
        to_value(vec![TextEdit {
            range: position::range(source, 0, text.len()),
            new_text: formatted,
        }])
    }

    fn prepare_rename(
        &mut self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<Value, String> {
        let (analysis, file, offset) = self.locate(at)?;
        let Some(occurrence) = analysis.index.at(file, offset) else {
            return Err(
                "only a name can be renamed here (not a keyword, an attribute or a literal)"
                    .to_owned(),
            );
        };
        if !analysis.index.decls.contains_key(&occurrence.key) {
            return Err(format!("`{}` is not declared", occurrence.key.name()));
        }
        let source = analysis
            .session
            .sources
            .get(file)
            .ok_or("the document is not loaded")?;
        to_value(PrepareRenameResponse::Range(position::range(
            source,
            occurrence.span.start(),
            occurrence.span.end(),
        )))
    }

    fn rename(
        &mut self,
        at: &lsp_types::TextDocumentPositionParams,
        new_name: &str,
    ) -> Result<Value, String> {
        let valid = new_name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && new_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "`{new_name}` is not a name: a letter or `_`, then letters, digits and `_`"
            ));
        }
        if crate::syntax::is_reserved(new_name) {
            return Err(format!("`{new_name}` is a reserved word"));
        }
        let (analysis, file, offset) = self.locate(at)?;
        let Some(occurrence) = analysis.index.at(file, offset) else {
            return Err("only a name can be renamed here".to_owned());
        };
        let key = occurrence.key.clone();
        // `Uri` caches its parts inside, which clippy calls a mutable key;
        // it is never changed while in the map.
        #[allow(clippy::mutable_key_type)]
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for (f, span, _) in analysis.index.places(&key) {
            let Some(loc) = location(analysis, f, span) else {
                continue;
            };
            changes.entry(loc.uri).or_default().push(TextEdit {
                range: loc.range,
                new_text: new_name.to_owned(),
            });
        }
        to_value(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }
}

fn publish(uri: Uri, diagnostics: Vec<LspDiagnostic>, version: Option<i32>) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".to_owned(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

fn location(analysis: &Analysis, file: FileId, span: crate::source::Span) -> Option<Location> {
    let source = analysis.session.sources.get(file)?;
    let uri = uri_of(&canonical(Path::new(&source.name)))?;
    Some(Location {
        uri,
        range: position::range(source, span.start(), span.end()),
    })
}

fn lsp_diagnostic(analysis: &Analysis, d: &Diagnostic) -> LspDiagnostic {
    let range = analysis
        .session
        .sources
        .get(d.span.file)
        .map_or_else(Range::default, |s| {
            position::range(s, d.span.start(), d.span.end())
        });
    let mut message = d.message.clone();
    if let Some(label) = &d.label {
        message.push_str(&format!(" ({label})"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: location(analysis, l.span.file, l.span)?,
                message: l.message.clone(),
            })
        })
        .collect();
    LspDiagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("muster".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..LspDiagnostic::default()
    }
}

/// What a hover says about a name: its kind, label and doc, and what the
/// plan computed about it.
fn hover_text(analysis: &Analysis, key: &Key) -> Option<String> {
    let decl = analysis.index.decls.get(key)?;
    let mut out = format!("{} `{}`", decl.kind.as_str(), key.name());
    if let Some(label) = &decl.label {
        out.push_str(&format!(" — {}", crate::emit::doc::text(label)));
    }
    if let Some(detail) = &decl.detail {
        out.push_str(&format!("\n\nkind: {detail}"));
    }
    if let Some(doc) = &decl.doc {
        out.push_str(&format!("\n\n{}", crate::emit::doc::paragraphs(doc)));
    }
    let words = |m: u64| crate::emit::doc::words(m);
    if let Some(plan) = &analysis.plan {
        match (decl.kind, key) {
            (Kind::Step, Key::Step(p, s)) => {
                if let Some(step) = plan
                    .procedures
                    .iter()
                    .find(|q| &q.id == p)
                    .and_then(|q| q.steps.iter().find(|x| &x.id == s))
                {
                    let t = |m: u64| crate::simulate::clock(u32::try_from(m).unwrap_or(u32::MAX));
                    out.push_str(&format!(
                        "\n\nearliest start {}, earliest completion {} (from activation)",
                        t(step.earliest_start_minutes),
                        t(step.earliest_finish_minutes)
                    ));
                    if let Some(w) = step.within_minutes {
                        let w = u64::from(w);
                        let margin = if step.earliest_finish_minutes <= w {
                            format!("{} to spare", words(w - step.earliest_finish_minutes))
                        } else {
                            format!("late by {}", words(step.earliest_finish_minutes - w))
                        };
                        out.push_str(&format!("\n\ndeadline: within {}; {margin}", words(w)));
                    }
                    out.push_str(&format!(
                        "\n\nslack: {}",
                        if step.slack_minutes < 0 {
                            format!("late by {}", words(step.slack_minutes.unsigned_abs()))
                        } else {
                            words(step.slack_minutes.unsigned_abs())
                        }
                    ));
                    out.push_str(if step.critical {
                        "\n\non the critical path"
                    } else {
                        "\n\nnot on the critical path"
                    });
                }
            }
            (Kind::Resource, Key::Top(r)) => {
                if let Some(res) = plan.resources.iter().find(|x| &x.id == r) {
                    match &res.capacity {
                        Some(c) => out.push_str(&format!("\n\ncapacity: {} {}", c.amount, c.unit)),
                        None => out.push_str("\n\ncapacity: no limit"),
                    }
                    out.push_str(&format!(
                        "\n\nready {} after a claim is granted",
                        words(u64::from(res.ready_minutes))
                    ));
                    let claims: Vec<String> = plan
                        .procedures
                        .iter()
                        .flat_map(|p| {
                            p.triggers
                                .iter()
                                .filter(|t| t.resources.iter().any(|m| &m.resource == r))
                                .map(move |t| format!("`{}.{}`", p.id, t.id))
                        })
                        .collect();
                    if !claims.is_empty() {
                        out.push_str(&format!("\n\nclaimed by {}", claims.join(", ")));
                    }
                }
            }
            (Kind::Fact, Key::Top(f)) => {
                if let Some(fact) = plan.facts.iter().find(|x| &x.id == f) {
                    let ty = match &fact.ty {
                        crate::plan::FactType::Bool => "bool".to_owned(),
                        crate::plan::FactType::Int {
                            min: Some(a),
                            max: Some(b),
                        } => format!("{a}..{b}"),
                        crate::plan::FactType::Int { .. } => "int".to_owned(),
                        crate::plan::FactType::Duration => "duration".to_owned(),
                        crate::plan::FactType::Enum { variants } => variants.join(" | "),
                    };
                    out.push_str(&format!("\n\ntype: `{ty}`"));
                }
            }
            _ => {}
        }
    }
    Some(out)
}

#[allow(deprecated)]
fn symbol(
    source: &SourceFile,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: crate::source::Span,
    id: crate::source::Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.to_owned(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: position::range(source, span.start(), span.end()),
        selection_range: position::range(source, id.start(), id.end()),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The outline of a file.
fn document_symbols(source: &SourceFile, tree: &crate::syntax::ast::File) -> Vec<DocumentSymbol> {
    use crate::syntax::ast::{Declaration, ProcedureItem, ScenarioItem};
    let label =
        |l: &Option<crate::syntax::ast::StrLit>| l.as_ref().map(|l| l.value(source).into_owned());
    let mut out = Vec::new();
    for d in &tree.declarations {
        match d {
            Declaration::Actor(a) => out.push(symbol(
                source,
                a.id.name(source),
                label(&a.label),
                SymbolKind::CLASS,
                a.span,
                a.id.span,
                Vec::new(),
            )),
            Declaration::Resource(r) => out.push(symbol(
                source,
                r.id.name(source),
                label(&r.label),
                SymbolKind::OBJECT,
                r.span,
                r.id.span,
                Vec::new(),
            )),
            Declaration::Fact(f) => out.push(symbol(
                source,
                f.id.name(source),
                None,
                SymbolKind::VARIABLE,
                f.span,
                f.id.span,
                Vec::new(),
            )),
            Declaration::Procedure(p) => {
                let children = p
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ProcedureItem::Trigger(t) => Some(symbol(
                            source,
                            t.id.name(source),
                            label(&t.label),
                            SymbolKind::EVENT,
                            t.span,
                            t.id.span,
                            Vec::new(),
                        )),
                        ProcedureItem::Step(s) => Some(symbol(
                            source,
                            s.id.name(source),
                            label(&s.label),
                            SymbolKind::METHOD,
                            s.span,
                            s.id.span,
                            Vec::new(),
                        )),
                        ProcedureItem::Attribute(_) => None,
                    })
                    .collect();
                out.push(symbol(
                    source,
                    p.id.name(source),
                    label(&p.label),
                    SymbolKind::FUNCTION,
                    p.span,
                    p.id.span,
                    children,
                ));
            }
            Declaration::Scenario(sc) => {
                let children = sc
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ScenarioItem::Incident(i) => Some(symbol(
                            source,
                            i.id.name(source),
                            label(&i.label),
                            SymbolKind::EVENT,
                            i.span,
                            i.id.span,
                            Vec::new(),
                        )),
                        ScenarioItem::Inject(j) => Some(symbol(
                            source,
                            j.id.name(source),
                            label(&j.label),
                            SymbolKind::EVENT,
                            j.span,
                            j.id.span,
                            Vec::new(),
                        )),
                        _ => None,
                    })
                    .collect();
                out.push(symbol(
                    source,
                    sc.id.name(source),
                    label(&sc.label),
                    SymbolKind::MODULE,
                    sc.span,
                    sc.id.span,
                    children,
                ));
            }
            Declaration::Handbook(h) => out.push(symbol(
                source,
                &h.title.value(source),
                None,
                SymbolKind::FILE,
                h.span,
                h.title.span,
                Vec::new(),
            )),
            Declaration::Use(_) => {}
        }
    }
    out
}
