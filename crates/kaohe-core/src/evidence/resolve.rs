//! One county's evidence columns resolved against the files it sent: what each item cites, tied
//! to a file, missing, or ambiguous; and the files no item cites.
//!
//! The files come in tiers, newest first: this import's, then each earlier import's. A name is
//! looked for in the first tier, and in an older one only when no newer one has it, so a
//! corrected file sent again under its name stands in for the old one, and a county that sends
//! only what was missing keeps what it sent before.

use super::names::{Found, Pool, SentFile, split_with};

/// What one name an item's evidence column cites came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Citation {
    /// One file: its path in the folder it came in, and its content.
    Tied {
        cited: String,
        path: String,
        sha256: String,
    },
    Missing {
        cited: String,
    },
    /// Several files of different content (their paths): none is tied.
    Ambiguous {
        cited: String,
        candidates: Vec<String>,
    },
}

impl Citation {
    pub fn cited(&self) -> &str {
        match self {
            Citation::Tied { cited, .. }
            | Citation::Missing { cited }
            | Citation::Ambiguous { cited, .. } => cited,
        }
    }
}

/// One county's files in tiers, newest first.
pub struct Tiers {
    pools: Vec<Pool>,
}

impl Tiers {
    /// `tiers[0]` is this import's files (possibly none), the rest earlier imports', newest
    /// first.
    pub fn new(tiers: Vec<Vec<SentFile>>) -> Tiers {
        Tiers {
            pools: tiers.into_iter().map(Pool::new).collect(),
        }
    }

    fn knows(&self, piece: &str) -> bool {
        self.pools.iter().any(|p| p.knows(piece))
    }

    /// What an item's evidence column cites, name by name, in its order (a name cited twice,
    /// once).
    pub fn cite(&self, evidence: &str) -> Vec<Citation> {
        let mut names = split_with(evidence, &|p| self.knows(p));
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(super::names::fold(n)));
        names.into_iter().map(|cited| self.one(cited)).collect()
    }

    fn one(&self, cited: String) -> Citation {
        for pool in &self.pools {
            match pool.find(&cited) {
                Found::Nothing => continue,
                Found::One(i) => {
                    let f = &pool.files()[i];
                    return Citation::Tied {
                        cited,
                        path: f.path.clone(),
                        sha256: f.sha256.clone(),
                    };
                }
                Found::Several(hits) => {
                    return Citation::Ambiguous {
                        cited,
                        candidates: hits.iter().map(|&i| pool.files()[i].path.clone()).collect(),
                    };
                }
            }
        }
        Citation::Missing { cited }
    }

    /// The files of the newest tier no citation of `citations` names: not tied, and not among
    /// an ambiguous name's candidates.
    pub fn uncited<'a>(&self, citations: impl Iterator<Item = &'a Citation>) -> Vec<SentFile> {
        let Some(newest) = self.pools.first() else {
            return Vec::new();
        };
        let mut shas = std::collections::HashSet::new();
        let mut paths = std::collections::HashSet::new();
        for c in citations {
            match c {
                Citation::Tied { sha256, .. } => {
                    shas.insert(sha256.clone());
                }
                Citation::Ambiguous { candidates, .. } => {
                    paths.extend(candidates.iter().cloned());
                }
                Citation::Missing { .. } => {}
            }
        }
        newest
            .files()
            .iter()
            .filter(|f| !shas.contains(&f.sha256) && !paths.contains(&f.path))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, sha: char) -> SentFile {
        SentFile {
            path: path.into(),
            sha256: sha.to_string().repeat(64),
        }
    }

    #[test]
    fn a_name_is_found_in_the_newest_tier_that_has_it() {
        let tiers = Tiers::new(vec![
            vec![file("通知.pdf", 'b'), file("补充/照片.jpg", 'c')],
            vec![
                file("通知.pdf", 'a'),
                file("纪要.docx", 'd'),
                file("表.xlsx", 'e'),
                file("旧/表.xlsx", 'f'),
            ],
        ]);
        let cited = tiers.cite("通知.pdf、纪要、照片、表、方案.doc、通知");
        assert_eq!(
            cited,
            [
                Citation::Tied {
                    cited: "通知.pdf".into(),
                    path: "通知.pdf".into(),
                    sha256: "b".repeat(64)
                },
                Citation::Tied {
                    cited: "纪要".into(),
                    path: "纪要.docx".into(),
                    sha256: "d".repeat(64)
                },
                Citation::Tied {
                    cited: "照片".into(),
                    path: "补充/照片.jpg".into(),
                    sha256: "c".repeat(64)
                },
                Citation::Ambiguous {
                    cited: "表".into(),
                    candidates: vec!["旧/表.xlsx".into(), "表.xlsx".into()]
                },
                Citation::Missing {
                    cited: "方案.doc".into()
                },
                Citation::Tied {
                    cited: "通知".into(),
                    path: "通知.pdf".into(),
                    sha256: "b".repeat(64)
                },
            ]
        );
        // A name cited twice is one citation.
        assert_eq!(tiers.cite("纪要；纪要、 纪要 ").len(), 1);
    }

    #[test]
    fn files_no_item_cites_are_those_of_the_newest_tier_left_over() {
        let tiers = Tiers::new(vec![
            vec![
                file("通知.pdf", 'a'),
                file("副本/通知.pdf", 'a'),
                file("多余.txt", 'b'),
                file("x/表.xlsx", 'c'),
                file("y/表.xlsx", 'd'),
            ],
            vec![file("旧.pdf", 'e')],
        ]);
        let citations = [tiers.cite("通知、表、旧")];
        let left: Vec<String> = tiers
            .uncited(citations.iter().flatten())
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(left, ["多余.txt"]);
    }
}
