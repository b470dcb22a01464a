//! A deterministic corpus of realistic posts, written both as a Quire site and as a Hugo site
//! with equivalent minimal templates.

use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: tiny, fast, and the same sequence everywhere, so corpora are reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "this",
    "are",
    "or",
    "from",
    "at",
    "which",
    "an",
    "but",
    "have",
    "one",
    "all",
    "when",
    "there",
    "can",
    "more",
    "system",
    "server",
    "memory",
    "cache",
    "request",
    "page",
    "render",
    "build",
    "static",
    "content",
    "markdown",
    "template",
    "feed",
    "archive",
    "latency",
    "throughput",
    "durable",
    "write",
    "read",
    "index",
    "query",
    "schema",
    "deploy",
    "binary",
    "config",
    "theme",
    "editor",
    "draft",
    "publish",
    "schedule",
    "reader",
    "writer",
    "log",
    "event",
    "snapshot",
    "version",
    "history",
    "revision",
    "backup",
    "restore",
    "network",
    "socket",
    "thread",
    "process",
    "kernel",
    "disk",
    "flush",
    "commit",
    "transaction",
    "journal",
    "replica",
    "shard",
    "cluster",
    "garden",
    "river",
    "mountain",
    "coffee",
    "morning",
    "winter",
    "summer",
    "journey",
    "library",
    "notebook",
    "pencil",
    "window",
    "kitchen",
    "bicycle",
    "harbor",
    "lantern",
    "meadow",
    "orchard",
    "village",
    "station",
    "quietly",
    "quickly",
    "carefully",
    "simply",
    "often",
    "rarely",
    "always",
    "never",
    "perhaps",
    "indeed",
    "small",
    "large",
    "fast",
    "slow",
    "bright",
    "dark",
    "simple",
    "complex",
    "early",
    "late",
    "new",
    "old",
    "build",
    "measure",
    "compare",
    "improve",
    "explain",
    "notice",
    "remember",
    "forget",
    "choose",
    "change",
];

const CODE: &[(&str, &str)] = &[
    (
        "rust",
        "fn fib(n: u64) -> u64 {\n    match n {\n        0 | 1 => n,\n        _ => fib(n - 1) + fib(n - 2),\n    }\n}\n",
    ),
    (
        "python",
        "def chunks(items, size):\n    for i in range(0, len(items), size):\n        yield items[i:i + size]\n",
    ),
    (
        "javascript",
        "const total = orders\n  .filter((o) => o.paid)\n  .reduce((sum, o) => sum + o.amount, 0);\n",
    ),
    (
        "go",
        "func handler(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"hello %s\", r.URL.Path)\n}\n",
    ),
    (
        "bash",
        "for f in content/posts/*.md; do\n  wc -w \"$f\"\ndone | sort -n | tail -5\n",
    ),
    (
        "sql",
        "SELECT tag, COUNT(*) AS n\nFROM post_tags\nGROUP BY tag\nORDER BY n DESC\nLIMIT 10;\n",
    ),
];

pub const TAG_COUNT: usize = 50;

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                s.extend(first.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, words: &mut usize) -> String {
    let mut p = String::new();
    for _ in 0..(3 + rng.below(3)) {
        let n = 8 + rng.below(12);
        *words += n;
        if !p.is_empty() {
            p.push(' ');
        }
        p.push_str(&sentence(rng, n));
    }
    p
}

/// The slug of post `i`.
pub fn slug(i: usize) -> String {
    format!("post-{i:05}")
}

/// One post: front matter (TOML, readable by both Quire and Hugo) and 600-1,200 words of
/// markdown with headings, lists, links, code, a table, a quote, an image and a footnote.
pub fn post(i: usize, total: usize) -> String {
    let mut rng = Rng::new(0x5EED_0000 + i as u64);
    let target = 600 + rng.below(601);
    let n = 3 + rng.below(5);
    let title = sentence(&mut rng, n);
    let title = title.trim_end_matches('.');
    // Spread over ten years, oldest first, one post per step.
    let step = (10 * 365 * 86_400) / total.max(1) as i64;
    let secs = 1_420_070_400 + i as i64 * step.max(1);
    let date = format_date(secs);
    let mut tags: Vec<String> = Vec::new();
    while tags.len() < 1 + rng.below(3) {
        let t = format!("topic-{:02}", rng.below(TAG_COUNT));
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        "+++\ntitle = \"{title}\"\ndate = {date}\ntags = [{}]\n+++\n\n",
        tags.iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut words = 0;
    out.push_str(&paragraph(&mut rng, &mut words));
    out.push_str("\n\n<!-- more -->\n\n");
    let mut section = 0;
    while words < target {
        section += 1;
        let n = 2 + rng.below(4);
        let _ = write!(
            out,
            "## {}\n\n",
            sentence(&mut rng, n).trim_end_matches('.')
        );
        out.push_str(&paragraph(&mut rng, &mut words));
        out.push_str(&format!(
            " See [the {} notes](https://example.com/{}) and the `{}` setting.\n\n",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS)
        ));
        match section % 5 {
            1 => {
                for _ in 0..(3 + rng.below(3)) {
                    let n = 4 + rng.below(6);
                    out.push_str(&format!("- {}\n", sentence(&mut rng, n)));
                    words += 6;
                }
                out.push('\n');
            }
            2 => {
                let (lang, code) = rng.pick(CODE);
                out.push_str(&format!("```{lang}\n{code}```\n\n"));
            }
            3 => {
                out.push_str("| Setting | Value | Notes |\n|---|---:|---|\n");
                for _ in 0..4 {
                    out.push_str(&format!(
                        "| `{}` | {} | {} |\n",
                        rng.pick(WORDS),
                        rng.below(1000),
                        rng.pick(WORDS)
                    ));
                }
                out.push('\n');
                words += 12;
            }
            4 => {
                out.push_str(&format!("> {}\n\n", sentence(&mut rng, 12)));
                out.push_str(&format!(
                    "![A {} photo](/images/photo-{}.jpg)\n\n",
                    rng.pick(WORDS),
                    rng.below(100)
                ));
                words += 14;
            }
            _ => {
                out.push_str(&format!(
                    "{}[^{section}]\n\n[^{section}]: {}\n\n",
                    sentence(&mut rng, 10),
                    sentence(&mut rng, 8)
                ));
                words += 18;
            }
        }
        out.push_str(&paragraph(&mut rng, &mut words));
        out.push_str("\n\n");
    }
    out
}

/// Unix seconds -> `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn format_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Writes `<dir>/quire/` (a Quire site) and `<dir>/hugo/` (the same posts for Hugo).
pub fn write(dir: &Path, posts: usize, base_url: &str) -> std::io::Result<()> {
    let quire = dir.join("quire");
    let hugo = dir.join("hugo");
    std::fs::create_dir_all(quire.join("content/posts"))?;
    std::fs::create_dir_all(hugo.join("content/posts"))?;
    std::fs::write(
        quire.join("quire.toml"),
        format!("title = \"Bench\"\nbase_url = \"{base_url}\"\nposts_per_page = 10\n"),
    )?;
    for i in 0..posts {
        let text = post(i, posts);
        let name = format!("{}.md", slug(i));
        std::fs::write(quire.join("content/posts").join(&name), &text)?;
        std::fs::write(hugo.join("content/posts").join(&name), &text)?;
    }
    write_hugo_site(&hugo)
}

/// Hugo templates equivalent to Quire's default theme's work: a base layout, post pages, home
/// and tag lists paginated by 10, the tag index, and the built-in RSS and sitemap.
fn write_hugo_site(hugo: &Path) -> std::io::Result<()> {
    std::fs::write(
        hugo.join("hugo.toml"),
        "baseURL = \"http://127.0.0.1/\"\ntitle = \"Bench\"\npaginate = 10\ndisableKinds = [\"section\"]\n\
         [taxonomies]\ntag = \"tags\"\n[markup.highlight]\nnoClasses = false\n",
    )?;
    let layouts = hugo.join("layouts/_default");
    std::fs::create_dir_all(&layouts)?;
    std::fs::write(
        layouts.join("baseof.html"),
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} · {{ .Site.Title }}</title>\
         <link rel=\"canonical\" href=\"{{ .Permalink }}\"><link rel=\"stylesheet\" href=\"/style.css\"></head>\
         <body><header><a href=\"/\">{{ .Site.Title }}</a> <a href=\"/tags/\">Tags</a></header>\
         <main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    )?;
    std::fs::write(
        layouts.join("single.html"),
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format \"January 2, 2006\" }} · {{ .ReadingTime }} min read\
         {{ range .Params.tags }} <a href=\"/tags/{{ . | urlize }}/\">#{{ . }}</a>{{ end }}</p>{{ .TableOfContents }}\
         {{ .Content }}</article>{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}\
         {{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ end }}\n",
    )?;
    let list = "{{ define \"main\" }}<ol>{{ range (.Paginate (where .Site.RegularPages \"Section\" \"posts\")).Pages }}\
         <li><h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2><p>{{ .Date.Format \"January 2, 2006\" }}</p>{{ .Summary }}</li>{{ end }}</ol>\
         {{ template \"_internal/pagination.html\" . }}{{ end }}\n";
    std::fs::write(layouts.join("index.html"), list)?;
    std::fs::write(
        layouts.join("taxonomy.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ol>{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ol>\
         {{ template \"_internal/pagination.html\" . }}{{ end }}\n",
    )?;
    std::fs::write(
        layouts.join("terms.html"),
        "{{ define \"main\" }}<ul>{{ range .Data.Terms.ByCount }}<li><a href=\"{{ .Page.RelPermalink }}\">#{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
    )?;
    std::fs::write(layouts.join("list.html"), list)?;
    std::fs::create_dir_all(hugo.join("static"))?;
    std::fs::write(
        hugo.join("static/style.css"),
        "body{font-family:system-ui;max-width:42rem;margin:auto}\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_deterministic_and_realistic() {
        let a = post(7, 100);
        assert_eq!(a, post(7, 100));
        let words = a.split_whitespace().count();
        assert!((550..1700).contains(&words), "{words} words");
        for needle in [
            "## ",
            "```",
            "| Setting |",
            "> ",
            "![",
            "[^",
            "<!-- more -->",
        ] {
            assert!(
                (0..20).any(|i| post(i, 100).contains(needle)),
                "the corpus never has {needle:?}"
            );
        }
    }

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_date(1_420_070_400), "2015-01-01T00:00:00Z");
        assert_eq!(format_date(951_782_400), "2000-02-29T00:00:00Z");
    }
}
