//! No link in the READMEs, `docs/` or the rustdoc leaves the repository, and
//! every relative link names a file that exists: a clone is the whole
//! documentation.

use std::path::{Path, PathBuf};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file below `dir` with one of `extensions`, skipping build output
/// and git's folder.
fn files(dir: &Path, extensions: &[&str], found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder").path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        if path.is_dir() {
            if !matches!(name, "target" | ".git" | "node_modules") {
                files(&path, extensions, found);
            }
        } else if extensions.iter().any(|extension| name.ends_with(extension)) {
            found.push(path);
        }
    }
}

/// `text` without its code: fenced blocks and inline code spans hold no
/// links (a request shown in backticks may hold `](`).
fn prose(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.extend(line.split('`').step_by(2));
            out.push('\n');
        }
    }
    out
}

/// The targets of the Markdown links `[text](target)` and `<scheme:...>` in
/// `text`.
fn link_targets(text: &str) -> Vec<&str> {
    let inline = text.split("](").skip(1).filter_map(|rest| rest.split_once(')').map(|(target, _)| target));
    let autolinks = text.split('<').skip(1).filter_map(|rest| rest.split_once('>').map(|(target, _)| target));
    inline.chain(autolinks.filter(|target| target.contains("://"))).collect()
}

#[test]
fn every_link_stays_in_the_repository() {
    let root = root();
    let mut documents = Vec::new();
    files(&root, &[".md"], &mut documents);
    let mut sources = Vec::new();
    files(&root, &[".rs"], &mut sources);
    let mut checked = 0;
    let mut broken = Vec::new();
    for path in documents.iter().chain(&sources) {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let is_source = path.extension().is_some_and(|extension| extension == "rs");
        // In Rust sources only doc comments are documentation.
        let docs: String = text
            .lines()
            .filter(|line| !is_source || line.trim_start().starts_with("//!") || line.trim_start().starts_with("///"))
            .map(|line| format!("{line}\n"))
            .collect();
        let docs = prose(&docs);
        for target in link_targets(&docs) {
            checked += 1;
            let file = target.split('#').next().unwrap_or_default();
            let outside = target.contains("://") || target.starts_with("mailto:");
            // Intra-doc links (`[Request::accept]`, `[x](crate::y)`) are rustdoc's to check.
            let intra_doc = is_source && !file.contains('/') && !file.contains('.');
            if outside || (!file.is_empty() && !intra_doc && !path.parent().expect("a folder").join(file).exists()) {
                broken.push(format!("{}: {target}", path.strip_prefix(&root).unwrap_or(path).display()));
            }
        }
    }
    assert!(checked > 10, "only {checked} links found: the scan is broken");
    assert!(broken.is_empty(), "links that leave the repository or name no file:\n{}", broken.join("\n"));
}
