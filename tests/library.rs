//! The library API as a user's own snapshot test would use it (the same
//! code as the crate-level doc example).

#[test]
fn users_can_snapshot_their_diagrams() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/art42_7.muster");
    let output = muster::compile_file(path, &muster::Options::default()).expect("readable");
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    let plan = output.plan.expect("the handbook compiles");
    insta::assert_snapshot!(muster::emit::dot(&plan));
}

#[test]
fn diagnostics_come_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.muster");
    std::fs::write(&path, "procedure p { lead nobody }\n").unwrap();
    let output = muster::compile_file(&path, &muster::Options::default()).unwrap();
    assert!(output.plan.is_none());
    assert!(output.has_errors());
    let mut rendered = Vec::new();
    muster::diagnostic::write_human(
        &mut rendered,
        &output.sources,
        &output.diagnostics,
        muster::diagnostic::HumanOptions { color: false },
    )
    .unwrap();
    assert!(
        String::from_utf8(rendered)
            .unwrap()
            .contains("undefined actor `nobody`")
    );
}

#[test]
fn a_missing_file_is_an_io_error() {
    let error = muster::compile_file("no/such.muster", &muster::Options::default()).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
}
