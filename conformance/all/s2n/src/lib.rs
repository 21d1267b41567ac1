//! s2n-tls, held against its vectors (see tests/).
