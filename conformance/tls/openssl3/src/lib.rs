//! The system OpenSSL 3, held against its vectors (see tests/).
