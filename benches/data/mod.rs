//! Benchmark data at national scale: county-level units with GB/T 2260-shaped codes and
//! invented names, and a submission for every unit × 2014 indicator with realistic figures,
//! evidence and remarks. Deterministic: the same seed gives the same files.

use kaohe::catalog::Catalog;
use kaohe::model::{Comparator, IndicatorKind};
use std::fmt::Write as _;

/// A small deterministic generator (xorshift64*): no dependency, same data every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Province-level prefixes of GB/T 2260.
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];

const FIRST: &[char] = &[
    '安', '宝', '昌', '长', '城', '大', '德', '东', '丰', '福', '富', '高', '广', '海', '和', '河',
    '横', '衡', '洪', '华', '怀', '黄', '吉', '嘉', '建', '江', '金', '晋', '靖', '九', '开', '兰',
    '乐', '临', '龙', '隆', '庐', '罗', '洛', '梅', '美', '密', '南', '宁', '平', '普', '齐', '青',
    '清', '庆', '泉', '仁', '荣', '瑞', '三', '山', '上', '韶', '邵', '石', '寿', '双', '顺', '泰',
    '天', '通', '桐', '望', '威', '文', '武', '西', '仙', '祥', '新', '信', '兴', '阳', '永', '玉',
];
const SECOND: &[char] = &[
    '安', '城', '川', '春', '丰', '阜', '海', '和', '湖', '化', '江', '津', '康', '乐', '林', '陵',
    '宁', '平', '坪', '桥', '山', '水', '顺', '台', '泰', '田', '溪', '县', '阳', '源', '州', '庄',
];
const SUFFIX: &[char] = &['县', '区', '市', '县', '县', '区'];

/// `n` county-level units as `code,name` CSV, codes unique and six digits, names unique.
pub fn counties_csv(n: usize, rng: &mut Rng) -> String {
    let mut out = String::from("code,name\n");
    let mut names = std::collections::HashSet::new();
    let per_province = n.div_ceil(PROVINCES.len());
    let mut made = 0;
    'outer: for p in PROVINCES {
        for k in 0..per_province {
            if made == n {
                break 'outer;
            }
            let city = 1 + k / 30;
            let county = 1 + k % 30;
            let code = format!("{p}{city:02}{county:02}");
            let name = loop {
                let mut name = String::new();
                name.push(*rng.pick(FIRST));
                name.push(*rng.pick(SECOND));
                if rng.chance(15) {
                    name.push(*rng.pick(SECOND));
                }
                name.push(*rng.pick(SUFFIX));
                if names.insert(name.clone()) {
                    break name;
                }
            };
            let _ = writeln!(out, "{code},{name}");
            made += 1;
        }
    }
    out
}

const EVIDENCE: &[&str] = &[
    "工作台账.xlsx",
    "情况说明.docx",
    "会议纪要.pdf",
    "验收文件.pdf",
    "统计年报.xlsx",
    "活动照片.zip",
    "文件汇编.pdf",
];
const REMARKS: &[&str] = &[
    "",
    "",
    "",
    "数据截至2014年12月31日",
    "以民政统计年报为准",
    "附件另行报送",
    "分子为已完成数,分母为应完成数",
    "已报市局备案",
];
const WORDS: &[&str] = &[
    "举办培训班{n}期,培训{m}人次",
    "开展专项检查{n}次,整改问题{m}个",
    "建立工作台账,覆盖{m}户",
    "召开专题会议{n}次",
    "已完成年度任务,共{m}件",
];

/// A submission for every unit × indicator of `catalog`, as an import CSV.
pub fn submissions_csv(catalog: &Catalog, counties_csv: &str, rng: &mut Rng) -> String {
    let mut out = String::from("county,indicator,value,numerator,denominator,evidence,remark\n");
    for line in counties_csv.lines().skip(1) {
        let Some((code, name)) = line.split_once(',') else {
            continue;
        };
        for ind in catalog.indicators() {
            let evidence = format!("{name}2014年{}{}", ind.short, rng.pick(EVIDENCE));
            let remark = *rng.pick(REMARKS);
            let (value, num, den) = match (&ind.kind, &ind.requirement) {
                (IndicatorKind::Numeric, Some(r)) if r.unit == "%" => {
                    let den = 20 + rng.below(2000);
                    // Most meet the threshold, some fall short.
                    let target = match r.comparator {
                        Comparator::AtLeast => r.threshold + rng.below(30) as f64 - 6.0,
                        Comparator::AtMost => (r.threshold - rng.below(4) as f64 + 1.0).max(0.0),
                    };
                    let num = ((target.clamp(0.0, 100.0) / 100.0) * den as f64).round() as u64;
                    let pct = num as f64 * 100.0 / den as f64;
                    (format!("{pct:.1}%"), num.to_string(), den.to_string())
                }
                (IndicatorKind::Numeric, Some(r)) => {
                    let v = (r.threshold * (0.8 + rng.below(60) as f64 / 100.0)).round();
                    (format!("{v}{}", r.unit), String::new(), String::new())
                }
                (IndicatorKind::YesNo, _) => (
                    rng.pick(&["是", "是", "是", "已完成", "否"]).to_string(),
                    String::new(),
                    String::new(),
                ),
                _ => {
                    let w = rng
                        .pick(WORDS)
                        .replace("{n}", &(1 + rng.below(12)).to_string())
                        .replace("{m}", &(10 + rng.below(5000)).to_string());
                    (format!("\"{w}\""), String::new(), String::new())
                }
            };
            let remark = if remark.contains(',') {
                format!("\"{remark}\"")
            } else {
                remark.to_string()
            };
            let _ = writeln!(
                out,
                "{code},{},{value},{num},{den},{evidence},{remark}",
                ind.id
            );
        }
    }
    out
}
