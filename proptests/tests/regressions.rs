//! Replays every input that ever made a property or a fuzz target fail,
//! kept as named files in `corpus/regressions/` (listed, one line each, in
//! its README), through the core, the model and the oracle, however it ends.

use std::path::Path;

use ws_handshake_proptests::harness;
use ws_handshake_proptests::model::End;
use ws_handshake_proptests::strategies::config;

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
