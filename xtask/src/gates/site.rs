//! The site every gate checks: unicode and right-to-left text, code in several languages,
//! tables, footnotes, task lists, a bundle with images, YAML and TOML front matter, hostile
//! characters in titles, and enough posts for a second list page.

use std::path::Path;

/// A valid 2×2 PNG (one red, three white pixels), so image checks see a real image.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0xff, 0xff, 0x7f, 0x10, 0x06, 0x02, 0x00, 0x3c, 0xd1, 0x09, 0xf7, 0x33, 0xd2, 0xd8, 0x5d, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\" viewBox=\"0 0 120 40\"><title>A diagram</title><rect width=\"120\" height=\"40\" fill=\"#0b57d0\"/><text x=\"10\" y=\"26\" fill=\"#fff\">diagram</text></svg>\n";

const CONFIG: &str = r#"title = "Gates · Prüfstand · بوابات"
description = "The site Quire's page checkers run on: every feature, in several scripts."
author = "Quire CI"
# Fixed, so the served pages and the export are the same bytes (checked).
base_url = "https://gates.example.org"
language = "en"
posts_per_page = 3
timezone = "Europe/Berlin"

[extra]
nav = [{ name = "About", url = "/about/" }, { name = "Archive", url = "/archive/" }]
"#;

const CODE_POST: &str = r#"+++
title = "Code in several languages, with <tags> & \"quotes\""
slug = "code"
date = 2026-03-02T10:30:00+01:00
tags = ["code", "C++", "C#", "rust"]
description = "Highlighted code in Rust, Python, JavaScript, shell, HTML, C++ and C#, with a table and footnotes."
+++
Quire highlights code when it builds the page, so readers get colours without any script.
This post has code in several languages, a table wider than a phone, footnotes[^one] and a
task list. It is long enough to earn a table of contents.[^two]

## Rust

```rust
/// Adds two numbers.
pub fn add(left: u64, right: u64) -> u64 {
    let total = left + right; // no overflow check here
    println!("{left} + {right} = {total}");
    total
}
```

## Python

```python
def greet(name: str) -> str:
    """Say hello."""
    return f"Hello, {name}!"  # an f-string

print(greet("world"))
```

## JavaScript

```javascript
const items = [1, 2, 3].map((n) => n * 2);
console.log(`doubled: ${items.join(", ")}`);
```

## Shell

```bash
for file in content/**/*.md; do
  echo "checking $file"
done
```

## HTML

```html
<p class="note">A <em>small</em> paragraph &amp; an entity.</p>
```

## C++ and C#

```cpp
#include <iostream>
int main() { std::cout << "hi\n"; return 0; }
```

```csharp
public static class Program { public static void Main() => System.Console.WriteLine("hi"); }
```

## A wide table

| Language | Extension | Typing | Memory | Concurrency | Package manager | First released |
|---|---|---|---|---|---|---|
| Rust | `.rs` | static, strong | ownership | threads, async | cargo | 2015 |
| Python | `.py` | dynamic, strong | garbage collected | threads, asyncio | pip | 1991 |
| JavaScript | `.js` | dynamic, weak | garbage collected | event loop | npm | 1995 |

## Tasks

- [x] Highlight at build time
- [x] Keep every colour readable
- [ ] Write more languages

## Why build time

Highlighting when the page is built means the reader's browser does no work: no script is
downloaded, parsed or run, and the page looks right even with scripts turned off. The colours
come from a stylesheet with a light and a dark palette, each checked for contrast.

Every word of this paragraph is here to make the post long enough for a table of contents,
which Quire shows on long posts only, so that short posts stay uncluttered while long ones
get a map. Readers who use a keyboard can reach every scrolling code block and table, and
screen readers hear each heading once, without the anchor link's text.

## What the checkers look at

The Nu HTML Checker reads every page the export writes, and reports errors and warnings alike.
axe-core opens each kind of page in a real browser, in the light and the dark colour scheme,
at a desktop width and at a phone's, and reports any rule of the accessibility guidelines the
page breaks: contrast, names for controls, headings, landmarks, keyboard access. Lighthouse
scores the home page and this post for performance, accessibility, best practices and search
engines. The feeds are checked against their schemas, and every link inside them must be
absolute, because a feed reader resolves a relative one against the feed's own address.

## Why one binary

A site that is one file to copy is a site that keeps working: there is no database server to
upgrade, no reverse proxy to configure, no build pipeline that breaks when a dependency moves.
The pages are rendered when they change, not when they are read, so a visit costs the server
almost nothing, and the export for a content delivery network is the very same bytes. This
paragraph, like the ones above it, makes the post long enough that its table of contents
appears, so that the checkers see that part of the theme as well as the rest of it.

## What a table of contents is for

A long post is read in more than one sitting, and often not from the top: a reader comes back
for the one section they need, or arrives from a search with a question the third heading
answers. A table of contents at the top of the post lets them see the shape of the whole and go
straight to the part they want. It costs nothing to render, because the headings are already
known when the post is compiled, and it needs no script: a plain list of links to the headings'
ids, inside a disclosure element that a reader can fold away. Short posts do without one, since
a list of two headings tells a reader nothing that a glance at the page would not.

Each heading keeps a small anchor link beside it, so that a reader can copy the address of one
section and send it to someone else. The anchor is hidden from screen readers, which already
announce the heading itself, and it stays out of the tab order, so keyboard users move from one
real link to the next without stopping at each heading's symbol.

[^one]: Footnotes are numbered in the order they are referenced, with a way back.
[^two]: Like this one.
"#;

const RTL_POST: &str = r#"---
title: "مرحبا بالعالم — Hello in Arabic & Hebrew: שלום"
slug: hello-rtl
date: 2026-03-01 09:00
tags: ["عربي", "unicode", "עברית"]
---
هذه فقرة باللغة العربية تُكتب من اليمين إلى اليسار، وفيها كلمة English في وسطها.

זוהי פסקה בעברית, עם מספר 2026 ועם <code>קוד</code> בתוכה.

Unicode everywhere: Ünïcödé, 日本語のテキスト, emoji ✨, and math ∑ x² ≤ ∞.
"#;

const BUNDLE_POST: &str = r#"+++
title = "A trip, with pictures"
date = 2026-02-20
tags = ["travel", "unicode"]
image = "tram.png"
image_alt = "A red tram"
+++
The tram and a diagram sit beside this file, and show on list pages too:
![A red tram on a white street](tram.png)

<!--more-->

![A small diagram](diagram.svg)

The rest of the trip, after the summary break.
"#;

const PAGE: &str = r#"---
title: About these gates
---
This page is a **page**, not a post: it has no date and no tags. It links to
[the archive](/archive/) and [the tags](/tags/).
"#;

/// Writes the gate site into `root` (which must be empty or absent).
pub fn write(root: &Path) -> Result<(), String> {
    let files: Vec<(&str, &[u8])> = vec![
        ("quire.toml", CONFIG.as_bytes()),
        ("content/about.md", PAGE.as_bytes()),
        ("content/posts/code.md", CODE_POST.as_bytes()),
        ("content/posts/rtl.md", RTL_POST.as_bytes()),
        ("content/posts/trip/index.md", BUNDLE_POST.as_bytes()),
        ("content/posts/trip/tram.png", PNG),
        ("content/posts/trip/diagram.svg", SVG.as_bytes()),
    ];
    for (rel, bytes) in files {
        write_file(root, rel, bytes)?;
    }
    for n in 1..=4 {
        let text = format!(
            "+++\ntitle = \"Short note {n}: 'quotes', <angles> & ampersands\"\ndate = 2026-01-{n:02}\ntags = [\"notes\"]\n+++\nA short note, number {n}, to fill a second page of the list.\n"
        );
        write_file(root, &format!("content/posts/note-{n}.md"), text.as_bytes())?;
    }
    Ok(())
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
