//! Every call sequence that used to give a wrong answer silently is now
//! impossible or a clear error, one test per misuse. (Feeding a decided
//! handshake again does not compile: the `compile_fail` example of
//! `Handshake`.)

mod common;

use common::{KEY, feed, get};
use ws_handshake::{DecisionError, Handshake, Progress, Refusal, Status, ValidConfig};

/// Reads were the caller's to assemble: passing only the new bytes where
/// the whole buffer was expected answered a valid handshake with 405. Now
/// every read lands in the handshake's own buffer, so however the bytes are
/// split, the request is the same.
#[test]
fn reads_cannot_be_assembled_wrongly() {
    let config = ValidConfig::default();
    let request = get(&[], &[]);
    for chunk in [1, 2, 3, 5, 8, 13, request.len()] {
        let mut buf = [0; 8192];
        let Progress::Request(accepted) = feed(&config, &mut buf, &request, chunk, false) else {
            panic!("reads of {chunk} bytes: not accepted")
        };
        assert_eq!((accepted.path(), accepted.key()), ("/chat", KEY), "reads of {chunk} bytes");
    }
}

/// A count larger than the unfilled part (a broken reader) counts as all of
/// it: no panic, no read past the buffer.
#[test]
fn an_overlong_count_is_clamped() {
    let config = ValidConfig::default();
    let request = get(&[], &[]);
    let mut buf = vec![0; 8192];
    buf[..request.len()].copy_from_slice(&request);
    let mut handshake = Handshake::new(&config, &mut buf).unwrap();
    assert_eq!(handshake.filled(usize::MAX), Status::Decided);
    let Progress::Request(accepted) = handshake.into_progress() else { panic!("not accepted") };
    assert_eq!(accepted.head_len(), request.len());
    assert_eq!(accepted.leftover().len(), 8192 - request.len(), "the whole buffer counts as read");
}

/// A second `filled` after a rejection (rule 14 here) used to say "need
/// more". A decision is final: more bytes, or another end of stream, leave
/// it as it was, and the rejection is all `Progress::Reject` holds.
#[test]
fn a_decision_is_terminal() {
    let config = ValidConfig::default();
    let mut buf = [0; 8192];
    let mut handshake = Handshake::new(&config, &mut buf).unwrap();
    handshake.unfilled()[..5].copy_from_slice(b"GET /");
    assert_eq!(handshake.filled(5), Status::NeedMore);
    assert_eq!(handshake.filled(0), Status::Decided);
    handshake.unfilled()[..4].copy_from_slice(b"chat");
    assert_eq!(handshake.filled(4), Status::Decided);
    assert_eq!(handshake.filled(0), Status::Decided);
    let progress = handshake.into_progress();
    let Progress::Reject(rejection) = progress else { panic!("{progress:?}") };
    assert_eq!(rejection.rule().number(), "14");

    // Bytes after a valid head join the client's first frames.
    let request = get(&[], &[]);
    let mut buf = [0; 8192];
    let mut handshake = Handshake::new(&config, &mut buf).unwrap();
    handshake.unfilled()[..request.len()].copy_from_slice(&request);
    assert_eq!(handshake.filled(request.len()), Status::Decided);
    handshake.unfilled()[..2].copy_from_slice(&[0x81, 0x80]);
    assert_eq!(handshake.filled(2), Status::Decided);
    let Progress::Request(accepted) = handshake.into_progress() else { panic!("not accepted") };
    assert_eq!(accepted.leftover(), [0x81, 0x80]);
}

/// Asking for the progress too early loses nothing: the handshake comes
/// back, to read more into.
#[test]
fn an_early_progress_gives_the_handshake_back() {
    let config = ValidConfig::default();
    let request = get(&[], &[]);
    let mut buf = [0; 8192];
    let mut handshake = Handshake::new(&config, &mut buf).unwrap();
    handshake.unfilled()[..10].copy_from_slice(&request[..10]);
    assert_eq!(handshake.filled(10), Status::NeedMore);
    let Progress::NeedMore(mut handshake) = handshake.into_progress() else { panic!("decided early") };
    let rest = request.len() - 10;
    handshake.unfilled()[..rest].copy_from_slice(&request[10..]);
    assert_eq!(handshake.filled(rest), Status::Decided);
    assert!(matches!(handshake.into_progress(), Progress::Request(_)));
}

/// A handshake shows where it is, not the 8 KiB of its buffer.
#[test]
fn a_handshake_debugs_briefly() {
    let config = ValidConfig::default();
    let mut buf = [0; 8192];
    let mut handshake = Handshake::new(&config, &mut buf).unwrap();
    handshake.unfilled()[..4].copy_from_slice(b"GET ");
    let _ = handshake.filled(4);
    let shown = format!("{handshake:?}");
    assert!(shown.starts_with("Handshake { filled: 4, parser: Parser {"), "{shown}");
    assert!(shown.len() < 1000, "{shown}");
}

/// A buffer too small for the head limit is refused before any read.
#[test]
fn a_short_buffer_is_refused() {
    let config = ValidConfig::default();
    let mut buf = [0; 8191];
    let error = Handshake::new(&config, &mut buf).unwrap_err();
    assert_eq!(error.required, 8192);
}

/// Every answer the application may not give is an error when it builds it,
/// with a message; nothing malformed can be written.
#[test]
fn the_applications_mistakes_are_errors() {
    let config = ValidConfig::default();
    let request = get(&[], &["Sec-WebSocket-Protocol: chat"]);
    let mut buf = [0; 8192];
    let Progress::Request(accepted) = feed(&config, &mut buf, &request, 1000, false) else { panic!("not accepted") };
    assert_eq!(accepted.accept_with(Some("superchat")), Err(DecisionError::ProtocolNotOffered));
    assert_eq!(accepted.accept_with(Some("CHAT")), Err(DecisionError::ProtocolNotOffered));
    assert_eq!(accepted.accept_with(Some("chat")).map(|response| response.protocol()), Ok(Some("chat")));
    assert_eq!(accepted.reject(&Refusal::new(403).unwrap()).protocol(), None, "a refusal selects nothing");

    let refusal = || Refusal::new(403).unwrap();
    let long = "v".repeat(1020);
    let body = "b".repeat(513);
    let cases: [(Result<Refusal<'_>, DecisionError>, DecisionError, &str); 10] = [
        (Refusal::new(200), DecisionError::UnknownStatus(200), "200 is not a registered 4xx or 5xx status"),
        (Refusal::new(418), DecisionError::UnknownStatus(418), "418 is not a registered 4xx or 5xx status"),
        (refusal().with_field("X Y", "1"), DecisionError::InvalidFieldName, "a field name is not a token"),
        (refusal().with_field("", "1"), DecisionError::InvalidFieldName, "a field name is not a token"),
        (
            refusal().with_field("content-LENGTH", "0"),
            DecisionError::ReservedFieldName,
            "a field name is one the server writes itself",
        ),
        (
            refusal().with_field("X-A", "1\r\nSet-Cookie: a=b"),
            DecisionError::InvalidFieldValue,
            "a field value holds a control byte or starts or ends with whitespace",
        ),
        (refusal().with_field("X-A", " 1"), DecisionError::InvalidFieldValue, ""),
        (
            refusal().with_field("X-A", &long),
            DecisionError::FieldsTooLong,
            "the field lines are longer than 1024 bytes",
        ),
        (refusal().with_body(&body), DecisionError::BodyTooLong, "the body is longer than 512 bytes"),
        (
            (0..9).try_fold(refusal(), |refusal, _| refusal.with_field("X-A", "1")),
            DecisionError::TooManyFields,
            "more than 8 fields",
        ),
    ];
    for (result, expected, message) in cases {
        assert_eq!(result, Err(expected));
        if !message.is_empty() {
            assert_eq!(expected.to_string(), message);
        }
    }
    assert_eq!(DecisionError::ProtocolNotOffered.to_string(), "the client did not offer that subprotocol");
}
