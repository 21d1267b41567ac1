//! BoringSSL, held against its vectors (see tests/).
