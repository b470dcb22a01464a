//! The benchmark harness runs end to end in smoke mode, so it cannot rot. No timings are asserted.

use crate::support::quire_bin;

#[test]
fn bench_harness_runs_in_smoke_mode() {
    let dir = tempfile::tempdir().unwrap();
    let options = xtask::bench::Options::smoke(dir.path().to_path_buf(), quire_bin().into());
    let report =
        xtask::bench::run(&options, std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let ids: Vec<&str> = report.rows.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "1a", "1b", "2", "3", "6a", "6b", "6c", "7a", "7b", "8", "9a", "9b", "9c",
    ] {
        assert!(ids.contains(&id), "row {id} missing from {ids:?}");
    }
    let row = |id: &str| report.rows.iter().find(|r| r.id == id).unwrap();
    assert!(row("1a").quire.is_some() && row("2").quire.is_some() && row("3").quire.is_some());
    assert!(row("9a").quire.is_some(), "the admin list page answered");
    assert!(
        row("9b").quire.as_ref().is_some_and(|s| s.median > 0.0),
        "admin JS weighed"
    );
    assert!(
        row("6a").note.is_empty(),
        "every admin write succeeded: {}",
        row("6a").note
    );
    let on_disk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(on_disk["rows"].as_array().unwrap().len(), report.rows.len());
    assert!(on_disk["machine"]["cores"].as_u64().unwrap() >= 1);
    let table = xtask::bench::table(&report.rows);
    assert!(table.contains("| 1a | full build, wall time"), "{table}");
    // With the peers installed (CI installs them), their rows carry ratios.
    if std::path::Path::new("/usr/bin/hugo").exists() {
        assert!(
            row("1a").ratio.is_some(),
            "Hugo was on PATH but not compared"
        );
    }
    if std::path::Path::new("/usr/bin/wrk").exists() {
        assert!(
            ids.iter().any(|id| id.starts_with("4-")),
            "wrk was on PATH but not used"
        );
    }
}
