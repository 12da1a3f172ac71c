//! Text-output helpers the commands share: counted words, padded columns, verdict names.

use crate::model::Verdict;
use crate::text::{clean, pad, width};

/// "1 item", "2 items".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Texts made safe for the terminal and padded to one column, two wider than the widest,
/// measured in terminal columns after cleaning (what is measured is what is shown).
pub fn padded_column<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let cleaned: Vec<String> = texts.map(clean).collect();
    let columns = cleaned.iter().map(|t| width(t)).max().unwrap_or(0) + 2;
    cleaned.iter().map(|t| pad(t, columns)).collect()
}

/// A verdict's Chinese name, or 未审核 for none.
pub fn verdict_label(v: Option<Verdict>) -> &'static str {
    v.map_or("未审核", Verdict::chinese)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_padded_by_what_is_shown() {
        let column = padded_column(["柯城区", "景宁畲族自治县", "a\u{1b}b"].into_iter());
        // 景宁畲族自治县 is 14 columns; every cell is 16, the escape shown as one symbol.
        assert!(column.iter().all(|c| width(c) == 16), "{column:?}");
        assert_eq!(column[2], format!("a\u{241b}b{}", " ".repeat(13)));
    }
}
