//! Every file in `rules/` is a registered rule, and the registry agrees with the file.

use sessionlint::rules::{self, RULES};
use std::collections::BTreeSet;

#[test]
fn every_rule_file_is_registered_and_agrees() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = BTreeSet::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            files.insert(p.file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    let registered: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(
        files, registered,
        "rules/ and the registry must list the same rules"
    );
    for r in RULES {
        let t: toml::Table = r.doc.parse().unwrap_or_else(|e| panic!("{}: {e}", r.id));
        assert_eq!(t["id"].as_str(), Some(r.id));
        assert_eq!(t["level"].as_str(), Some(r.level.as_str()), "{}", r.id);
        for key in ["summary", "explanation", "bad", "good", "fix"] {
            assert!(
                t.get(key)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.trim().is_empty()),
                "{}: {key}",
                r.id
            );
        }
        let refs = t["references"].as_array().unwrap();
        assert!(
            refs.iter()
                .any(|x| x.as_str().unwrap().contains("RFC 7627 §5.")),
            "{} cites RFC 7627 §5.3/§5.4",
            r.id
        );
    }
    assert!(rules::get("no-such-rule").is_none());
}
