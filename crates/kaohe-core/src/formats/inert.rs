//! A CSV cell made inert for spreadsheet programs, and made back. Excel and LibreOffice take a
//! cell beginning with `=`, `+`, `-` or `@` (and, after a tab or a carriage return they drop,
//! the same) as a formula: a county's remark `=HYPERLINK(…)` would become a live link, a
//! `-2+3+cmd|…` a command. kaohe's CSV export writes such a cell with a leading apostrophe
//! (OWASP's advice), which spreadsheets show as text; kaohe's import of its own CSV export
//! (told by its header, [`crate::formats::columns::is_own_csv_export`]) takes exactly that
//! apostrophe off again. A county's own CSV is never touched: its leading `'` is its own.

use std::borrow::Cow;

/// The characters a spreadsheet may start a formula with, or drop before one.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The apostrophe that makes a cell text in a spreadsheet.
const QUOTE: char = '\'';

/// `cell` as kaohe's CSV export writes it: with an apostrophe in front when it begins with a
/// formula's first character — or with an apostrophe, so that the import can tell ours from
/// the county's. A plain number (`-5`, `+3`, `-0.5%`, `1.2E-3`) is no formula and stays as it
/// is, a number to the spreadsheet.
pub fn make_inert(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if (FORMULA_START.contains(&c) || c == QUOTE) && !is_plain_number(cell) => {
            Cow::Owned(format!("{QUOTE}{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// A cell of kaohe's own CSV export as it was before [`make_inert`]: one leading apostrophe
/// taken off where [`make_inert`] put it (before a formula's first character or another
/// apostrophe). Anything else is left as it is.
pub fn undo_inert(cell: &str) -> Cow<'_, str> {
    match cell.strip_prefix(QUOTE) {
        Some(rest)
            if rest
                .chars()
                .next()
                .is_some_and(|c| FORMULA_START.contains(&c) || c == QUOTE) =>
        {
            Cow::Borrowed(rest)
        }
        _ => Cow::Borrowed(cell),
    }
}

/// A number a spreadsheet reads as a number, never as a formula: an optional sign, digits
/// with an optional decimal point, an optional exponent and an optional `%`.
fn is_plain_number(cell: &str) -> bool {
    let s = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let s = s.strip_suffix('%').unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_get_an_apostrophe_and_numbers_do_not() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x\",\"点此\")",
                "'=HYPERLINK(\"http://x\",\"点此\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("- 5", "'- 5"),
            ("-", "'-"),
            ("'abc", "''abc"),
            ("''", "'''"),
        ] {
            assert_eq!(make_inert(cell), written, "{cell:?}");
            assert_eq!(undo_inert(written), cell, "{written:?}");
        }
        for plain in [
            "-5",
            "+3",
            "-0.5%",
            "1.2E-3",
            "-1e5",
            "+.5",
            "-5.",
            "75%",
            "柯城区",
            "",
            "a=b",
            "台账'",
            " =1",
        ] {
            assert_eq!(make_inert(plain), plain, "{plain:?}");
            assert_eq!(undo_inert(plain), plain, "{plain:?}");
        }
        // An apostrophe the export did not put there is left alone.
        assert_eq!(undo_inert("'abc"), "'abc");
        assert_eq!(undo_inert("'5"), "'5");
    }

    #[test]
    fn only_kaohes_own_csv_export_is_undone_and_its_facts_read_back() {
        use crate::catalog::{Catalog, embedded_counties};
        use crate::formats::import::read_csv;
        use crate::lookup::Lookup;
        let lookup = Lookup::from_parts(
            &Catalog::embedded_2014().unwrap(),
            &embedded_counties().unwrap(),
        );
        let read = |text: &str| {
            read_csv(text, "s.csv", &lookup, &mut |_, _| {})
                .unwrap()
                .rows
        };
        let own = read(
            "county_code,county,indicator,value,value_number,remark,flags,bare_fraction\n\
             330802,柯城区,1.3,0.021,0.021,'=A1,,yes\n330803,衢江区,1.3,-5,-5,''x,,\n",
        );
        assert_eq!(own[0].submission.remark, "=A1");
        assert!(own[0].submission.bare_fraction, "the fact read back");
        assert_eq!(own[0].submission.value_number, Some(0.021));
        assert_eq!(own[1].submission.remark, "'x");
        assert_eq!(own[1].submission.value_number, Some(-5.0));
        // A county's sheet: every character as it gave it, and no fact of an import.
        let county =
            read("county_code,indicator,value,remark,bare_fraction\n330802,1.3,0.021,'=A1,yes\n");
        assert_eq!(county[0].submission.remark, "'=A1");
        assert!(!county[0].submission.bare_fraction);
    }

    proptest! {
        #[test]
        fn what_the_export_writes_the_import_reads_back(cell in "\\PC*|['=+\\-@\\t\\r]{1,3}\\PC{0,8}") {
            let written = make_inert(&cell);
            prop_assert_eq!(undo_inert(&written), cell.as_str());
        }

        #[test]
        fn nothing_written_starts_a_formula(cell in "\\PC*|[=+\\-@\\t\\r'][-+0-9.eE%]{0,6}") {
            let written = make_inert(&cell);
            let first = written.chars().next();
            prop_assert!(
                first.is_none_or(|c| !FORMULA_START.contains(&c)) || is_plain_number(&written),
                "{:?}", written
            );
        }
    }
}
