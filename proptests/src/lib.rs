//! What proves `ws-handshake` keeps its contract (`docs/CONTRACT.md`): proptest
//! strategies that generate requests, a model that states the contract
//! slowly and plainly, and an in-memory transport that injects faults into
//! the drivers (the async one with the feature `tokio`). The harness judges
//! every response with the oracle of the crate `ws-handshake-oracle`.
//!
//! The oracle and the model never call the core: they are a second, simpler
//! reading of the contract, so that a bug must be made twice to go unseen.
//! The fuzz targets and the corpus replay use them too.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod decision;
pub mod differential;
pub mod drivers;
pub mod fuzz;
pub mod harness;
pub mod manifest;
pub mod model;
pub mod mutation;
pub mod request;
pub mod strategies;
pub mod surface;
pub mod transport;
