//! The JSON Schema of the plan: the committed copy matches `muster schema`,
//! and every plan the test suite compiles validates against it with a real
//! validator (which also rejects a plan that breaks it).

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&muster::plan::schema()).unwrap();
    jsonschema::draft202012::new(&schema).expect("the schema is a valid draft 2020-12 schema")
}

fn plans() -> Vec<(PathBuf, serde_json::Value)> {
    let mut out = Vec::new();
    for dir in ["examples", "tests/emit"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { p.join("main.muster") } else { p })
            .filter(|p| p.extension().is_some_and(|x| x == "muster") && p.is_file())
            .collect();
        files.sort();
        for path in files {
            let output = muster::compile_file(&path, &muster::Options::default()).unwrap();
            let plan = output.plan.expect("the file compiles");
            out.push((
                path,
                serde_json::from_str(&muster::emit::json(&plan)).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn the_committed_schema_is_the_one_the_code_prints() {
    let committed = std::fs::read_to_string(root().join("docs/plan.schema.json")).unwrap();
    assert!(
        committed == muster::plan::schema(),
        "docs/plan.schema.json is stale: run `cargo run -- schema > docs/plan.schema.json`"
    );
}

#[test]
fn every_plan_validates() {
    let validator = validator();
    let plans = plans();
    assert!(plans.len() >= 4);
    for (path, plan) in plans {
        let errors: Vec<String> = validator
            .iter_errors(&plan)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_the_format_forbids() {
    let validator = validator();
    let (_, plan) = plans().remove(0);
    let mut extra = plan.clone();
    extra["procedures"][0]["surprise"] = serde_json::json!(true);
    assert!(
        !validator.is_valid(&extra),
        "an unknown key must be refused"
    );
    let mut missing = plan.clone();
    missing["procedures"][0]["steps"][0]
        .as_object_mut()
        .unwrap()
        .remove("slack_minutes");
    assert!(
        !validator.is_valid(&missing),
        "a missing key must be refused"
    );
    let mut version = plan;
    version["format_version"] = serde_json::json!(2);
    assert!(
        !validator.is_valid(&version),
        "another format version must be refused"
    );
}
