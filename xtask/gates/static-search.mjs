// Search in a static export, in Debian's Chromium: the export is served as plain files (no
// Quire), the search page loads the shipped index and shows ranked, marked results.
// Prints one JSON report; exits 1 on failure.
//
// node static-search.mjs EXPORT_DIR QUERY EXPECTED_TITLE
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";

const [root, query, expected] = process.argv.slice(2);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };
let fetched = 0;
const server = createServer(async (req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  if (path.endsWith("/")) path += "index.html";
  try {
    const body = await readFile(join(root, path));
    if (path.startsWith("/search/index/")) fetched += body.length;
    res.writeHead(200, { "Content-Type": types[extname(path)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const report = { failures: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForSelector(".search-hit", { timeout: 10000 });
  const titles = await page.locator(".search-hit h2").allTextContents();
  report.results = titles.length;
  report.index_bytes = fetched;
  if (!titles.some((t) => t.includes(expected))) report.failures.push(`"${expected}" is not among ${JSON.stringify(titles)}`);
  if ((await page.locator(".search-hit mark").count()) === 0) report.failures.push("no word is marked");
  // Typing narrows it, without a request to any server but the static one.
  await page.fill("#search-q", "zzzzqqq");
  await page.waitForSelector("text=No results", { timeout: 5000 });
} catch (error) {
  report.failures.push(error.message.split("\n")[0]);
}
await browser.close();
server.close();
console.log(JSON.stringify(report));
process.exit(report.failures.length ? 1 : 0);
