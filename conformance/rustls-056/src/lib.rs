//! rustls 0.5.6, held against its vectors (see tests/).
