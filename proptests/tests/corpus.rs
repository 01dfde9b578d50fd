//! Replays the corpus on stable: every named case in `corpus/cases/` must
//! get the status its name starts with (and pass the model and the oracle),
//! and every file of each fuzz target's corpus, `corpus/<target>/`, must pass
//! that target's function exactly as the fuzzer runs it.

use std::path::{Path, PathBuf};

use ws_handshake::ValidConfig;
use ws_handshake_oracle as oracle;
use ws_handshake_proptests::harness;
use ws_handshake_proptests::model::Expected;
use ws_handshake_proptests::{fuzz, manifest};

/// The files of `corpus/<folder>/`, sorted. A missing or empty folder fails
/// the test: a replay of nothing proves nothing.
fn corpus(folder: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus").join(folder);
    let entries = std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    let mut files: Vec<PathBuf> = entries.map(|entry| entry.expect("a readable folder").path()).collect();
    assert!(!files.is_empty(), "{} is empty", folder.display());
    files.sort();
    files
}

#[test]
fn every_named_case_gets_its_status() {
    let cases = corpus("cases");
    assert!(cases.len() >= 60, "only {} named cases", cases.len());
    let config = ValidConfig::default();
    for path in cases {
        let name = path.file_name().and_then(|name| name.to_str()).expect("a UTF-8 name");
        let status: u16 = name.get(..3).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{name}: no status"));
        let bytes = std::fs::read(&path).expect("a readable case");
        let run = harness::check(&config, &bytes, manifest::ending(name))
            .unwrap_or_else(|failure| panic!("{name}: {failure}"));
        let got = match run.outcome {
            Expected::Accept { .. } => Some(101),
            Expected::Reject { rule, .. } => oracle::contract_status(rule),
            Expected::NeedMore => None,
        };
        assert_eq!(got, Some(status), "{name}: {:?}", run.outcome);
    }
}

#[test]
fn every_fuzz_corpus_file_passes_its_target() {
    for &(target, run) in fuzz::TARGETS {
        for path in corpus(target) {
            run(&std::fs::read(&path).expect("a readable corpus file"));
        }
    }
}

/// `corpus/manifest.json` is what `manifest::generate` makes of the cases,
/// the model, the contract's levels and the corpus README: a case added,
/// renamed or changed without `cargo xtask corpus manifest` fails here.
#[test]
fn the_manifest_matches_the_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let generated = manifest::generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let committed = std::fs::read_to_string(root.join(manifest::PATH)).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with corpus/cases/: run `cargo xtask corpus manifest`",
        manifest::PATH
    );
    let parsed: serde_json::Value = serde_json::from_str(&committed).expect("the manifest is JSON");
    let entries = parsed["cases"].as_array().expect("a list of cases").len();
    assert_eq!(entries, corpus("cases").len(), "one entry per case");
}
