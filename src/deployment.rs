//! Which versions of a format run side by side. A fleet keeps the `keep` versions before each
//! version deployed next to it (every older one when `keep` is not set); this is the one
//! definition of that window, for the pairs the rules check, the vectors predicted, the cells a
//! matrix leaves out and the decoders a plan gates a writer on.

/// How many older versions may still be deployed next to each version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deployment {
    keep: Option<usize>,
}

impl Deployment {
    /// Every version may meet every other.
    pub const ALL: Deployment = Deployment { keep: None };

    /// Each version beside the `keep` versions before it (`None`: all of them).
    pub fn keeping(keep: Option<usize>) -> Deployment {
        Deployment { keep }
    }

    /// How many older versions run beside each (`None`: all).
    pub fn keep(self) -> Option<usize> {
        self.keep
    }

    /// Of versions in order (oldest first), the first that runs beside the one at `j`.
    pub fn first_beside(self, j: usize) -> usize {
        self.keep.map_or(0, |k| j.saturating_sub(k))
    }

    /// Whether the versions at `i` and `j` (in order, oldest first) may run side by side.
    pub fn together(self, i: usize, j: usize) -> bool {
        self.keep.is_none_or(|k| i.abs_diff(j) <= k)
    }
}

#[cfg(test)]
mod tests {
    use super::Deployment;

    #[test]
    fn the_window_is_the_same_seen_from_either_side() {
        let two = Deployment::keeping(Some(2));
        assert_eq!(
            (
                two.first_beside(0),
                two.first_beside(1),
                two.first_beside(5)
            ),
            (0, 0, 3)
        );
        assert!(two.together(5, 3) && two.together(3, 5) && !two.together(5, 2));
        // `first_beside` and `together` describe one window.
        for j in 0..8 {
            for i in 0..=j {
                assert_eq!(two.together(i, j), i >= two.first_beside(j));
                assert!(Deployment::ALL.together(i, j));
            }
            assert_eq!(Deployment::ALL.first_beside(j), 0);
        }
    }
}
