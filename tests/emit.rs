//! The backends on every example and on hostile fixtures: snapshots of the
//! JSON plan, the DOT and the Mermaid diagrams; byte-identical output from
//! run to run; and the reference's numbers for the Article 42(7) example.

use std::path::Path;
use std::process::Command;

use muster::emit;
use muster::plan::Plan;

fn plan_of(path: &Path) -> Plan {
    let output = muster::compile_file(path, &muster::Options::default()).unwrap();
    assert!(
        output.diagnostics.is_empty(),
        "{}: {:?}",
        path.display(),
        output.diagnostics
    );
    output.plan.unwrap()
}

/// Snapshots `path` in every format, named `<prefix><format>`.
fn snapshot_all_formats(path: &Path, prefix: &str) {
    let plan = plan_of(path);
    let lanes = emit::Options { lanes: true };
    insta::assert_snapshot!(format!("{prefix}json"), emit::json(&plan));
    insta::assert_snapshot!(format!("{prefix}dot"), emit::dot(&plan));
    insta::assert_snapshot!(
        format!("{prefix}dot_lanes"),
        emit::dot::render(&plan, &lanes)
    );
    insta::assert_snapshot!(format!("{prefix}mermaid"), emit::mermaid(&plan));
    insta::assert_snapshot!(
        format!("{prefix}mermaid_lanes"),
        emit::mermaid::render(&plan, &lanes)
    );
    insta::assert_snapshot!(format!("{prefix}dot_overview"), emit::dot::overview(&plan));
    insta::assert_snapshot!(
        format!("{prefix}mermaid_overview"),
        emit::mermaid::overview(&plan)
    );
    if let Some(last) = plan.procedures.last() {
        let one = emit::only_procedure(&plan, &last.id).unwrap();
        assert_eq!(one.procedures.len(), 1);
        insta::assert_snapshot!(format!("{prefix}dot_procedure"), emit::dot(&one));
    }
}

/// Boxes show labels: actors by their label, with `notify`, `support` and
/// the critical resource; times say they count from activation.
#[test]
fn diagrams_show_labels_notify_support_and_the_critical_resource() {
    let plan =
        plan_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/eu_crisis/main.muster"));
    for text in [emit::dot(&plan), emit::mermaid(&plan)] {
        assert!(text.contains("owner: Emergency Response Coordination Centre"));
        assert!(!text.contains("owner: ercc"));
        assert!(text.contains("notify: UCPM participating states"));
        assert!(text.contains("support: European Commission, UCPM participating states"));
        assert!(text.contains("critical resource"));
        assert!(text.contains("from activation"));
    }
}

#[test]
fn build_flags_procedure_overview_and_svg() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str], env: Option<(&str, &str)>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_muster"));
        command.current_dir(root).arg("build").args(args);
        if let Some((k, v)) = env {
            command.env(k, v);
        }
        command.output().unwrap()
    };
    let file = "examples/eu_crisis/main.muster";
    let out = run(&[file, "--emit", "dot", "--procedure", "ipcr"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("subgraph \"cluster_procedure_").count(), 1);
    let out = run(&[file, "--emit", "dot", "--procedure", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no procedure `nope`"));
    let out = run(&[file, "--emit", "mermaid", "--overview"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("activates"));
    let out = run(&[file, "--overview"], None);
    assert_eq!(out.status.code(), Some(2));
    // Without Graphviz, `--emit svg` says how to get it.
    let out = run(
        &[file, "--emit", "svg"],
        Some(("MUSTER_DOT", "/nonexistent/dot")),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("install Graphviz"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn examples() {
    insta::glob!("..", "examples/*.muster", |path| snapshot_all_formats(
        path, ""
    ));
}

/// Handbooks split across files: a folder with a `main.muster` entry.
#[test]
fn multi_file_examples() {
    insta::glob!("..", "examples/*/main.muster", |path| {
        let name = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        snapshot_all_formats(path, &format!("{name}_"))
    });
}

#[test]
fn hostile_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/emit");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "muster"))
    {
        let stem = path.file_stem().unwrap().to_string_lossy();
        snapshot_all_formats(path, &format!("{stem}_"));
    }
}

#[test]
fn article_42_7_has_the_schedule_of_the_reference() {
    let plan = plan_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/art42_7.muster"));
    let p = &plan.procedures[0];
    assert_eq!(p.duration_minutes, 5760);
    assert_eq!(p.critical_path, ["offers"]);
    assert_eq!(p.critical_resource.as_deref(), Some("frigates"));
    let offers = p.steps.iter().find(|s| s.id == "offers").unwrap();
    assert_eq!(
        (
            offers.earliest_start_minutes,
            offers.earliest_finish_minutes,
            offers.slack_minutes
        ),
        (2880, 5760, 0)
    );
    let consult = p.steps.iter().find(|s| s.id == "consult").unwrap();
    assert_eq!(
        (
            consult.earliest_finish_minutes,
            consult.latest_finish_minutes,
            consult.slack_minutes
        ),
        (1440, 2880, 1440)
    );
    assert_eq!(plan.sources, ["art42_7.muster"]);
    assert_eq!(p.location.file, "art42_7.muster");
}

#[test]
fn two_runs_give_identical_bytes() {
    let root = env!("CARGO_MANIFEST_DIR");
    for emit in ["json", "dot", "mermaid"] {
        for file in [
            "examples/solidarity_222.muster",
            "tests/emit/hostile_labels.muster",
        ] {
            let run = || {
                let out = Command::new(env!("CARGO_BIN_EXE_muster"))
                    .current_dir(root)
                    .args(["build", file, "--emit", emit])
                    .output()
                    .unwrap();
                assert_eq!(out.status.code(), Some(0));
                out.stdout
            };
            assert_eq!(run(), run(), "{file} --emit {emit}");
        }
    }
}

#[test]
fn mermaid_labels_hold_no_raw_specials() {
    let plan =
        plan_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/emit/hostile_labels.muster"));
    let text = emit::mermaid(&plan);
    for line in text.lines() {
        // Every quoted label holds no quote, bracket or percent sign.
        let mut parts = line.split('"');
        parts.next();
        while let (Some(label), Some(_)) = (parts.next(), parts.next()) {
            assert!(
                !label.contains(['%', '[', ']', '{', '}', '<', '>', '`', ';'])
                    || label.contains("<br>") && !label.replace("<br>", "").contains(['<', '>']),
                "unescaped label in: {line}"
            );
        }
    }
    assert!(!text.contains("%%{"), "a directive leaked");
    assert!(!text.contains("</script>"));
}
