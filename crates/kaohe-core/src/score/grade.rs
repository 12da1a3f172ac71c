//! Grades (等次) as the targets file gives them (`[[grades]]`): bands of the score (优秀 ≥ 90,
//! 良好 ≥ 80, 一般), or the top places named (先进单位: the first 2), tried in the file's
//! order; the first a county reaches is its grade.

use serde::{Deserialize, Serialize};

/// One grade and what reaching it takes: a score of `at_least`, a rank within the first
/// `top`, or (neither) nothing: every county not graded above.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<usize>,
}

impl Grade {
    /// Every county not graded before reaches it.
    pub fn is_rest(&self) -> bool {
        self.at_least.is_none() && self.top.is_none()
    }
}

/// The grades in the order they are tried (none: counties are not graded).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Grades(pub Vec<Grade>);

impl Grades {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A county's grade: the first whose band its score (to the hundredth) reaches, or whose
    /// top places its rank is within (ties at the last place are in). A county whose score an
    /// 一票否决 item voids reaches only the grade of the rest, if there is one. No county is
    /// among the top places with nothing earned: before reviewing starts all tie first, and
    /// naming all six 先进单位 would be wrong.
    pub fn of(&self, score: f64, rank: usize, vetoed: bool) -> Option<String> {
        let hundredths = |x: f64| (x * 100.0).round() as i64;
        self.0
            .iter()
            .find(|g| {
                if vetoed {
                    return g.is_rest();
                }
                match (g.at_least, g.top) {
                    (Some(at), _) => hundredths(score) >= hundredths(at),
                    (None, Some(top)) => rank <= top && hundredths(score) > 0,
                    (None, None) => true,
                }
            })
            .map(|g| g.name.clone())
    }

    /// As the database keeps them (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// As the database keeps them.
    pub fn from_json(text: &str) -> Result<Grades, String> {
        serde_json::from_str(text).map_err(|e| format!("the grades kept as \"{text}\": {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(name: &str, at_least: Option<f64>, top: Option<usize>) -> Grade {
        Grade {
            name: name.into(),
            at_least,
            top,
        }
    }

    #[test]
    fn bands_are_tried_in_order() {
        let g = Grades(vec![
            grade("优秀", Some(90.0), None),
            grade("良好", Some(80.0), None),
            grade("一般", None, None),
        ]);
        assert_eq!(g.of(95.0, 1, false).as_deref(), Some("优秀"));
        assert_eq!(g.of(90.0, 2, false).as_deref(), Some("优秀"));
        assert_eq!(
            g.of(89.995, 2, false).as_deref(),
            Some("优秀"),
            "90.00 shown"
        );
        assert_eq!(g.of(89.99, 2, false).as_deref(), Some("良好"));
        assert_eq!(g.of(10.0, 6, false).as_deref(), Some("一般"));
        assert_eq!(g.of(95.0, 1, true).as_deref(), Some("一般"), "一票否决");
        assert_eq!(Grades::from_json(&g.to_json()), Ok(g));
    }

    #[test]
    fn nothing_earned_is_no_top_place() {
        let grades = Grades(vec![
            grade("先进单位", None, Some(2)),
            grade("其他", None, None),
        ]);
        assert_eq!(grades.of(0.0, 1, false).as_deref(), Some("其他"));
        assert_eq!(grades.of(0.01, 1, false).as_deref(), Some("先进单位"));
    }

    #[test]
    fn the_top_places_named_ties_in() {
        let g = Grades(vec![grade("先进单位", None, Some(2))]);
        assert_eq!(g.of(50.0, 1, false).as_deref(), Some("先进单位"));
        assert_eq!(g.of(40.0, 2, false).as_deref(), Some("先进单位"));
        assert_eq!(g.of(30.0, 3, false), None);
        assert_eq!(g.of(99.0, 1, true), None, "no grade of the rest");
        assert_eq!(Grades::default().of(99.0, 1, false), None);
    }
}
