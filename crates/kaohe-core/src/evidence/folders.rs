//! Whose files are whose in an evidence folder or zip. A sheet of one county may come with its
//! files however they are arranged. A sheet of several counties needs a folder for each at the
//! top, named by the county's name or code (`柯城区/`, `330802/`, `330802柯城区/`). A single
//! folder around everything (`佐证材料/…`, as zipping a folder makes) is looked through.

use super::names::fold;
use std::collections::BTreeMap;

/// A county as the sheet and the catalog name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyName {
    pub code: String,
    pub name: String,
}

/// Each county's files: for each county code (of the sheet's counties, every one, with or
/// without files), the indices of its entries and their paths inside its folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Assigned {
    pub by_county: BTreeMap<String, Vec<(usize, String)>>,
    /// The folder named for each county, where the files came in county folders.
    pub folders: BTreeMap<String, String>,
}

/// Which counties of `all` a folder's name names (its code or name inside it, folded).
fn named(folder: &str, all: &[CountyName]) -> Vec<usize> {
    let f = fold(folder);
    (0..all.len())
        .filter(|&i| f.contains(&fold(&all[i].code)) || f.contains(&fold(&all[i].name)))
        .collect()
}

/// Whose files are whose, as the module's note says; refused with the reason (the caller
/// names the folder or zip).
pub fn assign(
    paths: &[String],
    sheet: &[CountyName],
    all: &[CountyName],
) -> Result<Assigned, String> {
    let mut inside: Vec<&str> = paths.iter().map(String::as_str).collect();
    // Look through single folders around everything that name no county.
    while let Some(first) = inside
        .first()
        .and_then(|p| p.split_once('/'))
        .map(|(f, _)| f)
    {
        let all_under = inside
            .iter()
            .all(|p| p.split_once('/').is_some_and(|(f, _)| f == first));
        if !all_under || !named(first, all).is_empty() {
            break;
        }
        for p in &mut inside {
            *p = p.split_once('/').map_or(*p, |(_, rest)| rest);
        }
    }
    let mut assigned = Assigned::default();
    for c in sheet {
        assigned.by_county.insert(c.code.clone(), Vec::new());
    }
    let by_folder = inside.iter().any(|p| {
        p.split_once('/')
            .is_some_and(|(f, _)| !named(f, all).is_empty())
    });
    if !by_folder {
        let [one] = sheet else {
            let names: Vec<&str> = sheet.iter().map(|c| c.name.as_str()).collect();
            return Err(format!(
                "the sheet has rows of {} counties ({}): put each county's files in a folder named for it (柯城区/ or 330802/)",
                sheet.len(),
                names.join("、")
            ));
        };
        let files = assigned.by_county.entry(one.code.clone()).or_default();
        files.extend(inside.iter().enumerate().map(|(i, p)| (i, p.to_string())));
        return Ok(assigned);
    }
    for (i, p) in inside.iter().enumerate() {
        let Some((folder, rest)) = p.split_once('/') else {
            return Err(format!(
                "{p} is in no county's folder: with files in county folders, every file goes in one"
            ));
        };
        let counties = named(folder, all);
        let county = match counties.as_slice() {
            [one] => &all[*one],
            [] => {
                return Err(format!(
                    "{folder}/ names no county: with files in county folders, every file goes in one named by its county's name or code"
                ));
            }
            several => {
                let names: Vec<&str> = several.iter().map(|&c| all[c].name.as_str()).collect();
                return Err(format!(
                    "{folder}/ names several counties ({}): name each county's folder for it alone",
                    names.join("、")
                ));
            }
        };
        let Some(files) = assigned.by_county.get_mut(&county.code) else {
            return Err(format!(
                "{folder}/ holds {}'s files, but the sheet has no rows of {}: import its sheet with them",
                county.name, county.name
            ));
        };
        files.push((i, rest.to_string()));
        match assigned.folders.get(&county.code) {
            Some(other) if other != folder => {
                return Err(format!(
                    "{other}/ and {folder}/ both name {}: put its files in one",
                    county.name
                ));
            }
            _ => {
                assigned
                    .folders
                    .insert(county.code.clone(), folder.to_string());
            }
        }
    }
    Ok(assigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counties() -> Vec<CountyName> {
        [
            ("330802", "柯城区"),
            ("330803", "衢江区"),
            ("330881", "江山市"),
        ]
        .iter()
        .map(|(c, n)| CountyName {
            code: c.to_string(),
            name: n.to_string(),
        })
        .collect()
    }

    fn paths(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    fn files(a: &Assigned, code: &str) -> Vec<String> {
        a.by_county[code].iter().map(|(_, p)| p.clone()).collect()
    }

    #[test]
    fn one_countys_files_whatever_their_folders() {
        let all = counties();
        let a = assign(
            &paths(&["佐证材料/通知.pdf", "佐证材料/会议/纪要.docx"]),
            &all[..1],
            &all,
        )
        .unwrap();
        assert_eq!(files(&a, "330802"), ["通知.pdf", "会议/纪要.docx"]);
        let a = assign(&paths(&["柯城区/通知.pdf"]), &all[..1], &all).unwrap();
        assert_eq!(files(&a, "330802"), ["通知.pdf"]);
        assert_eq!(a.folders["330802"], "柯城区");
        let a = assign(&paths(&[]), &all[..1], &all).unwrap();
        assert!(files(&a, "330802").is_empty());
    }

    #[test]
    fn several_counties_files_in_a_folder_each() {
        let all = counties();
        let a = assign(
            &paths(&[
                "2014/330802柯城区/通知.pdf",
                "2014/衢江区/a/纪要.docx",
                "2014/衢江区/b.pdf",
            ]),
            &all[..2],
            &all,
        )
        .unwrap();
        assert_eq!(files(&a, "330802"), ["通知.pdf"]);
        assert_eq!(files(&a, "330803"), ["a/纪要.docx", "b.pdf"]);

        let e = assign(&paths(&["通知.pdf"]), &all[..2], &all).unwrap_err();
        assert!(e.contains("2 counties (柯城区、衢江区)"), "{e}");
        let e = assign(&paths(&["柯城区/a.pdf", "说明.txt"]), &all[..2], &all).unwrap_err();
        assert!(e.contains("说明.txt is in no county's folder"), "{e}");
        let e = assign(&paths(&["柯城区/a.pdf", "其他/b.pdf"]), &all[..2], &all).unwrap_err();
        assert!(e.contains("其他/ names no county"), "{e}");
        let e = assign(&paths(&["柯城区/a.pdf", "江山市/b.pdf"]), &all[..2], &all).unwrap_err();
        assert!(e.contains("no rows of 江山市"), "{e}");
        let e = assign(&paths(&["柯城区衢江区/a.pdf"]), &all[..2], &all).unwrap_err();
        assert!(e.contains("several counties"), "{e}");
        let e = assign(&paths(&["柯城区/a.pdf", "330802/b.pdf"]), &all[..2], &all).unwrap_err();
        assert!(e.contains("both name 柯城区"), "{e}");
    }
}
