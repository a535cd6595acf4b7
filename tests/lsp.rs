//! `muster lsp`, driven over stdio with JSON-RPC as an editor drives it:
//! initialize, open, change, definition, references, hover, completion,
//! formatting, rename, outline, shutdown — on a handbook in two files,
//! with a syntax error, with non-ASCII text before names, and with
//! requests that are wrong.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for a response.
    pending: Vec<Value>,
}

fn frame(value: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(value).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("muster lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(value) = serde_json::from_slice(&body)
                    && tx.send(value).is_err()
                {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            pending: Vec::new(),
        };
        let init = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        assert!(
            init["result"]["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, value: &Value) {
        self.stdin.write_all(&frame(value)).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn receive(&mut self) -> Value {
        match self.messages.recv_timeout(Duration::from_secs(30)) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("the server did not answer within 30 s"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// The diagnostics last published for `uri`, once the server has
    /// handled everything sent so far (a request's answer comes after the
    /// notifications of what came before it).
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        self.request("muster/sync", Value::Null);
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        let last = self
            .pending
            .iter()
            .rev()
            .find(|m| is_it(m))
            .cloned()
            .unwrap_or_else(|| panic!("nothing was published for {uri}"));
        self.pending.retain(|m| !is_it(m));
        last["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "muster", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32, extra: Value) -> Value {
        let mut params = json!({
            "textDocument": { "uri": uri },
            "position": { "line": line, "character": character }
        });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                p.insert(k.clone(), v.clone());
            }
        }
        self.request(method, params)
    }

    fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        drop(self);
        assert!(status.success(), "the server exits cleanly: {status}");
    }
}

impl Drop for Client {
    /// A test that fails leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const CATALOGUE: &str = "actor hrvp \"Haute représentante 🇪🇺\" { kind office }\nactor psc \"Political and Security Committee\" { kind body }\nresource cell \"Cellule de planification é🚨\" { provider hrvp  capacity 3 officers }\n";

const MAIN: &str = "use \"catalogue.muster\"\n\nfact on: bool\n\nprocedure p \"Procedure\" {\n  lead hrvp\n  resources cell(1 officers)\n  trigger t { when on }\n  step a \"Assess\" { takes 1d  within 2d  notify psc }\n  step b { after a  takes 1h }\n}\n";

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("catalogue.muster"), CATALOGUE).unwrap();
    std::fs::write(dir.path().join("main.muster"), MAIN).unwrap();
    dir
}

#[test]
fn diagnostics_follow_edits_across_the_files_of_a_handbook() {
    let dir = workspace();
    let main = uri(&dir.path().join("main.muster"));
    let catalogue = uri(&dir.path().join("catalogue.muster"));
    let mut client = Client::start(dir.path());
    client.open(&main, MAIN);
    assert_eq!(codes(&client.diagnostics_for(&main)), Vec::<String>::new());
    assert_eq!(
        codes(&client.diagnostics_for(&catalogue)),
        Vec::<String>::new()
    );

    // A typo: E0102 at the name, in UTF-16 positions.
    client.change(&main, 2, &MAIN.replace("lead hrvp", "lead hrpv"));
    let found = client.diagnostics_for(&main);
    assert_eq!(codes(&found), ["E0102"], "{found:?}");
    assert_eq!(
        found[0]["range"]["start"],
        json!({ "line": 5, "character": 7 })
    );
    assert!(found[0]["message"].as_str().unwrap().contains("help:"));

    // A change in the catalogue re-checks the handbook that uses it.
    client.change(&main, 3, MAIN);
    client.diagnostics_for(&main);
    client.open(&catalogue, CATALOGUE);
    client.diagnostics_for(&catalogue);
    client.change(&catalogue, 2, &CATALOGUE.replace("actor psc", "actor pcs"));
    let found = client.diagnostics_for(&main);
    assert_eq!(codes(&found), ["E0102"], "{found:?}");

    // A syntax error in the catalogue leaves main's report standing on its own.
    client.change(&catalogue, 3, "actor hrvp { kind office \n");
    let cat = client.diagnostics_for(&catalogue);
    assert!(codes(&cat).contains(&"E0001".to_owned()), "{cat:?}");
    // A stale change (an older version) is ignored, not applied.
    client.change(&catalogue, 1, CATALOGUE);
    let hover = client.at("textDocument/hover", &main, 5, 8, json!({}));
    assert!(hover.get("error").is_none(), "answered: {hover}");
    client.shutdown();
}

#[test]
fn names_resolve_across_files_with_utf16_positions() {
    let dir = workspace();
    let main = uri(&dir.path().join("main.muster"));
    let catalogue = uri(&dir.path().join("catalogue.muster"));
    let mut client = Client::start(dir.path());
    client.open(&main, MAIN);
    client.diagnostics_for(&main);

    // `lead hrvp` → the actor in the catalogue.
    let definition = client.at("textDocument/definition", &main, 5, 8, json!({}));
    assert_eq!(definition["result"]["uri"], catalogue, "{definition}");
    assert_eq!(
        definition["result"]["range"],
        json!({ "start": { "line": 0, "character": 6 }, "end": { "line": 0, "character": 10 } })
    );
    // `provider hrvp` comes after a label with é (1 UTF-16 unit, 2 bytes)
    // and 🚨 (2 units, 4 bytes): its column counts UTF-16 units.
    let refs = client.at(
        "textDocument/references",
        &main,
        5,
        8,
        json!({ "context": { "includeDeclaration": true } }),
    );
    let places: Vec<(String, u64, u64)> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_owned(),
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(places.contains(&(catalogue.clone(), 0, 6)), "{places:?}");
    assert!(places.contains(&(catalogue.clone(), 2, 56)), "{places:?}");
    assert!(places.contains(&(main.clone(), 5, 7)), "{places:?}");
    // `after a` → the step.
    let step = client.at("textDocument/definition", &main, 9, 17, json!({}));
    assert_eq!(
        step["result"]["range"]["start"],
        json!({ "line": 8, "character": 7 }),
        "{step}"
    );

    // Hover: label, kind and the computed schedule.
    let hover = client.at("textDocument/hover", &main, 8, 8, json!({}));
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("step `a` — Assess"), "{text}");
    assert!(text.contains("earliest completion T+1d 00:00"), "{text}");
    assert!(
        text.contains("deadline: within 2 days; 1 day to spare"),
        "{text}"
    );
    let hover = client.at("textDocument/hover", &main, 6, 13, json!({}));
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("capacity: 3 officers") && text.contains("claimed by `p.t`"),
        "{text}"
    );

    // Rename an actor: every place, in both files; keywords are refused.
    let refused = client.at("textDocument/prepareRename", &main, 5, 3, json!({}));
    assert!(
        refused.get("error").is_some(),
        "`lead` cannot be renamed: {refused}"
    );
    let ok = client.at("textDocument/prepareRename", &main, 5, 8, json!({}));
    assert!(ok.get("result").is_some(), "{ok}");
    let edit = client.at(
        "textDocument/rename",
        &main,
        5,
        8,
        json!({ "newName": "hr" }),
    );
    let changes = &edit["result"]["changes"];
    assert_eq!(changes[&catalogue].as_array().unwrap().len(), 2, "{edit}");
    assert_eq!(changes[&main].as_array().unwrap().len(), 1, "{edit}");
    let bad = client.at(
        "textDocument/rename",
        &main,
        5,
        8,
        json!({ "newName": "procedure" }),
    );
    assert!(bad.get("error").is_some(), "{bad}");
    client.shutdown();
}

#[test]
fn completion_outline_and_formatting() {
    let dir = workspace();
    let main = uri(&dir.path().join("main.muster"));
    let mut client = Client::start(dir.path());
    let editing = MAIN.replace("  lead hrvp\n", "  lead \n");
    client.open(&main, MAIN);
    client.diagnostics_for(&main);
    // While the line is being typed the file does not parse: the names
    // come from the last version that did.
    client.change(&main, 2, &editing);
    client.diagnostics_for(&main);
    let labels = |v: &Value| -> Vec<String> {
        v["result"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|i| i["label"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // After `lead `: actors, with their labels as detail.
    let items = client.at("textDocument/completion", &main, 5, 7, json!({}));
    let names = labels(&items);
    assert!(
        names.contains(&"hrvp".to_owned()) && names.contains(&"psc".to_owned()),
        "{names:?}"
    );
    assert!(!names.contains(&"cell".to_owned()), "{names:?}");
    assert!(
        items["result"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["detail"] == "Political and Security Committee")
    );
    // In a step, at the start of a line: the attributes of a step.
    let with_line = editing.replace(
        "  step b { after a  takes 1h }\n",
        "  step b {\n    \n  }\n",
    );
    client.change(&main, 3, &with_line);
    client.diagnostics_for(&main);
    let items = client.at("textDocument/completion", &main, 10, 4, json!({}));
    let names = labels(&items);
    assert!(
        names.contains(&"requires".to_owned()) && names.contains(&"within".to_owned()),
        "{names:?}"
    );
    assert!(!names.contains(&"members".to_owned()), "{names:?}");

    // The outline (of a version that parses).
    client.change(&main, 4, MAIN);
    client.diagnostics_for(&main);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main } }),
    );
    let procedure = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "p")
        .expect("the procedure");
    let children: Vec<&str> = procedure["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["t", "a", "b"]);

    // Formatting: one edit to the canonical layout.
    client.change(&main, 5, &MAIN.replace("  lead hrvp\n", "lead    hrvp\n"));
    client.diagnostics_for(&main);
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": main }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits["result"][0]["newText"], MAIN, "{edits}");
    client.shutdown();
}

#[test]
fn wrong_requests_are_answered_and_the_server_survives() {
    let dir = workspace();
    let main = uri(&dir.path().join("main.muster"));
    let mut client = Client::start(dir.path());
    client.open(&main, MAIN);
    client.diagnostics_for(&main);
    let unknown = client.request("textDocument/frobnicate", json!({}));
    assert!(unknown.get("error").is_some());
    let bad = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert!(bad.get("error").is_some());
    // Positions far outside the text, and a document never opened.
    let far = client.at("textDocument/hover", &main, 9999, 9999, json!({}));
    assert!(far.get("error").is_none(), "{far}");
    let elsewhere = uri(&dir.path().join("catalogue.muster"));
    let closed = client.at("textDocument/definition", &elsewhere, 0, 7, json!({}));
    assert!(closed.get("error").is_none(), "{closed}");
    // Edits that are not Muster at all.
    for (v, text) in [
        "}}}{{{",
        "\u{0}\u{1b}[2J",
        "procedure p { step a { after a } }",
        "",
    ]
    .iter()
    .enumerate()
    {
        client.change(&main, 10 + v as i64, text);
        client.diagnostics_for(&main);
        let r = client.at("textDocument/completion", &main, 0, 3, json!({}));
        assert!(r.get("error").is_none(), "{r}");
    }
    client.shutdown();
}
