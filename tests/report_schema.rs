//! The JSON Schema of the simulation report: the committed copy matches
//! `muster schema --report`, and the report of every example's scenarios
//! validates against it with a real validator (which also rejects a
//! report that breaks it).

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&muster::simulate::report::schema()).unwrap();
    jsonschema::draft202012::new(&schema).expect("the schema is a valid draft 2020-12 schema")
}

fn reports() -> Vec<(PathBuf, serde_json::Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { p.join("main.muster") } else { p })
        .filter(|p| p.extension().is_some_and(|x| x == "muster") && p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let output = muster::compile_file(&path, &muster::Options::default()).unwrap();
            let model = output.model.expect("the example compiles");
            let report =
                muster::simulate::report::play_all(&model, &output.sources, Default::default());
            let json = muster::simulate::report::json(&report);
            (path, serde_json::from_str(&json).unwrap())
        })
        .collect()
}

#[test]
fn the_committed_schema_is_the_one_the_code_prints() {
    let committed = std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap();
    assert!(
        committed == muster::simulate::report::schema(),
        "docs/report.schema.json is stale: run `cargo run -- schema --report > docs/report.schema.json`"
    );
}

#[test]
fn every_report_validates() {
    let validator = validator();
    let reports = reports();
    assert!(reports.len() >= 5);
    for (path, report) in &reports {
        let errors: Vec<String> = validator
            .iter_errors(report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_the_format_forbids() {
    let validator = validator();
    let (_, report) = reports().remove(0);
    assert!(validator.is_valid(&report));
    let mut extra = report.clone();
    extra["scenarios"][0]["surprise"] = serde_json::json!(1);
    assert!(!validator.is_valid(&extra), "an unknown key");
    let mut version = report.clone();
    version["format_version"] = serde_json::json!(2);
    assert!(!validator.is_valid(&version), "another format version");
    let mut finding = report.clone();
    if let Some(f) = finding["scenarios"][0]["findings"].get_mut(0) {
        f.as_object_mut().unwrap().remove("runs");
        assert!(!validator.is_valid(&finding), "a finding without runs");
    }
    let mut minute = report;
    minute["scenarios"][0]["events"][0]["minute"] = serde_json::json!("soon");
    assert!(
        !validator.is_valid(&minute),
        "a minute that is not a number"
    );
}
