//! The parts of a zipped workbook (.xlsx, .xlsb, .ods), found by name as Excel finds them:
//! whatever the case of the name and whichever way its slashes lean; and the relationships
//! (`_rels/*.rels`) that say which part is which.

use super::{BookKind, damaged, xml};
use crate::error::FileError;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};

/// The kind of workbook a zip holds: an .ods by its `mimetype`, an .xlsb by its
/// `xl/workbook.bin`; anything else is read as an .xlsx (and said to be damaged if it is none).
pub(super) fn zip_kind<R: Read + Seek>(reader: R) -> BookKind {
    let Ok(mut zip) = zip::ZipArchive::new(reader) else {
        return BookKind::Xlsx;
    };
    let names: Vec<String> = zip.file_names().map(normal).collect();
    if names.iter().any(|n| n == "xl/workbook.bin") {
        return BookKind::Xlsb;
    }
    if let Ok(part) = zip.by_name("mimetype") {
        let mut said = Vec::new();
        if part.take(200).read_to_end(&mut said).is_ok()
            && said.starts_with(b"application/vnd.oasis.opendocument.spreadsheet")
        {
            return BookKind::Ods;
        }
    }
    // An OpenDocument file without its mimetype (some writers leave it out).
    if names.iter().any(|n| n == "content.xml") && !names.iter().any(|n| n.starts_with("xl/")) {
        return BookKind::Ods;
    }
    BookKind::Xlsx
}

/// A part's name as it is looked up: forward slashes, lower case, no leading slash.
fn normal(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

/// A zipped workbook's parts.
pub(super) struct Parts<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    by_name: HashMap<String, usize>,
    path: String,
}

impl<R: Read + Seek> Parts<R> {
    pub(super) fn open(reader: R, path: &str) -> Result<Parts<R>, FileError> {
        let zip = zip::ZipArchive::new(reader).map_err(|e| damaged(path, &e))?;
        let by_name = (0..zip.len())
            .filter_map(|i| zip.name_for_index(i).map(|n| (normal(n), i)))
            .collect();
        Ok(Parts {
            zip,
            by_name,
            path: path.to_string(),
        })
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(&normal(name))
    }

    /// Part `name` to read as it unpacks, if the zip has it.
    pub(super) fn part(
        &mut self,
        name: &str,
    ) -> Result<Option<BufReader<zip::read::ZipFile<'_, R>>>, FileError> {
        let Some(&index) = self.by_name.get(&normal(name)) else {
            return Ok(None);
        };
        let file = self
            .zip
            .by_index(index)
            .map_err(|e| damaged(&self.path, &e))?;
        Ok(Some(BufReader::with_capacity(64 * 1024, file)))
    }

    /// The relationships of part `of` (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`): id
    /// → (type's last word, the part it names). None if it has none.
    pub(super) fn relationships(&mut self, of: &str) -> Result<Relationships, FileError> {
        let (dir, file) = of.rsplit_once('/').unwrap_or(("", of));
        let rels = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let path = self.path.clone();
        let mut found = Relationships::default();
        let Some(part) = self.part(&rels)? else {
            return Ok(found);
        };
        let mut reader = xml::reader(part);
        let mut buf = Vec::new();
        loop {
            match xml::next(&mut reader, &mut buf, &path, &rels)? {
                Event::Start(e) if e.local_name().as_ref() == b"Relationship" => {
                    let (Some(id), Some(target)) = (xml::attr(&e, b"Id"), xml::attr(&e, b"Target"))
                    else {
                        continue;
                    };
                    // An external link (a hyperlink's address) is no part.
                    if xml::attr(&e, b"TargetMode").as_deref() == Some("External") {
                        continue;
                    }
                    let kind = xml::attr(&e, b"Type")
                        .and_then(|t| t.rsplit('/').next().map(str::to_string))
                        .unwrap_or_default();
                    found.by_id.insert(id, (kind, resolve(dir, &target)));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(found)
    }
}

/// A part's relationships: id → (the type's last word, such as `worksheet`, and the part).
#[derive(Debug, Default)]
pub(super) struct Relationships {
    by_id: HashMap<String, (String, String)>,
}

impl Relationships {
    pub(super) fn get(&self, id: &str) -> Option<&(String, String)> {
        self.by_id.get(id)
    }

    /// The first part of type `kind` (`sharedStrings`, `styles`).
    pub(super) fn of_kind(&self, kind: &str) -> Option<&str> {
        let mut found: Vec<&(String, String)> =
            self.by_id.values().filter(|(k, _)| k == kind).collect();
        // Which, if a file names two, is the same whatever the order of a map.
        found.sort();
        found.first().map(|(_, part)| part.as_str())
    }
}

/// A relationship's target, from the folder `dir` of the part it belongs to: `worksheets/a.xml`
/// from `xl` is `xl/worksheets/a.xml`; `/xl/a.xml` is absolute; `..` goes up.
pub(super) fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut path: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            p => path.push(p),
        }
    }
    path.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_resolved_from_their_parts_folder() {
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl/a", "../styles.xml"), "xl/styles.xml");
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(normal("\\XL\\Workbook.xml"), "xl/workbook.xml");
    }
}
