//! The one table of the columns kaohe's files carry: each column's name in CSV and JSON (its
//! key), its header in kaohe's workbook, the other names counties' sheets give it, and what
//! an import makes of it. Every import reads headers through this table and every export
//! writes them from it, so a column is named once.

/// A column of kaohe's files: a part of one county × indicator's submission, or what the
/// catalog, the review and the checks say of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    CountyCode,
    County,
    Indicator,
    /// The indicator's short name, beside its id: the workbook's only.
    IndicatorName,
    /// The indicator's requirement: the workbook's only.
    Requirement,
    Value,
    /// The figure as a number: CSV's and JSON's only.
    ValueNumber,
    Numerator,
    Denominator,
    Evidence,
    Remark,
    Suggested,
    Verdict,
    Note,
    Reviewer,
    ReviewedAt,
    ChangedSinceReview,
    Flags,
    /// The county's own assessment (自评结果): its sheet's, read with the figures.
    SelfVerdict,
    /// The score the county gave itself (自评分).
    SelfScore,
    /// The county's own assessment differs from the city's verdict: written, passed over.
    SelfDisagrees,
    /// The second review (复核): its verdict, who gave it, the reason for a change, when.
    SecondVerdict,
    Checker,
    CheckReason,
    CheckedAt,
    /// 初步 until the item's target (or the assessment) is signed off, 审定 after.
    Stage,
    /// The item's notes, each under its author: JSON's array, a line a note elsewhere.
    Notes,
    // Issue 17: the reviewer's findings, what the item earned under its rule, the grade.
    /// The cases a reviewer counted (a deduction or a bonus per case).
    Cases,
    /// Why a reviewer voided the item (不计分).
    VoidReason,
    /// What the item earned under its rule, weighted (empty until reviewed).
    Points,
    /// The county's grade (等次), on each of its rows.
    Grade,
    // Issue 17: the verified figure (核定值), the city's, passed over by an import.
    /// The figure a reviewer recorded as verified, in the indicator's unit.
    Verified,
    /// Why it differs from the county's.
    VerifiedReason,
    VerifiedBy,
    VerifiedAt,
    /// The verified figure is lower than the county's: 核减.
    VerifiedLower,
    // Issue 16: units of measure.
    /// The figure as the county wrote it, with its unit, where kaohe converted it to the
    /// indicator's unit (15‰ kept as 1.5%): written by the exports, read back by an import.
    AsWritten,
    // Issue 18 (evidence): how many files are tied to the item, the names its evidence column
    // cites that no file matches (or several do), its open requests for more (退回补充).
    EvidenceFiles,
    EvidenceMissing,
    RequestsOpen,
    // Issue 16 (round trips keep every fact of the import).
    /// The figure came from a spreadsheet's bare number cell for a percentage (see
    /// [`crate::model::Submission::bare_fraction`]): a fact of the import, read back from
    /// kaohe's own exports.
    BareFraction,
}

/// What an import makes of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// The county's code: the key a row is found by, over the county's name beside it.
    CountyCode,
    /// A part of the county's submission, found by its key or any of its aliases.
    Submission,
    /// The catalog's, the review's, and what kaohe works out: written by the exports, passed
    /// over by an import (verdicts are the city's, not the county's).
    PassedOver,
    /// A fact of an earlier import that kaohe's own export carries (how a figure was given):
    /// read back from kaohe's own CSV, workbook and JSON, so that a round trip keeps it;
    /// passed over in a county's sheet, which cannot know it.
    ImportFact,
}

/// What a second, less likely name of a column means in a county's sheet beside a likelier
/// one (see [`Names::aliases`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beside {
    /// Nothing: two figures or two ids are a mistake, and the file is refused.
    Refused,
    /// This name is something else there and is passed over: 指标 (the indicator's name)
    /// beside its id.
    PassedOver(&'static str),
    /// This name is the figure's unit of measure there: 单位 beside the county.
    Unit(&'static str),
    /// Words that join the remark: this name (完成情况 beside 完成值), or any (说明 and 备注).
    JoinsRemark(Option<&'static str>),
}

/// One column's names.
#[derive(Debug)]
pub struct Names {
    pub column: Column,
    /// Its name in CSV and JSON; `None` where only the workbook has the column.
    pub key: Option<&'static str>,
    /// Its header in kaohe's workbook; `None` where only CSV and JSON have the column.
    pub header: Option<&'static str>,
    /// The other names counties' sheets give it, in English or Chinese, the likeliest meaning
    /// first (after the key): where a sheet has two of them, the first is taken.
    pub aliases: &'static [&'static str],
    pub beside: Beside,
    pub read: Read,
}

/// Every column, in the order the exports write them: the CSV has those with a key, the
/// workbook those with a header, each in this order. `COLUMNS[c as usize]` is column `c`.
pub const COLUMNS: [Names; 41] = [
    Names {
        column: Column::CountyCode,
        key: Some("county_code"),
        header: Some("县(市、区)代码"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::CountyCode,
    },
    Names {
        column: Column::County,
        key: Some("county"),
        header: Some("县(市、区)"),
        aliases: &["县(市、区)", "县（市、区）", "县市区", "地区", "单位"],
        beside: Beside::Unit("单位"),
        read: Read::Submission,
    },
    Names {
        column: Column::Indicator,
        key: Some("indicator"),
        header: Some("指标编号"),
        // 指标编号 is the id; 指标 beside it is the indicator's name.
        aliases: &["指标编号", "指标"],
        beside: Beside::PassedOver("指标"),
        read: Read::Submission,
    },
    Names {
        column: Column::IndicatorName,
        key: None,
        header: Some("指标"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Requirement,
        key: None,
        header: Some("要求"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Value,
        key: Some("value"),
        // Read only in kaohe's own workbook: a county's sheet says 完成值.
        header: Some("报送值"),
        aliases: &["完成值", "数值", "完成情况"],
        beside: Beside::JoinsRemark(Some("完成情况")),
        read: Read::Submission,
    },
    Names {
        column: Column::ValueNumber,
        key: Some("value_number"),
        // Beside the figure as written, the number a spreadsheet can sum and chart.
        header: Some("报送值(数值)"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Numerator,
        key: Some("numerator"),
        header: Some("分子"),
        aliases: &["分子"],
        beside: Beside::Refused,
        read: Read::Submission,
    },
    Names {
        column: Column::Denominator,
        key: Some("denominator"),
        header: Some("分母"),
        aliases: &["分母"],
        beside: Beside::Refused,
        read: Read::Submission,
    },
    Names {
        column: Column::Evidence,
        key: Some("evidence"),
        header: Some("佐证材料"),
        aliases: &["佐证材料"],
        beside: Beside::Refused,
        read: Read::Submission,
    },
    Names {
        column: Column::Remark,
        key: Some("remark"),
        header: Some("说明"),
        aliases: &["说明", "备注"],
        beside: Beside::JoinsRemark(None),
        read: Read::Submission,
    },
    Names {
        column: Column::Suggested,
        key: Some("suggested"),
        header: Some("建议评定"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Verdict,
        key: Some("verdict"),
        header: Some("评定"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Note,
        key: Some("note"),
        // The reviewer's note: in kaohe's own workbook 备注 is this, not the county's remark.
        header: Some("备注"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Reviewer,
        key: Some("reviewer"),
        header: Some("评定人"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::ReviewedAt,
        key: Some("reviewed_at"),
        header: Some("评定时间"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::ChangedSinceReview,
        key: Some("changed_since_review"),
        header: Some("评定后数据已变"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Flags,
        key: Some("flags"),
        header: Some("自动检查"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::SelfVerdict,
        key: Some("self_verdict"),
        header: Some("自评结果"),
        aliases: &["自评结果", "自评", "自评等次", "自评结论"],
        beside: Beside::Refused,
        read: Read::Submission,
    },
    Names {
        column: Column::SelfScore,
        key: Some("self_score"),
        header: Some("自评分"),
        aliases: &["自评分", "自评得分", "自评分数"],
        beside: Beside::Refused,
        read: Read::Submission,
    },
    Names {
        column: Column::SelfDisagrees,
        key: Some("self_disagrees"),
        header: Some("自评与评定不一致"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::SecondVerdict,
        key: Some("second_verdict"),
        header: Some("复核评定"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Checker,
        key: Some("checker"),
        header: Some("复核人"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::CheckReason,
        key: Some("check_reason"),
        header: Some("改判理由"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::CheckedAt,
        key: Some("checked_at"),
        header: Some("复核时间"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Stage,
        key: Some("stage"),
        header: Some("阶段"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Notes,
        key: Some("notes"),
        header: Some("备注记录"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    // Issue 17: the city's, written by the exports and passed over by an import.
    Names {
        column: Column::Cases,
        key: Some("cases"),
        header: Some("例数"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::VoidReason,
        key: Some("void_reason"),
        header: Some("不计分原因"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Points,
        key: Some("points"),
        header: Some("得分"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::Grade,
        key: Some("grade"),
        header: Some("等次"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    // Issue 17: the verified figure (核定值) and its reason, who recorded it and when, and
    // 核减 where it is lower than the county's. The city's, not the county's: an import passes
    // them over.
    Names {
        column: Column::Verified,
        key: Some("verified"),
        header: Some("核定值"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::VerifiedReason,
        key: Some("verified_reason"),
        header: Some("核定说明"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::VerifiedBy,
        key: Some("verified_by"),
        header: Some("核定人"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::VerifiedAt,
        key: Some("verified_at"),
        header: Some("核定时间"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::VerifiedLower,
        key: Some("verified_lower"),
        header: Some("核减"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    // Issue 16: units of measure.
    Names {
        column: Column::AsWritten,
        key: Some("as_written"),
        header: Some("原报送值"),
        aliases: &["原报送值"],
        beside: Beside::Refused,
        read: Read::Submission,
    },
    // Issue 18 (evidence): what kaohe found of the county's files, and the requests for more;
    // the city's, passed over by an import.
    Names {
        column: Column::EvidenceFiles,
        key: Some("evidence_files"),
        header: Some("佐证文件数"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::EvidenceMissing,
        key: Some("evidence_missing"),
        header: Some("缺少的佐证"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    Names {
        column: Column::RequestsOpen,
        key: Some("requests_open"),
        header: Some("待补充(退回补充)"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::PassedOver,
    },
    // Issue 16: the facts of an import, read back from kaohe's own exports.
    Names {
        column: Column::BareFraction,
        key: Some("bare_fraction"),
        header: Some("表格小数"),
        aliases: &[],
        beside: Beside::Refused,
        read: Read::ImportFact,
    },
];

/// A county's sheet's column of the figures' unit of measure (‰, 公顷, 万元): no column of
/// kaohe's files (a figure is kept in its indicator's unit, and [`Column::AsWritten`] says
/// what it was written as). 单位 alone is the county's column (the unit that reports, see
/// [`Column::County`]); beside one, or where the counties head columns, it is this.
pub const UNIT: [&str; 3] = ["计量单位", "unit", "单位"];

/// Columns counties' sheets have that describe a target rather than submit to it: passed
/// over. Any column neither in [`COLUMNS`] nor here is refused, so that a misspelt header
/// (valeu, evidance) never silently drops a county's figures.
pub const DESCRIPTIVE: [&str; 13] = [
    "序号",
    "指标名称",
    "指标内容",
    "考核内容",
    "目标值",
    "考核要求",
    // Issue 16: more of what counties' sheets describe a target with.
    "考核指标",
    "目标任务",
    "考核标准",
    "评分标准",
    "分值",
    "权重",
    "牵头处室",
];

impl Column {
    pub fn names(self) -> &'static Names {
        &COLUMNS[self as usize]
    }

    pub fn key(self) -> Option<&'static str> {
        self.names().key
    }

    pub fn header(self) -> Option<&'static str> {
        self.names().header
    }

    /// The column's name in messages: its key (every column an import reads has one).
    pub fn name(self) -> &'static str {
        self.key().unwrap_or_default()
    }

    /// The names a county's sheet may give a submission's column, likeliest first: its key,
    /// then its aliases.
    pub fn read_names(self) -> impl Iterator<Item = &'static str> {
        self.key()
            .into_iter()
            .chain(self.names().aliases.iter().copied())
    }
}

/// The columns of a county's submission, in the table's order.
pub fn submission() -> impl Iterator<Item = Column> {
    COLUMNS
        .iter()
        .filter(|n| n.read == Read::Submission)
        .map(|n| n.column)
}

/// The columns the CSV export writes (and a JSON record's keys), in order.
pub fn in_csv() -> impl Iterator<Item = &'static Names> {
    COLUMNS.iter().filter(|n| n.key.is_some())
}

/// The columns of kaohe's workbook export, in order.
pub fn in_workbook() -> impl Iterator<Item = &'static Names> {
    COLUMNS.iter().filter(|n| n.header.is_some())
}

/// The column of a CSV, JSON record or workbook export with this key.
pub fn by_key(key: &str) -> Option<&'static Names> {
    COLUMNS.iter().find(|n| n.key == Some(key))
}

/// The column of kaohe's own workbook export with this header.
pub fn by_header(header: &str) -> Option<Column> {
    in_workbook()
        .find(|n| n.header == Some(header))
        .map(|n| n.column)
}

/// The submission's column a header names (by its key or an alias, ASCII case aside), and
/// how likely a name of it that header is (0 likeliest).
pub fn by_name(header: &str) -> Option<(Column, usize)> {
    let h = header.trim();
    submission().find_map(|c| {
        c.read_names()
            .position(|a| a.eq_ignore_ascii_case(h))
            .map(|rank| (c, rank))
    })
}

/// Whether a header names the figures' unit of measure (计量单位; 单位 where the county has
/// another column).
pub fn is_unit(header: &str) -> bool {
    let h = header.trim();
    UNIT.iter().any(|u| u.eq_ignore_ascii_case(h))
}

/// Whether a header names the county's code: its key, or its header in kaohe's workbook.
pub fn is_county_code(header: &str) -> bool {
    let code = Column::CountyCode;
    code.key() == Some(header) || code.header() == Some(header)
}

/// Whether an import passes over a column of this header, not one of the submission's: the
/// columns of kaohe's own export that are not the county's, and counties' descriptive ones.
/// (A fact of an import is read only from kaohe's own export: see [`facts`].)
pub fn passed_over(header: &str) -> bool {
    DESCRIPTIVE.contains(&header)
        || by_key(header).is_some_and(|n| matches!(n.read, Read::PassedOver | Read::ImportFact))
}

/// The facts of an import kaohe's own exports carry and read back (see [`Read::ImportFact`]).
pub fn facts() -> impl Iterator<Item = Column> {
    COLUMNS
        .iter()
        .filter(|n| n.read == Read::ImportFact)
        .map(|n| n.column)
}

/// The fact of an import a header of kaohe's own export names: its key (CSV) or its header
/// (the workbook).
pub fn fact_by_name(header: &str) -> Option<Column> {
    facts().find(|c| c.key() == Some(header) || c.header() == Some(header))
}

/// Whether a CSV header is kaohe's own CSV export's: it has the county's code and two columns
/// only kaohe writes, the figure as a number and the checks' flags. Only there are the cells
/// made inert for spreadsheets undone ([`crate::formats::inert`]) and the facts of an import
/// read back: a county's sheet keeps every character it gave.
pub fn is_own_csv_export<S: AsRef<str>>(headers: &[S]) -> bool {
    [Column::CountyCode, Column::ValueNumber, Column::Flags]
        .iter()
        .all(|c| headers.iter().any(|h| c.key() == Some(h.as_ref().trim())))
}

/// What a fact's cell says, as kaohe's exports write it: `yes` (CSV), 是 (the workbook),
/// `true` (JSON, read as 是), or empty; `None` for anything else.
pub fn fact_says(text: &str) -> Option<bool> {
    match text.trim() {
        "yes" | "是" | "true" => Some(true),
        "" | "no" | "否" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_stands_at_its_place() {
        for (i, names) in COLUMNS.iter().enumerate() {
            assert_eq!(names.column as usize, i, "{names:?}");
            assert!(names.key.is_some() || names.header.is_some(), "{names:?}");
            // A submission's column is named in messages by its key, as is a fact of an import.
            assert!(
                !matches!(names.read, Read::Submission | Read::ImportFact) || names.key.is_some()
            );
        }
    }
}
