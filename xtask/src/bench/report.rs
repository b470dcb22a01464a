//! The benchmark's figures: per-row statistics, the printed table and the JSON report.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::Options;

/// Median, min, max of samples.
#[derive(Debug, Clone)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub samples: Vec<f64>,
}

impl Stats {
    pub fn of(mut samples: Vec<f64>) -> Option<Stats> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_by(|a, b| a.total_cmp(b));
        let n = samples.len();
        let median = if n % 2 == 1 {
            samples[n / 2]
        } else {
            (samples[n / 2 - 1] + samples[n / 2]) / 2.0
        };
        Some(Stats {
            median,
            min: samples[0],
            max: samples[n - 1],
            samples,
        })
    }
    pub(super) fn json(&self) -> Value {
        json!({"median": self.median, "min": self.min, "max": self.max, "samples": self.samples})
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub unit: &'static str,
    pub quire: Option<Stats>,
    pub peer: Option<(String, Stats)>,
    /// Quire divided by the peer (medians).
    pub ratio: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
    pub note: String,
}

impl Row {
    pub(super) fn new(id: &str, name: &str, unit: &'static str, target: &str) -> Row {
        Row {
            id: id.to_owned(),
            name: name.to_owned(),
            unit,
            quire: None,
            peer: None,
            ratio: None,
            target: target.to_owned(),
            met: None,
            note: String::new(),
        }
    }
}

pub struct Report {
    pub rows: Vec<Row>,
    pub json: Value,
}

pub(super) fn machine() -> Value {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    json!({"cores": cores, "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0, "cpu": cpu})
}

pub(super) fn report_json(options: &Options, rows: &[Row], bin: &Path) -> Value {
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    json!({
        "date": date,
        "mode": options.mode,
        "posts": options.posts,
        "runs": options.runs,
        "machine": machine(),
        "quire_binary": bin.display().to_string(),
        "rows": rows.iter().map(|r| json!({
            "id": r.id,
            "name": r.name,
            "unit": r.unit,
            "quire": r.quire.as_ref().map(Stats::json),
            "peer": r.peer.as_ref().map(|(name, s)| json!({"name": name, "stats": s.json()})),
            "ratio": r.ratio,
            "target": r.target,
            "met": r.met,
            "note": r.note,
        })).collect::<Vec<_>>(),
    })
}

pub(super) fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        "-".to_owned()
    } else if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The report as a markdown table (also what README's Performance section shows).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| # | measurement | Quire median [min–max] | peer median | ratio | target | met |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let quire = r
            .quire
            .as_ref()
            .map(|s| {
                if s.samples.len() > 1 {
                    format!(
                        "{} {} [{}–{}]",
                        fmt_num(s.median),
                        r.unit,
                        fmt_num(s.min),
                        fmt_num(s.max)
                    )
                } else {
                    format!("{} {}", fmt_num(s.median), r.unit)
                }
            })
            .unwrap_or_else(|| "-".to_owned());
        let peer = r
            .peer
            .as_ref()
            .map(|(n, s)| format!("{n}: {} {}", fmt_num(s.median), r.unit))
            .unwrap_or_else(|| "-".to_owned());
        let ratio = r
            .ratio
            .map(|x| format!("{x:.2}×"))
            .unwrap_or_else(|| "-".to_owned());
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        let note = if r.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.note)
        };
        out.push_str(&format!(
            "| {} | {}{note} | {quire} | {peer} | {ratio} | {} | {met} |\n",
            r.id, r.name, r.target
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::procs::parse_wrk_duration;

    #[test]
    pub(super) fn wrk_durations() {
        assert_eq!(parse_wrk_duration("850.00us"), Some(0.85));
        assert_eq!(parse_wrk_duration("1.50ms"), Some(1.5));
        assert_eq!(parse_wrk_duration("2.00s"), Some(2000.0));
    }

    #[test]
    pub(super) fn medians() {
        let s = Stats::of(vec![3.0, 1.0, 2.0, 10.0, 4.0]).map(|s| (s.median, s.min, s.max));
        assert_eq!(s, Some((3.0, 1.0, 10.0)));
    }
}
