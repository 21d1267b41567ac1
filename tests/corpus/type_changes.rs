//! Types that change between versions in the packed encodings (#21.1). bincode 1 writes
//! `String` and `Vec<u8>` alike (a u64 length, then the bytes) and integers at fixed width,
//! little-endian: a widened integer is read by the older, narrower one as its low half, and the
//! high half shifts into the next field. postcard writes every integer wider than u8 as the same
//! varint whatever its width, u8 as a raw byte. Version checks and trailing-byte policies still
//! decide where they come first.

/// `Vec<u8>` in place of `String` (and back), an EMS flag appended.
macro_rules! string_and_bytes {
    ($name:ident, $enc:literal, $trailing:literal, $old_ty:ty, $new_ty:ty, $old_v:expr, $new_v:expr) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc, trailing = $trailing)]
                pub struct TicketV1 { pub cipher: u16, pub name: $old_ty }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc, trailing = $trailing)]
                pub struct TicketV2 { pub cipher: u16, pub name: $new_ty, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, name: $new_v, ems: true }],
            non_ems: [TicketV2 { cipher: 1, name: $new_v, ems: false }],
            older: [TicketV1 { cipher: 1, name: $old_v }],
        );
    };
}
string_and_bytes!(
    bincode_bytes_for_string,
    "bincode",
    "ignore",
    String,
    Vec<u8>,
    "abc".to_string(),
    b"abc".to_vec()
);
string_and_bytes!(
    bincode_bytes_for_string_trailing_reject,
    "bincode",
    "reject",
    String,
    Vec<u8>,
    "abc".to_string(),
    b"abc".to_vec()
);
string_and_bytes!(
    bincode_string_for_bytes,
    "bincode",
    "ignore",
    Vec<u8>,
    String,
    b"abc".to_vec(),
    "abc".to_string()
);
string_and_bytes!(
    bincode_string_for_bytes_trailing_reject,
    "bincode",
    "reject",
    Vec<u8>,
    String,
    b"abc".to_vec(),
    "abc".to_string()
);
string_and_bytes!(
    postcard_bytes_for_string,
    "postcard",
    "ignore",
    String,
    Vec<u8>,
    "abc".to_string(),
    b"abc".to_vec()
);
string_and_bytes!(
    postcard_string_for_bytes_trailing_reject,
    "postcard",
    "reject",
    Vec<u8>,
    String,
    b"abc".to_vec(),
    "abc".to_string()
);

/// A version field widened (or narrowed) with its number, checked exactly by each decoder: the
/// older decoder reads the number through the other width and refuses it.
macro_rules! version_resized {
    ($name:ident, $enc:literal, $old_ty:ty, $new_ty:ty) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[session(version_field, accepts = "1")] pub version: $old_ty, pub cipher: u16, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { #[session(version_field, accepts = "2")] pub version: $new_ty, pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 1, secret: vec![7], ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 1, secret: vec![7], ems: false }],
            older: [TicketV1 { version: 1, cipher: 1, secret: vec![7] }, TicketV1 { version: 1, cipher: 0, secret: vec![] }],
        );
    };
}
version_resized!(bincode_version_widened, "bincode", u16, u32);
version_resized!(bincode_version_narrowed, "bincode", u32, u16);
version_resized!(bincode_version_u8_to_u64, "bincode", u8, u64);
version_resized!(postcard_version_widened, "postcard", u16, u32);
version_resized!(postcard_version_narrowed, "postcard", u32, u16);
version_resized!(postcard_version_u8_to_u16, "postcard", u8, u16);

/// A field widened, the EMS flag appended, and an older decoder that refuses trailing bytes: the
/// widened field's extra bytes are already too many.
macro_rules! widened_trailing {
    ($name:ident, $enc:literal, $trailing:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc, trailing = $trailing)]
                pub struct TicketV1 { pub cipher: u16, pub lifetime: u32 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc, trailing = $trailing)]
                pub struct TicketV2 { pub cipher: u16, pub lifetime: u64, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, lifetime: 7200, ems: true }],
            non_ems: [TicketV2 { cipher: 1, lifetime: 7200, ems: false }],
            older: [TicketV1 { cipher: 1, lifetime: 7200 }],
        );
    };
}
widened_trailing!(bincode_widened_trailing_reject, "bincode", "reject");
widened_trailing!(bincode_widened, "bincode", "ignore");
widened_trailing!(postcard_widened_trailing_reject, "postcard", "reject");
widened_trailing!(postcard_widened, "postcard", "ignore");
