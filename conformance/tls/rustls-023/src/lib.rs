//! rustls 0.23.43, held against its vectors (see tests/).
