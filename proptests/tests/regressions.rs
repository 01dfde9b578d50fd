//! Replays every input that ever made a property or a fuzz target fail,
//! kept as named files in `corpus/regressions/` (listed, one line each, in
//! its README): a `fuzz-<target>-*` file through that target, any other
//! through the core, the model and the oracle, however it ends.

use std::path::Path;

use ws_handshake_proptests::model::End;
use ws_handshake_proptests::strategies::config;
use ws_handshake_proptests::{fuzz, harness};

#[test]
fn every_regression_still_passes() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&folder).expect("corpus/regressions exists") {
        let path = entry.expect("a readable folder").path();
        if path.extension().is_some_and(|ext| ext == "md") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("a readable file");
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        let found_by = fuzz::TARGETS.iter().find(|(target, _)| name.starts_with(&format!("fuzz-{target}-")));
        if let Some((_, run)) = found_by {
            run(&bytes);
            replayed += 1;
            continue;
        }
        for end in [End::Open, End::Eof, End::Deadline] {
            if let Err(failure) = harness::check(&config(), &bytes, end) {
                panic!("{} ({end:?}): {failure}", path.display());
            }
        }
        replayed += 1;
    }
    let listed = std::fs::read_to_string(folder.join("README.md")).expect("corpus/regressions/README.md");
    let rows = listed.lines().filter(|line| line.starts_with("| `")).count();
    assert_eq!(rows, replayed, "every regression file has one line in corpus/regressions/README.md");
}
