//! Session tickets as a token service stores them (JSON, the secret as base64).
pub mod ticket;
