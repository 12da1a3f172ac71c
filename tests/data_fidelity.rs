//! The 2014 targets file against the notice it transcribes (data/source/2014-notice.txt).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kaohe::catalog::{self, Catalog};
use kaohe::figure::parse_figure;
use kaohe::model::{Comparator, IndicatorKind};

const NOTICE: &str = include_str!("../data/source/2014-notice.txt");

fn catalog() -> Catalog {
    Catalog::embedded_2014().unwrap()
}

/// The numbered paragraphs of the notice, with the class heading each falls under.
fn paragraphs() -> Vec<(u32, &'static str, &'static str)> {
    let mut class = "";
    let mut out = Vec::new();
    for line in NOTICE.lines() {
        let line = line.trim_end();
        if line == "一类目标" || line == "二类目标" {
            class = line;
        } else if let Some((n, text)) = line.split_once('、') {
            if let Ok(n) = n.parse::<u32>() {
                out.push((n, class, text));
            }
        }
    }
    out
}

#[test]
fn the_assessment_metadata_is_the_notices() {
    let a = catalog().assessment;
    assert_eq!(a.issuer, "衢州市民政局");
    assert_eq!(a.number, "衢市民〔2014〕89号");
    assert_eq!(a.date, "2014-08-26");
    assert_eq!(a.year, 2014);
    assert_eq!(a.title, "2014年度对县(市、区)民政工作考核一二类目标");
    assert_eq!(a.method_number, "衢市民〔2013〕45号");
    assert!(NOTICE.contains(&a.method_title));
    assert!(NOTICE.contains(&a.notice));
    assert!(NOTICE.contains(&a.preamble));
    assert!(NOTICE.contains(&a.addressees));
}

#[test]
fn twelve_targets_in_two_classes_each_paragraph_verbatim() {
    let c = catalog();
    let paragraphs = paragraphs();
    assert_eq!(paragraphs.len(), 12);
    assert_eq!(c.targets.len(), 12);
    let class_name = |k: u8| {
        c.classes
            .iter()
            .find(|x| x.class == k)
            .unwrap()
            .name
            .as_str()
    };
    for ((n, class, text), t) in paragraphs.iter().zip(&c.targets) {
        assert_eq!(t.id, *n);
        assert_eq!(t.text, *text, "target {n} is not verbatim");
        assert_eq!(class_name(t.class), *class, "target {n}");
        assert_eq!(t.class, if *n <= 5 { 1 } else { 2 });
        let first_sentence = text.split('。').next().unwrap();
        assert_eq!(t.title, first_sentence, "target {n}'s title");
    }
}

#[test]
fn indicator_ids_are_consecutive_and_shorts_unique() {
    let c = catalog();
    let mut shorts = std::collections::HashSet::new();
    for t in &c.targets {
        for (k, i) in t.indicators.iter().enumerate() {
            assert_eq!(i.id, format!("{}.{}", t.id, k + 1));
            assert!(shorts.insert(i.short.clone()), "short {} twice", i.short);
            assert!(
                kaohe::text::width(&i.short) <= 24,
                "{} is too long",
                i.short
            );
        }
    }
    let n = c.indicators().count();
    assert!((60..=140).contains(&n), "{n} indicators");
}

fn is_punctuation(ch: char) -> bool {
    ch.is_ascii_punctuation() || ch.is_whitespace() || "。，、；：“”《》（）()〔〕".contains(ch)
}

/// No requirement of the notice is missing: every character of every paragraph (but the
/// title sentence and punctuation) lies inside some indicator's source words.
#[test]
fn every_word_of_every_paragraph_is_covered_by_an_indicator() {
    for t in catalog().targets {
        let text: Vec<char> = t.text.chars().collect();
        let mut covered = vec![false; text.len()];
        for i in &t.indicators {
            assert!(!i.source.is_empty(), "{} has no source", i.id);
            let source: Vec<char> = i.source.chars().collect();
            let mut found = false;
            for start in 0..=text.len().saturating_sub(source.len()) {
                if text[start..start + source.len()] == source[..] {
                    covered[start..start + source.len()]
                        .iter_mut()
                        .for_each(|c| *c = true);
                    found = true;
                }
            }
            assert!(found, "{}: source is not in the paragraph", i.id);
        }
        // Sentences that only repeat the title are headings, not requirements.
        let mut pos = 0;
        for sentence in t.text.split_inclusive('。') {
            let len = sentence.chars().count();
            if sentence.trim_end_matches('。') == t.title {
                covered[pos..pos + len].iter_mut().for_each(|c| *c = true);
            }
            pos += len;
        }
        let missing: String = text
            .iter()
            .zip(&covered)
            .map(|(&ch, &ok)| if ok || is_punctuation(ch) { ' ' } else { ch })
            .collect();
        let missing = missing.split_whitespace().collect::<Vec<_>>().join(" / ");
        assert!(
            missing.is_empty(),
            "target {}: not covered: {missing}",
            t.id
        );
    }
}

/// Every numeric requirement of the notice, found with its comparator, threshold and unit.
#[test]
fn every_numeric_requirement_is_found() {
    use Comparator::{AtLeast as GE, AtMost as LE};
    let table: &[(u32, &str, Comparator, f64, &str)] = &[
        (1, "城市", GE, 70.0, "%"),
        (1, "农村", GE, 50.0, "%"),
        (1, "护理型床位", GE, 35.0, "%"),
        (1, "养老机构法人登记", GE, 70.0, "%"),
        (1, "五保集中供养机构法人登记率", GE, 80.0, "%"),
        (1, "补贴", GE, 1.8, "%"),
        (1, "保险覆盖率", GE, 90.0, "%"),
        (2, "低保标准年增幅", GE, 8.0, "%"),
        (2, "农村低保标准", GE, 72.0, "%"),
        (2, "医疗救助资金", GE, 13.0, "元"),
        (2, "临时救助资金", GE, 3.0, "元"),
        (2, "联网审核审批率", GE, 100.0, "%"),
        (3, "场地面积", GE, 300.0, "平方米"),
        (3, "双重管理", GE, 3.0, "家"),
        (6, "乡镇级避灾安置场所覆盖率", GE, 100.0, "%"),
        (6, "社区(村)级", GE, 35.0, "%"),
        (6, "乡镇级", GE, 100.0, "%"),
        (6, "村(社区)级", GE, 60.0, "%"),
        (6, "轮训比例", GE, 10.0, "%"),
        (8, "婚姻登记历史档案录入", GE, 100.0, "%"),
        (9, "平安边界创建协议签订率", GE, 100.0, "%"),
        (11, "1000万元", GE, 1.0, "个"),
        (11, "参训", GE, 10.0, "%"),
        (11, "人均年纯收入", GE, 85.0, "%"),
        (11, "项目完成率", GE, 85.0, "%"),
        (11, "项目变更率", LE, 5.0, "%"),
        (11, "结报率", GE, 80.0, "%"),
    ];
    let c = catalog();
    let numeric: Vec<_> = c
        .indicators()
        .filter(|i| i.kind == IndicatorKind::Numeric)
        .collect();
    let mut matched = std::collections::HashSet::new();
    for &(target, words, comparator, threshold, unit) in table {
        let hits: Vec<_> = numeric
            .iter()
            .filter(|i| i.target_id() == target && i.text.contains(words))
            .filter(|i| {
                let r = i.requirement.as_ref().unwrap();
                r.comparator == comparator && r.threshold == threshold && r.unit == unit
            })
            .filter(|i| !matched.contains(&i.id))
            .collect();
        assert!(
            !hits.is_empty(),
            "target {target}: no indicator \"{words}\" {} {threshold}{unit}",
            comparator.as_str()
        );
        matched.insert(hits[0].id.clone());
    }
    let extra: Vec<_> = numeric
        .iter()
        .filter(|i| !matched.contains(&i.id))
        .map(|i| format!("{} {}", i.id, i.text))
        .collect();
    assert!(
        extra.is_empty(),
        "numeric indicators not in the table: {extra:?}"
    );
    assert_eq!(numeric.len(), 27);
}

/// Each percentage in the notice is some indicator's threshold, with that text in its source.
#[test]
fn every_percentage_of_the_notice_is_a_threshold() {
    for t in catalog().targets {
        let mut rest = t.text.as_str();
        while let Some(at) = rest.find('%') {
            let digits: String = rest[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let number: f64 = digits.parse().unwrap();
            let written = format!("{digits}%");
            let found = t.indicators.iter().any(|i| {
                i.source.contains(&written)
                    && i.requirement
                        .as_ref()
                        .is_some_and(|r| r.threshold == number && r.unit == "%")
            });
            assert!(
                found,
                "target {}: {written} is no indicator's threshold",
                t.id
            );
            rest = &rest[at + 1..];
        }
    }
}

#[test]
fn the_quzhou_counties_in_customary_order() {
    let counties: Vec<(String, String)> = catalog::embedded_counties()
        .unwrap()
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let expected = [
        ("330802", "柯城区"),
        ("330803", "衢江区"),
        ("330825", "龙游县"),
        ("330881", "江山市"),
        ("330822", "常山县"),
        ("330824", "开化县"),
    ];
    assert_eq!(
        counties,
        expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_demo_is_labelled_complete_and_varied() {
    let text = catalog::DEMO_SUBMISSIONS_2014;
    let comments: String = text.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        comments.contains("虚构"),
        "the demo must say it is invented"
    );

    let c = catalog();
    let counties = catalog::embedded_counties().unwrap();
    let lookup = kaohe::lookup::Lookup::from_parts(&c, &counties);
    let rows = kaohe::formats::import::parse_csv(text, "demo", &lookup).unwrap();
    assert_eq!(rows.len(), counties.len() * c.indicators().count());

    let mut short_by_county = std::collections::HashMap::<&str, usize>::new();
    let mut numeric = 0;
    for row in &rows {
        let indicator = c.indicator(&row.indicator_id).unwrap();
        let Some(req) = &indicator.requirement else {
            continue;
        };
        numeric += 1;
        let figure = row.submission.value_number.unwrap_or_else(|| {
            panic!(
                "line {}: {:?} is not a number",
                row.line, row.submission.value
            )
        });
        assert!(
            parse_figure(&row.submission.value).number().is_some()
                || row.submission.value.is_empty()
        );
        if let (Some(n), Some(d)) = (row.submission.numerator, row.submission.denominator) {
            let rate = if req.unit == "%" {
                n / d * 100.0
            } else {
                n / d
            };
            assert!(
                (rate - figure).abs() < 0.06,
                "line {}: {figure} is not {n}/{d}",
                row.line
            );
        }
        if !req.is_satisfied_by(figure) {
            *short_by_county.entry(row.county_code.as_str()).or_default() += 1;
        }
    }
    let short: usize = short_by_county.values().sum();
    assert!(
        short * 100 >= numeric * 10 && short * 100 <= numeric * 35,
        "{short} of {numeric} numeric items fall short"
    );
    assert_eq!(
        short_by_county.len(),
        6,
        "every county falls short somewhere"
    );
}

/// The complete example in data/README.md is a file kaohe accepts, so a clerk can start from it.
#[test]
fn the_documented_example_targets_file_loads() {
    let readme = include_str!("../data/README.md");
    let start = readme.find("```toml\n# 2015").expect("the example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let example = catalog::parse_targets(&readme[start..end], "data/README.md example").unwrap();
    assert!(!example.targets.is_empty());
    assert!(example.indicators().any(|i| i.requirement.is_some()));
}
