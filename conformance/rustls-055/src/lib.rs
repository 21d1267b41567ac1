//! rustls 0.5.5, held against its vectors (see tests/).
