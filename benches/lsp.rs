//! The language server's latency (`docs/PERFORMANCE.md`, "Editor
//! latency"): after a one-character edit to a generated handbook of
//! 10,000 lines, the time until the server publishes the new diagnostics,
//! against `muster check` of the same file, measured side by side in one
//! run. Run with `cargo bench --bench lsp`; the target is a median under
//! 50 ms.

#[path = "../xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Edits measured.
const EDITS: usize = 40;

fn binary() -> PathBuf {
    // The release binary next to this bench's executable.
    let mut dir = std::env::current_exe().expect("the bench's path");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let bin = dir.join("muster");
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "--bin", "muster"])
            .status()
            .expect("cargo builds muster");
        assert!(status.success());
    }
    bin
}

fn handbook() -> String {
    // About 10,000 lines: the generator's procedures of 10 steps are
    // ~80 lines each.
    let mut procedures = 100;
    loop {
        let text = generate::handbook(
            generate::Size {
                procedures,
                steps: 10,
            },
            42,
        );
        if text.lines().count() >= 10_000 {
            return text;
        }
        procedures += 10;
    }
}

struct Server {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn send(&mut self, value: &Value) {
        let body = serde_json::to_vec(value).expect("JSON");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.stdin.write_all(&body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("read");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("a body");
        serde_json::from_slice(&body).expect("JSON")
    }

    /// Waits for the diagnostics of `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m;
            }
        }
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    // Not under `cargo test --benches`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let bin = binary();
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("large.muster");
    let text = handbook();
    std::fs::write(&path, &text).expect("write");
    let path = path.canonicalize().expect("a path");
    let uri = format!("file://{}", path.display());

    let mut child = Command::new(&bin)
        .arg("lsp")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("muster lsp starts");
    let mut server = Server {
        stdin: child.stdin.take().expect("stdin"),
        stdout: BufReader::new(child.stdout.take().expect("stdout")),
    };
    server.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    server.receive();
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "muster", "version": 1, "text": text}}}),
    );
    server.diagnostics(&uri);

    let check = |path: &Path| {
        let start = Instant::now();
        let status = Command::new(&bin)
            .args(["check", "--color", "never"])
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("muster check runs");
        assert!(status.code().is_some());
        start.elapsed()
    };
    let mut edits = Vec::new();
    let mut checks = Vec::new();
    for i in 0..EDITS {
        // One character: a label gains (or loses) a letter.
        let edited = if i % 2 == 0 {
            text.replacen("\"Procedure 0\"", "\"Procedure 0x\"", 1)
        } else {
            text.clone()
        };
        let start = Instant::now();
        server.send(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [{"text": edited}]}}),
        );
        let published = server.diagnostics(&uri);
        edits.push(start.elapsed());
        assert!(published["params"]["diagnostics"].is_array());
        checks.push(check(&path));
    }
    server.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    server.receive();
    server.send(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = child.wait();

    let (edit, check) = (median(edits), median(checks));
    println!(
        "lsp: {} lines; after a one-character edit, diagnostics in {:.1} ms (median of {EDITS}); `muster check` of the file {:.1} ms; ratio {:.2}× (target: under 50 ms)",
        text.lines().count(),
        edit.as_secs_f64() * 1000.0,
        check.as_secs_f64() * 1000.0,
        edit.as_secs_f64() / check.as_secs_f64()
    );
}
