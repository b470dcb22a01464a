"""Feed checks that need Python's standard tools: JSON Feed 1.1 against its schema (offline),
RSS parsed by feedparser without `bozo`, and every URL inside any feed's content absolute.

python3 feeds.py EXPORT_DIR VALIDATORS_DIR   (prints one JSON report; exits 1 on problems)
"""

import json
import pathlib
import sys
from html.parser import HTMLParser

import feedparser
import jsonschema
from referencing import Registry, Resource


class Urls(HTMLParser):
    """Collects href and src values."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("href", "src") and v is not None]


def urls_in(html):
    parser = Urls()
    parser.feed(html)
    return parser.urls


def main(export, validators):
    export, validators = pathlib.Path(export), pathlib.Path(validators)
    problems, checked = [], {"json_feed": 0, "rss": 0, "atom": 0, "urls": 0}

    feed_1 = json.loads((validators / "jsonfeed-1.schemastore.json").read_text())
    feed_11 = json.loads((validators / "jsonfeed-1.1.schemastore.json").read_text())
    registry = Registry().with_resource(
        "https://json.schemastore.org/feed-1", Resource.from_contents(feed_1)
    )
    validator_class = jsonschema.validators.validator_for(feed_11)
    validator = validator_class(feed_11, registry=registry)
    json_feed = json.loads((export / "feed.json").read_text())
    for error in validator.iter_errors(json_feed):
        problems.append(f"feed.json: {error.message} at {list(error.absolute_path)}")
    checked["json_feed"] += 1
    for item in json_feed.get("items", []):
        for url in urls_in(item.get("content_html", "")):
            checked["urls"] += 1
            if not url.startswith(("http://", "https://", "mailto:")):
                problems.append(f"feed.json {item.get('id')}: relative URL {url!r}")

    for path in sorted(export.rglob("*.xml")):
        if path.name not in ("rss.xml", "atom.xml"):
            continue
        parsed = feedparser.parse(path.read_bytes())
        kind = "rss" if path.name == "rss.xml" else "atom"
        checked[kind] += 1
        if parsed.bozo:
            problems.append(f"{path.relative_to(export)}: not well-formed: {parsed.bozo_exception}")
        for entry in parsed.entries:
            bodies = [c.get("value", "") for c in entry.get("content", [])]
            bodies.append(entry.get("summary", ""))
            for body in bodies:
                for url in urls_in(body):
                    checked["urls"] += 1
                    if not url.startswith(("http://", "https://", "mailto:")):
                        problems.append(f"{path.relative_to(export)} {entry.get('id')}: relative URL {url!r}")

    print(json.dumps({"checked": checked, "problems": problems}, indent=2))
    return 1 if problems or checked["rss"] == 0 or checked["atom"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
