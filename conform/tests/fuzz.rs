//! `--fuzz` against a server that answers as the model says: nothing is
//! found; with one planted bug (a 101 where rule 11 refuses) exactly that
//! is found, minimized and saved as a candidate with its manifest entry.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use ws_handshake::{Config, Rule, reason_phrase};
use ws_handshake_conform::fuzz::{Report, fuzz};
use ws_handshake_conform::{Case, Profile};
use ws_handshake_oracle::expected_accept;
use ws_handshake_proptests::model::{self, End, Expected};

/// A server on a loopback port that answers each request as the model
/// says, except a 101 where it refuses under `planted`, or, when `planted`
/// is `"list"`, nothing at all to a request whose `Upgrade` is a list.
fn serve(planted: Option<&'static str>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || answer(stream, planted));
        }
    });
    addr
}

fn answer(mut stream: TcpStream, planted: Option<&str>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    let (mut bytes, mut chunk) = (Vec::new(), [0; 4096]);
    let expected = loop {
        match stream.read(&mut chunk) {
            Ok(n) if n > 0 => bytes.extend_from_slice(&chunk[..n]),
            _ => return,
        }
        match model::expect(&Config::default(), &bytes, End::Open) {
            Expected::NeedMore => {}
            expected => break expected,
        }
    };
    let lists_upgrade = String::from_utf8_lossy(&bytes)
        .lines()
        .any(|line| line.to_ascii_lowercase().starts_with("upgrade:") && line.contains(','));
    if planted == Some("list") && lists_upgrade {
        return;
    }
    let response = match expected {
        Expected::Reject { rule, .. } if Some(rule) != planted => {
            let row = Rule::ALL.iter().find(|row| row.number() == rule).expect("a rule of the table");
            let extra: String = row.extra_headers().iter().map(|field| format!("{field}\r\n")).collect();
            let reason = reason_phrase(row.status()).unwrap_or("Error");
            format!("HTTP/1.1 {} {reason}\r\n{extra}Connection: close\r\nContent-Length: 0\r\n\r\n", row.status())
        }
        _ => match expected_accept(&bytes) {
            Ok(accept) => format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ),
            Err(_) => "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".to_owned(),
        },
    };
    let _ = stream.write_all(response.as_bytes());
    if !response.starts_with("HTTP/1.1 101") {
        let _ = stream.shutdown(Shutdown::Write);
    }
    // Reads what is left until the client closes, so that no unread byte
    // turns the close into a reset.
    while let Ok(n) = stream.read(&mut chunk) {
        if n == 0 {
            break;
        }
    }
}

fn fuzzed(planted: Option<&'static str>) -> Report {
    let addr = serve(planted).to_string();
    fuzz(&addr, Duration::from_secs(3), &Profile::default(), 7).expect("a server to fuzz")
}

#[test]
fn a_server_that_keeps_the_contract_gives_no_finding() {
    let report = fuzzed(None);
    assert!(report.inputs > 100, "only {} inputs in 3 s", report.inputs);
    let kinds: Vec<_> = report.findings.iter().map(|(kind, f)| (kind, &f.outcome.reasons)).collect();
    assert!(kinds.is_empty(), "{kinds:#?}");
}

#[test]
fn a_planted_101_for_rule_11_is_found_minimized_and_saved() {
    let report = fuzzed(Some("11"));
    assert!(!report.findings.is_empty(), "nothing found in {} inputs", report.inputs);
    for ((rule, what, got), finding) in &report.findings {
        assert_eq!((rule.as_str(), got.as_str()), ("11", "101"), "{what}: {:?}", finding.outcome.reasons);
        assert!(what.starts_with("version-"), "{what}");
        // A plain handshake: the request line, the five fields a valid one
        // needs (one more for `version-twice`), the blank line; no bytes
        // after the head, every name as RFC 6455 spells it.
        let request = String::from_utf8_lossy(&finding.outcome.case.bytes).into_owned();
        assert!(request.ends_with("\r\n\r\n"), "{request:?}");
        assert!(request.lines().count() <= 8, "not minimized: {request:?}");
        for name in ["Host:", "Upgrade:", "Connection:", "Sec-WebSocket-Key:"] {
            assert!(request.contains(name), "{name} missing or not minimized: {request:?}");
        }
    }
    let folder = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-candidates");
    let _ = std::fs::remove_dir_all(&folder);
    let written = report.save(&folder).expect("candidates saved");
    assert_eq!(written.len(), report.findings.len());
    for path in written {
        let name = path.file_name().and_then(|name| name.to_str()).expect("a file name").to_owned();
        assert!(name.starts_with("426-version-"), "{name}");
        let bytes = std::fs::read(&path).expect("the request");
        let entry = std::fs::read_to_string(path.with_extension("http.json")).expect("its manifest entry");
        let entry: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
        let case = Case::from_entry(&entry, name.into(), bytes.into()).expect("a case");
        assert_eq!((case.expected, case.rule.as_deref(), case.level.as_deref()), (426, Some("11"), Some("MUST")));
        assert!(case.about.contains("Found by ws-conform --fuzz"), "{}", case.about);
    }
}

#[test]
fn a_failure_of_the_valid_handshake_under_a_mutation_is_counted_as_the_valid_handshakes() {
    let report = fuzzed(Some("list"));
    let kinds: Vec<_> = report.findings.keys().collect();
    assert_eq!(kinds, [&("-".to_owned(), "valid".to_owned(), "nothing".to_owned())]);
    let request =
        String::from_utf8_lossy(&report.findings.values().next().expect("one").outcome.case.bytes).into_owned();
    assert!(request.to_ascii_lowercase().contains("upgrade:") && request.contains(','), "{request:?}");
}
