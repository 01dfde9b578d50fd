//! The oracle against the core: real responses of the core, to valid and
//! broken requests, pass exact judgement with the status the contract gives.
//! (The oracle's own tests, in `oracle/`, never run the core.)

use ws_handshake::{Config, ValidConfig};
use ws_handshake_oracle::{Verdict, judge_exact};
use ws_handshake_proptests::harness;
use ws_handshake_proptests::model::{End, Expected};

/// Bytes as text for an error message.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The core's response to `request`, fed at once and followed by the end of stream.
fn core_response(config: &ValidConfig<'_>, request: &[u8]) -> Vec<u8> {
    let run = harness::run(config, request, &[], End::Eof);
    assert_ne!(run.outcome, Expected::NeedMore, "NeedMore at end of stream");
    run.response().to_vec()
}

/// Real core responses, the thing being judged.
#[test]
fn core_responses_pass() {
    let valid = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    let requests: Vec<Vec<u8>> = vec![
        format!("{valid}\r\n").into(),
        format!("{valid}Sec-WebSocket-Protocol: x, chat\r\n\r\nframes").into(),
        format!("{valid}Origin: http://evil.example\r\n\r\n").into(),
        format!("{}\r\n", valid.replace("Version: 13", "Version: 8")).into(),
        format!("{}\r\n", valid.replace("GET", "POST")).into(),
        format!("\r\n{}\r\n", valid.replace("GET", "HEAD")).into(),
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n".to_vec(),
        b"GET / HTTP/1.0\r\n\r\n".to_vec(),
        b"HEAD / HTTP/1.0\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        b"\x16\x03\x01".to_vec(),
        b"GET / HTTP/1.1\r\nHost".to_vec(),
        Vec::new(),
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(9000)).into(),
    ];
    let protocols = ["chat"];
    let configs = [Config::default(), Config { protocols: &protocols, ..Config::default() }];
    for config in configs.map(|config| config.validate().expect("valid config")) {
        let verdicts: Vec<Verdict> = requests
            .iter()
            .map(|request| {
                let response = core_response(&config, request);
                let context = || format!("request {:?}, response {:?}", lossy(request), lossy(&response));
                judge_exact(request, &response).unwrap_or_else(|e| panic!("{e}\n{}", context()))
            })
            .collect();
        let codes = verdicts.iter().map(|v| if let Verdict::Refused { status } = v { *status } else { 101 });
        assert_eq!(codes.collect::<Vec<_>>(), [101, 101, 403, 426, 405, 405, 400, 400, 400, 505, 400, 400, 400, 431]);
        assert_eq!(verdicts[1], Verdict::Switched { protocol: config.protocols.first().map(|p| p.to_string()) });
        let run = harness::run(&config, b"GET / HTTP/1.1\r\n", &[], End::Deadline);
        assert_eq!(judge_exact(b"GET / HTTP/1.1\r\n", run.response()), Ok(Verdict::Refused { status: 408 }));
    }
}
