//! The dashboard's views chart: one bar per day, drawn by the server as SVG (no script, no
//! image, styled by the admin stylesheet so it follows the colour scheme).

use std::fmt::Write as _;

use crate::escape::escape;
use crate::http::admin::views::DayViews;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;

pub fn bars(days: &[DayViews]) -> String {
    let total: u64 = days.iter().map(|d| d.views).sum();
    let most = days.iter().map(|d| d.views).max().unwrap_or(0).max(1);
    let step = WIDTH / days.len().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {}" role="img" aria-labelledby="chart-title chart-desc"><title id="chart-title">Views per day, last {} days</title><desc id="chart-desc">{total} views in all; the busiest day had {}.</desc>"#,
        HEIGHT + 20.0,
        days.len(),
        days.iter().map(|d| d.views).max().unwrap_or(0)
    );
    for (i, day) in days.iter().enumerate() {
        let height =
            (day.views as f64 / most as f64 * HEIGHT).max(if day.views > 0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{height:.1}"><title>{}: {} views, {} visitors</title></rect>"#,
            i as f64 * step + 1.0,
            HEIGHT - height,
            (step - 2.0).max(1.0),
            escape(&day.day),
            day.views,
            day.uniques
        );
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            svg,
            r#"<text x="0" y="{y}">{}</text><text x="{WIDTH}" y="{y}" text-anchor="end">{}</text>"#,
            escape(&first.day),
            escape(&last.day),
            y = HEIGHT + 16.0
        );
    }
    svg.push_str("</svg>");
    svg
}
