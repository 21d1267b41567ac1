use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The versions a decoder accepts in its version field: `"2"`, `"1..=2"`, `"..=2"`, `"2.."`, `"*"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Accepts {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptsError(pub String);

impl fmt::Display for AcceptsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Accepts {
    pub const ANY: Accepts = Accepts { min: None, max: None };

    pub fn exact(v: u64) -> Accepts {
        Accepts { min: Some(v), max: Some(v) }
    }

    pub fn contains(&self, v: i128) -> bool {
        self.min.is_none_or(|m| v >= m as i128) && self.max.is_none_or(|m| v <= m as i128)
    }

    pub fn parse(s: &str) -> Result<Accepts, AcceptsError> {
        let s = s.trim();
        let num = |t: &str| -> Result<u64, AcceptsError> {
            let t = t.trim();
            t.parse::<u64>().map_err(|_| {
                AcceptsError(format!(
                    "`{t}` is not a version number in accepts = \"{s}\"; write \"2\", \"1..=2\", \"..=2\", \"2..\" or \"*\""
                ))
            })
        };
        if s == "*" {
            return Ok(Accepts::ANY);
        }
        if let Some((lo, hi)) = s.split_once("..") {
            let min = if lo.trim().is_empty() { None } else { Some(num(lo)?) };
            let max = match hi.strip_prefix('=') {
                Some(h) => Some(num(h)?),
                None if hi.trim().is_empty() => None,
                None => {
                    return Err(AcceptsError(format!(
                        "accepts = \"{s}\" is an exclusive range; write an inclusive one like \"1..=2\""
                    )))
                }
            };
            if min.is_none() && max.is_none() {
                return Err(AcceptsError(format!(
                    "accepts = \"{s}\" has no bound; write \"*\" to accept every version"
                )));
            }
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    return Err(AcceptsError(format!("accepts = \"{s}\" is an empty range")));
                }
            }
            return Ok(Accepts { min, max });
        }
        Ok(Accepts::exact(num(s)?))
    }

    pub fn is_exact(&self) -> bool {
        self.min.is_some() && self.min == self.max
    }
}

impl fmt::Display for Accepts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (None, None) => f.write_str("*"),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (Some(a), Some(b)) => write!(f, "{a}..={b}"),
            (None, Some(b)) => write!(f, "..={b}"),
            (Some(a), None) => write!(f, "{a}.."),
        }
    }
}

impl Serialize for Accepts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Accepts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Accepts::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_contract_form() {
        assert_eq!(Accepts::parse("2").unwrap(), Accepts::exact(2));
        assert_eq!(Accepts::parse("1..=2").unwrap(), Accepts { min: Some(1), max: Some(2) });
        assert_eq!(Accepts::parse("..=2").unwrap(), Accepts { min: None, max: Some(2) });
        assert_eq!(Accepts::parse("2..").unwrap(), Accepts { min: Some(2), max: None });
        assert_eq!(Accepts::parse("*").unwrap(), Accepts::ANY);
        for bad in ["", "x", "1..2", "..", "3..=1", "-1"] {
            assert!(Accepts::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        for s in ["2", "1..=2", "..=2", "2..", "*"] {
            assert_eq!(Accepts::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn contains_honours_bounds() {
        let a = Accepts::parse("1..=2").unwrap();
        assert!(!a.contains(0) && a.contains(1) && a.contains(2) && !a.contains(3));
        assert!(Accepts::ANY.contains(-5));
    }
}
