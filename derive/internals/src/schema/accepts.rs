#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The versions a decoder accepts in its version field: `"2"`, `"1..=2"`, `"..=2"`, `"2.."`, `"*"`,
/// or a set of those, comma separated (`"1, 3"`: s2n-tls's V2 reader).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Accepts {
    /// Inclusive ranges; an empty list accepts everything.
    pub ranges: Vec<(Option<u64>, Option<u64>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A version set that cannot be read.
pub struct AcceptsError(pub String);

impl fmt::Display for AcceptsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Accepts {
    /// The values in `ranges`: each `(low, high)` inclusive, `None` for no bound.
    pub fn new(ranges: Vec<(Option<u64>, Option<u64>)>) -> Accepts {
        Accepts { ranges }
    }

    /// Every value.
    pub fn any() -> Accepts {
        Accepts { ranges: Vec::new() }
    }

    /// One value.
    pub fn exact(v: u64) -> Accepts {
        Accepts {
            ranges: vec![(Some(v), Some(v))],
        }
    }

    /// Whether every value is accepted.
    pub fn is_any(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `v` is accepted.
    pub fn contains(&self, v: i128) -> bool {
        self.ranges.is_empty()
            || self.ranges.iter().any(|(lo, hi)| {
                lo.is_none_or(|m| v >= m as i128) && hi.is_none_or(|m| v <= m as i128)
            })
    }

    /// Values worth trying when looking for an accepted one.
    pub fn candidates(&self) -> Vec<i128> {
        self.ranges
            .iter()
            .flat_map(|(lo, hi)| [lo.map(|x| x as i128), hi.map(|x| x as i128)])
            .flatten()
            .collect()
    }

    /// Reads `"1"`, `"1, 3..=5"`, `"..=0xff"` or `"*"`.
    pub fn parse(s: &str) -> Result<Accepts, AcceptsError> {
        let s = s.trim();
        if s == "*" {
            return Ok(Accepts::any());
        }
        let mut ranges = Vec::new();
        for part in s.split(',') {
            ranges.push(Self::range(part.trim(), s)?);
        }
        Ok(Accepts { ranges })
    }

    fn range(s: &str, whole: &str) -> Result<(Option<u64>, Option<u64>), AcceptsError> {
        let num = |t: &str| -> Result<u64, AcceptsError> {
            let t = t.trim();
            let parsed = match t.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => t.parse::<u64>().ok(),
            };
            parsed.ok_or_else(|| {
                AcceptsError(format!(
                    "`{t}` is not a version number in accepts = \"{whole}\"; write \"2\", \"1..=2\", \"..=2\", \"2..\", \"1, 3\" or \"*\""
                ))
            })
        };
        if let Some((lo, hi)) = s.split_once("..") {
            let min = if lo.trim().is_empty() {
                None
            } else {
                Some(num(lo)?)
            };
            let max = match hi.strip_prefix('=') {
                Some(h) => Some(num(h)?),
                None if hi.trim().is_empty() => None,
                None => {
                    return Err(AcceptsError(format!(
                        "accepts = \"{whole}\" has an exclusive range; write an inclusive one like \"1..=2\""
                    )))
                }
            };
            if min.is_none() && max.is_none() {
                return Err(AcceptsError(format!("accepts = \"{whole}\" has a range with no bound; write \"*\" to accept every version")));
            }
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    return Err(AcceptsError(format!(
                        "accepts = \"{whole}\" has an empty range"
                    )));
                }
            }
            return Ok((min, max));
        }
        let v = num(s)?;
        Ok((Some(v), Some(v)))
    }
}

impl fmt::Display for Accepts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("*");
        }
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match *r {
                (Some(a), Some(b)) if a == b => write!(f, "{a}")?,
                (Some(a), Some(b)) => write!(f, "{a}..={b}")?,
                (None, Some(b)) => write!(f, "..={b}")?,
                (Some(a), None) => write!(f, "{a}..")?,
                (None, None) => f.write_str("*")?,
            }
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl Serialize for Accepts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
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
        assert_eq!(
            Accepts::parse("1..=2").unwrap().ranges,
            vec![(Some(1), Some(2))]
        );
        assert_eq!(
            Accepts::parse("..=2").unwrap().ranges,
            vec![(None, Some(2))]
        );
        assert_eq!(Accepts::parse("2..").unwrap().ranges, vec![(Some(2), None)]);
        assert_eq!(Accepts::parse("*").unwrap(), Accepts::any());
        assert_eq!(
            Accepts::parse("1, 3").unwrap().ranges,
            vec![(Some(1), Some(1)), (Some(3), Some(3))]
        );
        assert_eq!(Accepts::parse("0x0101").unwrap(), Accepts::exact(257));
        for bad in ["", "x", "1..2", "..", "3..=1", "-1", "1,,2"] {
            assert!(Accepts::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        for s in ["2", "1..=2", "..=2", "2..", "*", "1, 3"] {
            assert_eq!(Accepts::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn contains_honours_bounds() {
        let a = Accepts::parse("1..=2").unwrap();
        assert!(!a.contains(0) && a.contains(1) && a.contains(2) && !a.contains(3));
        assert!(Accepts::any().contains(-5));
        let s = Accepts::parse("1, 3").unwrap();
        assert!(s.contains(1) && !s.contains(2) && s.contains(3));
    }
}
