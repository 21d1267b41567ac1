//! Schema files for hand-written codecs, checked the differential way: a small encoder and decoder
//! written here for the declared layouts (TLS presentation language and DER) build real byte
//! strings for both versions, and the analyzer's verdict must match what the declared decoder does.
//! The interpreter shares no code with the analysis; it reads the same declarations.

use sessionlint::findings::Finding;
use sessionlint::rules::{check_pair as analyse_pair, check_version as analyse_version};
use sessionlint::schema::Schema;

/// The model codec lives in the library (`sessionlint::vectors::wire`), where the conformance
/// vectors are built on it and the real TLS libraries judge it (`conformance/`).
use sessionlint::vectors::wire::{
    decode as decode_r, encode as encode_r, is_ems, samples, Refusal,
};

fn encode(s: &Schema, v: &sessionlint::vectors::wire::Values) -> Vec<u8> {
    encode_r(s, v).unwrap_or_else(|e| panic!("{}: {e}", s.name))
}

fn decode(dec: &Schema, enc: &Schema, bytes: &[u8]) -> sessionlint::vectors::wire::Read {
    decode_r(dec, enc, bytes)
}

fn has(f: &[Finding], rule: &str) -> bool {
    f.iter().any(|x| x.rule == rule)
}

fn load(path: &str) -> Schema {
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
    };
    sessionlint::snapshot::parse(path, &std::fs::read_to_string(full).unwrap()).unwrap()
}

/// Both directions of one pair, through the declared codecs; panics on any disagreement.
fn pair(old_path: &str, new_path: &str, big: bool) -> Vec<Finding> {
    let (old, new) = (load(old_path), load(new_path));
    let mut f = analyse_version(&new);
    f.extend(analyse_pair(&old, &new));
    let ctx = format!(
        "{old_path} -> {new_path}: {:?}",
        f.iter().map(|x| (x.rule, &x.reasons)).collect::<Vec<_>>()
    );

    let mut real_hazard = false;
    let mut ems_reads = Vec::new();
    let mut all_non_ems_rejected = true;
    for (v, ems) in samples(&new, big) {
        let bytes = encode(&new, &v);
        let own = decode(&new, &new, &bytes)
            .unwrap_or_else(|e| panic!("{new_path} must read its own sessions: {e:?}"));
        let ignored = new
            .ems_carrier()
            .is_some_and(|p| p.carrier().session.ignored);
        assert_eq!(
            is_ems(&new, &own),
            ems && !ignored,
            "{new_path}: own EMS reading"
        );
        let r = decode(&old, &new, &bytes);
        if ems {
            real_hazard |= matches!(&r, Ok(x) if !is_ems(&old, x));
            ems_reads.push(r);
        } else {
            all_non_ems_rejected &= r.is_err();
        }
    }
    // A data-dependent finding says "not proven safe": the samples must not contradict a proven
    // verdict, and must show every hazard they can; they cannot prove an absence.
    let proven = |rule: &str| f.iter().any(|x| x.rule == rule && !x.data_dependent);
    let analyzer_hazard = f.iter().any(|x| x.rule.is_rollout_hazard());
    let proven_hazard = f
        .iter()
        .any(|x| x.rule.is_rollout_hazard() && !x.data_dependent);
    assert!(
        !real_hazard || analyzer_hazard,
        "missed EMS hazard: {ctx}\nreal: {ems_reads:?}"
    );
    assert!(
        !proven_hazard || real_hazard,
        "proven EMS hazard not shown by the codec: {ctx}\nreal: {ems_reads:?}"
    );
    if has(&f, "rejection-by-accident") {
        assert!(
            ems_reads
                .iter()
                .all(|r| matches!(r, Err(Refusal::Accident(_)))),
            "rejection-by-accident, yet a decoder check refused or accepted: {ctx}\n{ems_reads:?}"
        );
    }
    if new.ems_carrier().is_some()
        && !ems_reads.is_empty()
        && ems_reads
            .iter()
            .all(|r| matches!(r, Err(Refusal::Accident(_))))
    {
        assert!(
            has(&f, "rejection-by-accident"),
            "every refusal is accidental, so the rule should fire: {ctx}"
        );
    }
    let any_dd = f.iter().any(|x| x.data_dependent);
    let claimed = has(&f, "non-ems-session-rejected-by-older-decoder");
    assert!(
        !claimed || all_non_ems_rejected,
        "non-EMS rejection claimed but not real: {ctx}"
    );
    assert!(any_dd || claimed == all_non_ems_rejected, "non-EMS: {ctx}");

    // The newer decoder reading the older version's sessions: non-EMS ones must not read as
    // EMS, EMS ones must not read without (`ems-dropped-by-newer-decoder`).
    let mut read_as_ems = false;
    let mut dropped = false;
    let mut all_older_rejected = true;
    for (v, ems) in samples(&old, big) {
        let r = decode(&new, &old, &encode(&old, &v));
        if ems {
            dropped |= matches!(&r, Ok(x) if !is_ems(&new, x));
            continue;
        }
        read_as_ems |= matches!(&r, Ok(x) if is_ems(&new, x));
        all_older_rejected &= r.is_err();
    }
    assert!(
        !dropped || has(&f, "ems-dropped-by-newer-decoder"),
        "missed: an older EMS session read without EMS: {ctx}"
    );
    assert!(
        !proven("ems-dropped-by-newer-decoder") || dropped,
        "proven ems-dropped-by-newer-decoder not shown by the codec: {ctx}"
    );
    // The older decoder reading the newer version's non-EMS sessions as EMS.
    let mut newer_read_as_ems = false;
    for (v, ems) in samples(&new, big) {
        if !ems {
            newer_read_as_ems |=
                matches!(decode(&old, &new, &encode(&new, &v)), Ok(x) if is_ems(&old, &x));
        }
    }
    assert!(
        !newer_read_as_ems || has(&f, "newer-session-read-as-ems"),
        "missed: a newer non-EMS session read as EMS: {ctx}"
    );
    assert!(
        !proven("newer-session-read-as-ems") || newer_read_as_ems,
        "proven newer-session-read-as-ems not shown: {ctx}"
    );
    assert!(
        !read_as_ems || has(&f, "older-session-read-as-ems"),
        "missed: older read as EMS: {ctx}"
    );
    assert!(
        !proven("older-session-read-as-ems") || read_as_ems,
        "proven older-read-as-EMS not shown: {ctx}"
    );
    let claimed = has(&f, "older-session-rejected");
    assert!(
        !claimed || all_older_rejected,
        "older rejection claimed but not real: {ctx}"
    );
    assert!(
        any_dd || claimed == (all_older_rejected && !read_as_ems),
        "older rejected: {ctx}"
    );
    f
}

#[test]
fn s2n_tls() {
    let d = "examples/real-world/s2n";
    let v = ["v1.0.16", "v1.0.17", "v1.1.0", "v1.2.0", "v1.3.0"]
        .map(|x| format!("{d}/{x}.schema.toml"));
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            pair(&v[i], &v[j], false);
        }
    }
    assert!(
        has(&pair(&v[1], &v[2], false), "field-read-but-ignored"),
        "the incident"
    );
    assert!(
        has(&pair(&v[0], &v[2], false), "rejection-by-accident"),
        "1.0.16 refuses 1.1.0's EMS tickets by their envelope length only"
    );
    assert!(
        has(&pair(&v[2], &v[3], false), "ems-dropped-by-newer-decoder"),
        "the 1.2.0 revert resumes 1.1.0's EMS tickets without EMS"
    );
    // 1.0.17's byte says "the client offered EMS", not "this session is EMS": it writes no EMS
    // session, and 1.1.0, which honours the byte, reads its sessions with the byte set as EMS.
    let f = pair(&v[1], &v[2], false);
    assert!(has(&f, "older-session-read-as-ems"), "{f:?}");
    let f = pair(&v[1], &v[3], false);
    assert!(!has(&f, "ems-dropped-by-newer-decoder"), "{f:?}");
}

#[test]
fn rustls() {
    let d = "examples/real-world/rustls";
    // With a 64 KiB client chain the new EMS byte reads the chain length's first byte, 1.
    let f = pair(
        &format!("{d}/v0.5.5.schema.toml"),
        &format!("{d}/v0.5.6.schema.toml"),
        true,
    );
    assert!(has(&f, "optional-tail-swallows-field"));
    // The client cache: 0.5.5 ignores the EMS byte 0.5.6 appends; 0.5.6 needs it.
    let f = pair(
        &format!("{d}/client-v0.5.5.schema.toml"),
        &format!("{d}/client-v0.5.6.schema.toml"),
        false,
    );
    assert!(has(&f, "ems-accepted-by-older-decoder") && has(&f, "older-session-rejected"));
    // Today's release and main: main's version dispatch refuses every 0.23.43 value (its first
    // byte is a presence byte, 0 or 1, and no protocol version starts so).
    let f = pair(
        &format!("{d}/v0.23.43.schema.toml"),
        &format!("{d}/main-6868ee84d.schema.toml"),
        true,
    );
    assert!(has(&f, "older-session-rejected"), "{f:?}");
}

/// BoringSSL's SSL_SESSION across the EMS commit, the unknown-field fix, and is_quic; is_quic is
/// checked by the codec too, with the schemas projected on it (its field in the EMS field's
/// place).
#[test]
fn boringssl() {
    let d = "examples/real-world/boringssl";
    let v = [
        "7571292ea^",
        "7571292ea",
        "f297e021f",
        "6bfd25c75^",
        "6bfd25c75",
    ]
    .map(|x| format!("{d}/{x}.schema.toml"));
    for w in v.windows(2) {
        pair(&w[0], &w[1], false);
    }
    assert!(
        has(&pair(&v[0], &v[1], false), "ems-accepted-by-older-decoder"),
        "the pre-EMS parser stops before [17] and accepts the session"
    );
    let dir = tempfile::tempdir().unwrap();
    let projected: Vec<String> = v[3..]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let out = dir.path().join(format!("quic-{i}.schema.toml"));
            std::fs::write(
                &out,
                sessionlint::snapshot::to_toml(&load(p).project("quic")),
            )
            .unwrap();
            out.to_string_lossy().into_owned()
        })
        .collect();
    let f = pair(&projected[0], &projected[1], false);
    assert!(
        !f.iter().any(|x| x.rule.is_rollout_hazard()),
        "6bfd25c75^ refuses [27]: {f:?}"
    );
}

#[test]
fn nss() {
    let d = "examples/real-world/nss";
    pair(
        &format!("{d}/0x0100.schema.toml"),
        &format!("{d}/0x0101.schema.toml"),
        false,
    );
}

#[test]
fn openssl_der() {
    pair(
        "examples/real-world/openssl/1.0.x.schema.toml",
        "examples/real-world/openssl/1.1.0.schema.toml",
        false,
    );
    let f = pair(
        "examples/real-world/openssl-flag-bit/1.1.0.schema.toml",
        "examples/real-world/openssl-flag-bit/future.schema.toml",
        false,
    );
    assert!(has(&f, "unmasked-flag-bits"));
}

#[test]
fn go() {
    let d = "examples/real-world/go";
    let v = ["go1.20", "go1.21", "newest"].map(|x| format!("{d}/{x}.schema.toml"));
    pair(&v[0], &v[1], false);
    pair(&v[0], &v[2], false);
    pair(&v[1], &v[2], false);
}

/// rustls-style reads, each checked against the codec: a byte read as `== 1`, a presence byte,
/// per-level length prefixes, a length limit, and a root that dispatches on the protocol version.
#[test]
fn rustls_style_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let head = |v: u32, trailing: &str| {
        format!(
            r#"name = "r"
version = {v}
encoding = "tls-positional"
root = "S"
trailing = "{trailing}"

[types.S]
kind = "struct"
"#
        )
    };
    let field = |ident: &str, ty: &str, extra: &str| {
        format!("\n[[types.S.fields]]\nident = \"{ident}\"\nty = \"{ty}\"\n{extra}")
    };
    let rules = |f: &[Finding]| {
        let mut r: Vec<&str> = f
            .iter()
            .filter(|x| !x.data_dependent)
            .map(|x| x.rule.id())
            .collect();
        r.sort();
        r.dedup();
        r
    };

    // A bool EMS byte becomes a flags byte (bit 2: EMS; bit 1: another property). A decoder that
    // reads `== 1` takes 2 and 3 as false and 1 as true; a strict one refuses 2 and 3.
    let bool_v1 = |one: bool| {
        head(1, "reject")
            + &field("cipher", "u16", "")
            + &field(
                "ems",
                "bool",
                &format!(
                    "session = {{ ems = {{ kind = \"flag\" }} }}\n{}",
                    if one {
                        "wire = { one_is_true = true }\n"
                    } else {
                        ""
                    }
                ),
            )
    };
    let flags_v2 = head(2, "reject")
        + &field("cipher", "u16", "")
        + &field(
            "flags",
            "u8",
            "session = { ems = { kind = \"mask\", mask = 2 }, known_bits = 3 }\n",
        );
    let b = write("flags-v2.toml", flags_v2);
    let lenient = pair(&write("one-v1.toml", bool_v1(true)), &b, false);
    assert_eq!(
        rules(&lenient),
        [
            "ems-accepted-by-older-decoder",
            "ems-dropped-by-newer-decoder",
            "newer-session-read-as-ems"
        ],
        "{lenient:?}"
    );
    assert!(lenient.iter().any(|x| x
        .reasons
        .iter()
        .any(|r| r.contains("reads as false (only 1 is true)"))));
    let strict = pair(&write("strict-v1.toml", bool_v1(false)), &b, false);
    assert!(
        !rules(&strict).contains(&"ems-accepted-by-older-decoder"),
        "{strict:?}"
    );
    assert!(
        rules(&strict).contains(&"newer-session-read-as-ems"),
        "{strict:?}"
    );

    // A presence byte: 0.23-style `if u8::read(r)? == 1 { Some(..) } else { None }`. A newer EMS
    // byte inserted before it is read as the older Option's presence.
    let opt_v1 = head(1, "ignore")
        + &field("cipher", "u16", "")
        + &field(
            "alpn",
            "Option<Vec<u8>>",
            "wire = { prefix = 1, one_is_true = true }\n",
        );
    let opt_v2 = head(2, "ignore")
        + &field("cipher", "u16", "")
        + &field(
            "ems",
            "u8",
            "session = { ems = { kind = \"mask\", mask = 1 } }\n",
        )
        + &field(
            "alpn",
            "Option<Vec<u8>>",
            "wire = { prefix = 1, one_is_true = true }\n",
        );
    let f = pair(
        &write("opt-v1.toml", opt_v1.clone()),
        &write("opt-v2.toml", opt_v2),
        false,
    );
    assert!(f.iter().any(|x| x.rule.is_rollout_hazard()), "{f:?}");
    // The byte itself read as a presence byte: 2 and 3 are "absent" to a `== 1` reader.
    let hint_v1 = head(1, "ignore")
        + &field("cipher", "u16", "")
        + &field("hint", "Option<u16>", "wire = { one_is_true = true }\n");
    let hint_v2 = head(2, "ignore")
        + &field("cipher", "u16", "")
        + &field(
            "flags",
            "u8",
            "session = { ems = { kind = \"mask\", mask = 2 }, known_bits = 3 }\n",
        );
    let f = pair(
        &write("h1.toml", hint_v1),
        &write("h2.toml", hint_v2),
        false,
    );
    assert!(
        rules(&f).contains(&"ems-accepted-by-older-decoder"),
        "{f:?}"
    );
    assert!(
        f.iter().any(|x| !x.data_dependent
            && x.reasons
                .iter()
                .any(|r| r.contains("presence byte of the older `S.hint`: absent"))),
        "{:#?}",
        f.iter()
            .map(|x| (x.rule.id(), &x.reasons))
            .collect::<Vec<_>>()
    );

    // Per-level prefixes: a u24 list of u24-prefixed certificates, read by a decoder that takes
    // the inner lengths as u16 (a layout change): never proven safe.
    let chain = |v: u32, inner: u8, ems: bool| {
        head(v, "ignore")
            + &field(
                "chain",
                "Vec<Vec<u8>>",
                &format!("wire = {{ prefix = [3, {inner}], max_len = 8 }}\n"),
            )
            + &if ems {
                field("ems", "bool", "session = { ems = { kind = \"flag\" } }\n")
            } else {
                String::new()
            }
    };
    let same = pair(
        &write("c1.toml", chain(1, 3, false)),
        &write("c2.toml", chain(2, 3, true)),
        true,
    );
    assert!(
        rules(&same).contains(&"ems-accepted-by-older-decoder"),
        "{same:?}"
    );
    let changed = pair(
        &write("c3.toml", chain(1, 2, false)),
        &write("c4.toml", chain(2, 3, true)),
        false,
    );
    assert!(
        changed.iter().any(|x| x.rule.is_rollout_hazard()),
        "{changed:?}"
    );

    // A root that dispatches on the protocol version (rustls main: TLS 1.2 and TLS 1.3 values).
    let dispatch = |v: u32, trailing: &str, tls12_ems: bool, tls14: bool| {
        let mut t = format!(
            r#"name = "d"
version = {v}
encoding = "tls-positional"
root = "S"
trailing = "{trailing}"

[types.S]
kind = "enum"
repr = "external"
tag_width = 2

[[types.S.variants]]
ident = "Tls12"
tag_value = 0x0303

[[types.S.variants.fields]]
ident = "secret"
ty = "[u8; 4]"
"#
        );
        if tls12_ems {
            t += r#"
[[types.S.variants.fields]]
ident = "extended_ms"
ty = "bool"
wire = { one_is_true = true }
session = { ems = { kind = "flag" } }
"#;
        }
        t += r#"
[[types.S.variants]]
ident = "Tls13"
tag_value = 0x0304

[[types.S.variants.fields]]
ident = "secret"
ty = "[u8; 4]"
"#;
        if tls14 {
            t += r#"
[[types.S.variants]]
ident = "Tls14"
tag_value = 0x0305

[[types.S.variants.fields]]
ident = "secret"
ty = "[u8; 4]"
"#;
        }
        t
    };
    let loose = pair(
        &write("d1.toml", dispatch(1, "ignore", false, false)),
        &write("d2.toml", dispatch(2, "ignore", true, false)),
        false,
    );
    assert!(
        rules(&loose).contains(&"ems-accepted-by-older-decoder"),
        "{loose:?}"
    );
    let tight = pair(
        &write("d3.toml", dispatch(1, "reject", false, false)),
        &write("d4.toml", dispatch(2, "reject", true, false)),
        false,
    );
    assert!(
        !tight.iter().any(|x| x.rule.is_rollout_hazard()),
        "{tight:?}"
    );
    // A version the older dispatch does not know is refused by its version check.
    let newer = pair(
        &write("d5.toml", dispatch(2, "reject", true, false)),
        &write("d6.toml", dispatch(3, "reject", true, true)),
        false,
    );
    assert!(
        !newer.iter().any(|x| x.rule.is_rollout_hazard()),
        "{newer:?}"
    );
}

/// Synthetic pairs for what the histories do not cover: DER with unknown tags skipped, a strict
/// TLS trailing policy, a length-prefix width change.
#[test]
fn synthetic_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let der = |v: u32, unknown: &str, ems: bool| {
        format!(
            r#"name = "d"
version = {v}
encoding = "der"
root = "S"
unknown_tags = "{unknown}"

[types.S]
kind = "struct"

[[types.S.fields]]
ident = "version"
ty = "u64"
session = {{ version_field = "*" }}

[[types.S.fields]]
ident = "secret"
ty = "Vec<u8>"
{}"#,
            if ems {
                r#"
[[types.S.fields]]
ident = "ems"
ty = "bool"
wire = { tag = 17 }
write = { unless = "when true" }
missing = "default"
session = { ems = { kind = "flag" } }
"#
            } else {
                ""
            }
        )
    };
    let abs = |p: String| p;
    let a = abs(write("lenient-v1.toml", &der(1, "ignore", false)));
    let b = abs(write("lenient-v2.toml", &der(2, "ignore", true)));
    assert!(
        has(&pair(&a, &b, false), "ems-accepted-by-older-decoder"),
        "a decoder that skips unknown tags keeps EMS sessions"
    );
    let a = abs(write("strict-v1.toml", &der(1, "reject", false)));
    let b = abs(write("strict-v2.toml", &der(2, "reject", true)));
    let f = pair(&a, &b, false);
    assert!(
        !f.iter().any(|x| x.rule.is_rollout_hazard()),
        "a strict DER decoder rejects [17]"
    );

    // A parser that stops at the first element it does not expect (BoringSSL's CBS parser
    // before f297e021f): the new [13] EMS element sits before [14], which the older parser knows.
    // Stopping, it reads [14] as absent and accepts without EMS; skipping, it reads [14] and
    // accepts without EMS; strict, it refuses. With [14] required, stopping refuses too.
    let der3 = |v: u32, unknown: &str, ems: bool, hint: &str| {
        format!(
            r#"name = "d3"
version = {v}
encoding = "der"
root = "S"
unknown_tags = "{unknown}"

[types.S]
kind = "struct"

[[types.S.fields]]
ident = "version"
ty = "u64"
session = {{ version_field = "*" }}
{}
[[types.S.fields]]
ident = "hint"
ty = "u64"
wire = {{ tag = 14 }}
{hint}"#,
            if ems {
                r#"
[[types.S.fields]]
ident = "ems"
ty = "bool"
wire = { tag = 13 }
write = { unless = "when true" }
missing = "default"
session = { ems = { kind = "flag" } }
"#
            } else {
                ""
            }
        )
    };
    for (policy, hint, hazard) in [
        ("stop", "missing = \"default\"\n", true),
        ("ignore", "missing = \"default\"\n", true),
        ("reject", "missing = \"default\"\n", false),
        ("stop", "", false),
    ] {
        let a = abs(write(
            &format!("{policy}{}-v1.toml", hint.len()),
            &der3(1, policy, false, hint),
        ));
        let b = abs(write(
            &format!("{policy}{}-v2.toml", hint.len()),
            &der3(2, policy, true, hint),
        ));
        let f = pair(&a, &b, false);
        assert_eq!(
            f.iter()
                .any(|x| x.rule.is_rollout_hazard() && !x.data_dependent),
            hazard,
            "unknown_tags = {policy}, hint {hint:?}: {:?}",
            f.iter().map(|x| (x.rule, &x.reasons)).collect::<Vec<_>>()
        );
        if policy == "stop" && hazard {
            assert!(
                f.iter()
                    .any(|x| x.reasons.iter().any(|r| r.contains("stops there"))),
                "the finding says where the parser stopped"
            );
        }
    }

    let tls = |v: u32, trailing: &str, prefix: u8, ems: bool| {
        format!(
            r#"name = "t"
version = {v}
encoding = "tls-positional"
root = "S"
trailing = "{trailing}"

[types.S]
kind = "struct"

[[types.S.fields]]
ident = "cipher"
ty = "u16"

[[types.S.fields]]
ident = "secret"
ty = "Vec<u8>"
wire = {{ prefix = {prefix} }}
{}"#,
            if ems {
                "\n[[types.S.fields]]\nident = \"ems\"\nty = \"bool\"\nsession = { ems = { kind = \"flag\" } }\n"
            } else {
                ""
            }
        )
    };
    let a = abs(write("t-v1.toml", &tls(1, "reject", 1, false)));
    let b = abs(write("t-v2.toml", &tls(2, "reject", 1, true)));
    let f = pair(&a, &b, false);
    assert!(
        !f.iter().any(|x| x.rule.is_rollout_hazard()),
        "trailing = reject refuses the appended byte"
    );
    // A wider length prefix: v1 reads the first length byte alone and ignores the rest (unsafe,
    // shown by the codec); v2 can never read v1's bytes, which sessionlint cannot prove without
    // values, so it reports that direction as data-dependent.
    let a = abs(write("w-v1.toml", &tls(1, "ignore", 1, false)));
    let b = abs(write("w-v2.toml", &tls(2, "ignore", 2, true)));
    let f = pair(&a, &b, false);
    assert!(f
        .iter()
        .any(|x| x.rule == "older-session-read-as-ems" && x.data_dependent));
}

/// The schema keys for what decoders check after parsing and what encoders write, each held
/// against the codec: `check` (with `values` read byte by byte where layouts differ), `min_len`,
/// `max_len` per level, DER `implicit` tags, `DEFAULT TRUE` with `write = "when false"`, and
/// `written = "any"`.
#[test]
fn checks_after_parsing_and_what_encoders_write() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let tls = |v: u32, fields: &str| {
        format!(
            r#"name = "t"
version = {v}
encoding = "tls-positional"
root = "S"
trailing = "reject"

[types.S]
kind = "struct"
{fields}"#
        )
    };
    let f = |ident: &str, ty: &str, extra: &str| {
        format!("\n[[types.S.fields]]\nident = \"{ident}\"\nty = \"{ty}\"\n{extra}")
    };

    // The older decoder reads a cipher suite where the newer one writes a timestamp: the top
    // bytes of a timestamp below 2^40 are zero, and zero is no suite: every session refused.
    let old = write(
        "check-v1.toml",
        tls(
            1,
            &(f("a", "u8", "")
                + &f("suite", "u16", "session = { check = \"0xc02f, 0x1301\" }\n")
                + &f("rest", "u64", "")),
        ),
    );
    let new = write(
        "check-v2.toml",
        tls(
            2,
            &(f("a", "u8", "")
                + &f("t", "u64", "session = { values = \"..=0xffffffffff\" }\n")
                + &f("ems", "bool", "session = { ems = { kind = \"flag\" } }\n")
                + &f("pad", "u8", "")),
        ),
    );
    let found = pair(&old, &new, false);
    assert!(
        !found.iter().any(|x| x.rule.is_rollout_hazard()),
        "{found:?}"
    );
    assert!(
        has(&found, "non-ems-session-rejected-by-older-decoder"),
        "{found:?}"
    );
    // Without the bound the timestamp may hold anything: not proven refused.
    let loose = write(
        "check-v2-loose.toml",
        tls(
            2,
            &(f("a", "u8", "")
                + &f("t", "u64", "")
                + &f("ems", "bool", "session = { ems = { kind = \"flag\" } }\n")
                + &f("pad", "u8", "")),
        ),
    );
    let found = pair(&old, &loose, false);
    assert!(found.iter().any(|x| x.data_dependent), "{found:?}");

    // A list that must not be empty: the older decoder refuses the newer version's empty lists.
    let old = write(
        "min-v1.toml",
        tls(
            1,
            &f(
                "certs",
                "Vec<Vec<u8>>",
                "wire = { prefix = [3, 3], min_len = 1 }\n",
            ),
        ),
    );
    let new = write(
        "min-v2.toml",
        tls(
            2,
            &(f("certs", "Vec<Vec<u8>>", "wire = { prefix = [3, 3] }\n")
                + &f("ems", "bool", "session = { ems = { kind = \"flag\" } }\n")),
        ),
    );
    pair(&old, &new, false);
    // Per-level limits: the inner level's limit refuses a 64 KiB certificate.
    let old = write(
        "max-v1.toml",
        tls(
            1,
            &f(
                "certs",
                "Vec<Vec<u8>>",
                "wire = { prefix = [3, 3], max_len = [16, 1024] }\n",
            ),
        ),
    );
    let new = write(
        "max-v2.toml",
        tls(
            2,
            &(f("certs", "Vec<Vec<u8>>", "wire = { prefix = [3, 3] }\n")
                + &f("ems", "bool", "session = { ems = { kind = \"flag\" } }\n")),
        ),
    );
    pair(&old, &new, true);

    // DER: [1] IMPLICIT is another element than [1] EXPLICIT to a strict parser.
    let der = |v: u32, extra: &str| {
        format!(
            r#"name = "d"
version = {v}
encoding = "der"
root = "S"
unknown_tags = "reject"

[types.S]
kind = "struct"

[[types.S.fields]]
ident = "version"
ty = "u64"
session = {{ version_field = "*" }}
{extra}"#
        )
    };
    let ems = |implicit: bool| {
        format!(
            r#"
[[types.S.fields]]
ident = "ems"
ty = "bool"
wire = {{ tag = 1{} }}
write = {{ unless = "when true" }}
missing = "default"
session = {{ ems = {{ kind = "flag" }} }}
"#,
            if implicit { ", implicit = true" } else { "" }
        )
    };
    let a = write("implicit-v1.toml", der(1, &ems(false)));
    let b = write("implicit-v2.toml", der(2, &ems(true)));
    let found = pair(&a, &b, false);
    assert!(
        !found.iter().any(|x| x.rule.is_rollout_hazard()),
        "{found:?}"
    );
    let a2 = write("implicit-v1b.toml", der(1, &ems(true)));
    pair(&a2, &b, false);
    // DEFAULT TRUE, written only when false: absent reads as true.
    let flag = |v: u32| {
        der(
            v,
            r#"
[[types.S.fields]]
ident = "is_server"
ty = "bool"
wire = { tag = 22 }
write = { unless = "when false" }
missing = { default-value = { value = { bool = true } } }
"#,
        )
    };
    let a = write("default-v1.toml", flag(1));
    let b = write("default-v2.toml", flag(2));
    pair(&a, &b, false);
    let s = load(&a);
    for (v, _) in samples(&s, false) {
        let bytes = encode(&s, &v);
        let read = decode(&s, &s, &bytes).unwrap();
        assert_eq!(
            read.get("is_server"),
            Some(&sessionlint::vectors::wire::V::Int(
                match v.get("is_server") {
                    Some(sessionlint::vectors::wire::V::Int(0)) => 0,
                    _ => 1,
                }
            )),
            "{v:?}"
        );
    }
}
