//! The differential corpus. Each case is compiled into this test (so the real crates encode and
//! decode it) and handed to the analyzer as source text (so it is judged without compiling),
//! and the two must agree. `support::run` does the comparing; this file only holds the pairs.

mod support;

/// What every case's items see.
#[allow(unused_imports)]
mod prelude {
    pub use serde::{Deserialize, Serialize};
    pub use sessionlint::SessionState;
    pub use std::collections::BTreeMap;

    pub fn is_false(b: &bool) -> bool {
        !*b
    }

    /// What `serde_bytes` does for a `Vec<u8>` (`#[serde(with = "as_bytes")]`): bytes, not a
    /// sequence. To the analyzer it is a custom codec, like any `with` path.
    pub mod as_bytes {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }

        pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
            struct Bytes;
            impl<'de> serde::de::Visitor<'de> for Bytes {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
                fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                    Ok(v)
                }
                fn visit_str<E>(self, v: &str) -> Result<Vec<u8>, E> {
                    Ok(v.as_bytes().to_vec())
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Vec<u8>, A::Error> {
                    let mut out = Vec::new();
                    while let Some(b) = a.next_element()? {
                        out.push(b);
                    }
                    Ok(out)
                }
            }
            d.deserialize_byte_buf(Bytes)
        }
    }
}

/// `case!(name, old { items } new { items }, OldType => NewType, ems: [..], non_ems: [..], older: [..])`
macro_rules! case {
    (
        $name:ident,
        old { $($old:item)* }
        new { $($new:item)* }
        $o:ident => $n:ident,
        ems: [$($ems:expr),* $(,)?],
        non_ems: [$($non:expr),* $(,)?],
        older: [$($older:expr),* $(,)?] $(,)?
    ) => {
        mod $name {
            #[allow(unused_imports)]
            use crate::prelude::*;
            #[allow(dead_code, non_camel_case_types)]
            pub mod old {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($old)*
            }
            #[allow(dead_code, non_camel_case_types)]
            pub mod new {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($new)*
            }
            #[test]
            fn differential() {
                let ems: Vec<new::$n> = { #[allow(unused_imports)] use new::*; vec![$($ems),*] };
                let non_ems: Vec<new::$n> = { #[allow(unused_imports)] use new::*; vec![$($non),*] };
                let older: Vec<old::$o> = { #[allow(unused_imports)] use old::*; vec![$($older),*] };
                crate::support::run(crate::support::Case {
                    name: module_path!(),
                    old_src: stringify!($($old)*),
                    new_src: stringify!($($new)*),
                    ems,
                    non_ems,
                    older,
                });
            }
        }
    };
}

/// `fixed_case!(name, "summary", old { items } new { items } fixed { items }, Old => New, ...)`:
/// sessionlint proposes a fix for (old, new) whose summary holds "summary", and whose edits,
/// applied to new's source, give exactly `fixed`; (old, fixed) is then a case like any other,
/// judged by the real crates, and has no error.
macro_rules! fixed_case {
    (
        $name:ident, $summary:literal,
        old { $($old:item)* }
        new { $($new:item)* }
        fixed { $($fixed:item)* }
        $o:ident => $n:ident,
        ems: [$($ems:expr),* $(,)?],
        non_ems: [$($non:expr),* $(,)?],
        older: [$($older:expr),* $(,)?] $(,)?
    ) => {
        mod $name {
            case!(fixed,
                old { $($old)* }
                new { $($fixed)* }
                $o => $n,
                ems: [$($ems),*],
                non_ems: [$($non),*],
                older: [$($older),*],
            );
            #[test]
            fn proposed() {
                crate::support::proposed(
                    stringify!($($old)*),
                    stringify!($($new)*),
                    stringify!($($fixed)*),
                    $summary,
                );
            }
            /// The newer version before the fix, for the cost.
            #[allow(dead_code, non_camel_case_types)]
            pub mod before {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($new)*
            }
            #[test]
            fn cost() {
                use self::fixed::{new as after, old};
                crate::support::cost_agrees(crate::support::CostCase {
                    name: module_path!(),
                    summary: $summary,
                    old_src: stringify!($($old)*),
                    new_src: stringify!($($new)*),
                    fixed_src: stringify!($($fixed)*),
                    before: (
                        { #[allow(unused_imports)] use before::*; let v: Vec<before::$n> = vec![$($ems),*]; v },
                        { #[allow(unused_imports)] use before::*; let v: Vec<before::$n> = vec![$($non),*]; v },
                    ),
                    after: (
                        { #[allow(unused_imports)] use after::*; let v: Vec<after::$n> = vec![$($ems),*]; v },
                        { #[allow(unused_imports)] use after::*; let v: Vec<after::$n> = vec![$($non),*]; v },
                    ),
                    older: { #[allow(unused_imports)] use old::*; let v: Vec<old::$o> = vec![$($older),*]; v },
                });
            }
        }
    };
}

mod codecs;
mod defaults;
mod enums;
mod fixes;
mod map_formats;
mod positional;
mod type_changes;

/// `property_case!(name, "quic", old { items } new { items }, OldType => NewType, with: [..], older: [..])`
macro_rules! property_case {
    (
        $name:ident, $property:literal,
        old { $($old:item)* }
        new { $($new:item)* }
        $o:ident => $n:ident,
        with: [$($with:expr),* $(,)?],
        older: [$($older:expr),* $(,)?] $(,)?
    ) => {
        mod $name {
            #[allow(unused_imports)]
            use crate::prelude::*;
            #[allow(dead_code, non_camel_case_types)]
            pub mod old {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($old)*
            }
            #[allow(dead_code, non_camel_case_types)]
            pub mod new {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($new)*
            }
            #[test]
            fn differential() {
                let with: Vec<new::$n> = { #[allow(unused_imports)] use new::*; vec![$($with),*] };
                let older: Vec<old::$o> = { #[allow(unused_imports)] use old::*; vec![$($older),*] };
                crate::support::run_property(crate::support::PropertyCase {
                    name: module_path!(),
                    property: $property,
                    old_src: stringify!($($old)*),
                    new_src: stringify!($($new)*),
                    with,
                    older,
                });
            }
        }
    };
}

mod properties;

/// `version_case!(name, { items }, Type, ems: [..], is_ems: |t| ..)`: one version, its EMS samples read back by
/// itself (`support::run_round_trip`).
macro_rules! version_case {
    ($name:ident, { $($item:item)* }, $t:ident, ems: [$($ems:expr),* $(,)?], is_ems: $is:expr $(,)?) => {
        mod $name {
            #[allow(unused_imports)]
            use crate::prelude::*;
            $($item)*
            #[test]
            fn round_trip() {
                crate::support::run_round_trip::<$t>(
                    stringify!($name),
                    stringify!($($item)*),
                    vec![$($ems),*],
                    $is,
                );
            }
        }
    };
}

mod round_trip;
