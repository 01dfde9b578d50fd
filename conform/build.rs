//! Embeds the corpus (`../corpus/manifest.json` and every file of
//! `../corpus/cases/`) in the binary, so that an installed `ws-conform`
//! needs no checkout.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let cases = corpus.join("cases");
    println!("cargo::rerun-if-changed={}", corpus.join("manifest.json").display());
    println!("cargo::rerun-if-changed={}", cases.display());
    let mut names: Vec<String> = std::fs::read_dir(&cases)
        .expect("corpus/cases/ beside this crate")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".http"))
        .collect();
    names.sort();
    let mut code = format!("pub const MANIFEST: &str = include_str!({:?});\n", corpus.join("manifest.json"));
    code.push_str("pub const CASES: &[(&str, &[u8])] = &[\n");
    for name in names {
        let _ = writeln!(code, "    ({name:?}, include_bytes!({:?})),", cases.join(&name));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("corpus.rs");
    std::fs::write(out, code).expect("write corpus.rs");
}
