// Search as you type. On the server, the form works without this: the script only fetches the
// results part of the page (`fragment=1`) while the reader types. In a static export the form
// names the index shipped with the site (`data-index`), and the search runs here, loading only
// the few index files a query needs.
const form = document.querySelector(".search-form");
const shown = () => document.getElementById("search-results");
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The index: meta, then term shards (by the first two letters) and document shards, on demand.
const dir = form?.dataset.index;
const cache = new Map();
const load = (name) => {
  if (!cache.has(name)) cache.set(name, fetch(dir + name).then((r) => (r.ok ? r.json() : {})).catch(() => ({})));
  return cache.get(name);
};
const hex = (s) => [...new TextEncoder().encode([...s].slice(0, 2).join(""))].map((b) => b.toString(16).padStart(2, "0")).join("");
const cjk = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/u;
const words = (q) =>
  [...q.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").matchAll(/[\p{L}\p{N}]+/gu)].flatMap(([w]) => {
    if (!cjk.test(w)) return [w];
    const c = [...w];
    return c.length === 1 ? c : c.slice(1).map((x, i) => c[i] + x);
  });
// Posting lists are [df, id, weight, gap, weight, ...].
const postings = (list) => {
  const out = new Map();
  for (let i = 1, id = 0; i + 1 < list.length; i += 2) out.set((id += list[i]), list[i + 1]);
  return out;
};

async function staticSearch(params) {
  const meta = await load("meta.json");
  const groups = words(params.get("q") || "");
  const filters = [];
  if (params.get("tag")) filters.push(`#tag:${params.get("tag")}`);
  if (params.get("year")) filters.push(`#year:${params.get("year")}`);
  let found = null;
  for (const [n, w] of groups.entries()) {
    const shard = await load(`t-${hex(w)}.json`);
    const scores = new Map();
    for (const [term, list] of Object.entries(shard)) {
      // The index holds stems: a term the word starts with counts, and while typing the last
      // word, a term that starts with it.
      const stem = w.startsWith(term) && term.length >= Math.max(3, w.length - 3);
      const typing = n === groups.length - 1 && term.startsWith(w);
      if (term !== w && !stem && !typing) continue;
      const idf = Math.log(1 + (meta.docs - list[0] + 0.5) / (list[0] + 0.5));
      for (const [id, weight] of postings(list)) scores.set(id, Math.max(scores.get(id) || 0, (idf * weight) / 100));
    }
    found = found ? new Map([...found].filter(([id]) => scores.has(id)).map(([id, s]) => [id, s + scores.get(id)])) : scores;
  }
  for (const f of filters) {
    const allowed = postings((await load(`t-${hex(f)}.json`))[f] || [0]);
    found = new Map([...(found || [])].filter(([id]) => allowed.has(id)));
  }
  const ranked = [...(found || [])].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const hits = ranked.slice((page - 1) * 10, page * 10);
  const docs = await Promise.all(hits.map(([id]) => load(`d-${Math.floor(id / meta.docs_per_shard)}.json`).then((d) => d[id % meta.docs_per_shard])));
  const mark = (text) => groups.reduce((t, w) => t.replace(new RegExp(`(${w.replace(/[^\p{L}\p{N}]/gu, "")}[\\p{L}\\p{N}]*)`, "giu"), "<mark>$1</mark>"), esc(text));
  const count = ranked.length === 1 ? "1 result" : `${ranked.length || "No"} results`;
  return `<div class="search-results" id="search-results"><p class="search-count" role="status">${count} for “${esc(params.get("q") || "")}”</p>` +
    (docs.length ? `<ol class="search-list" start="${(page - 1) * 10 + 1}">` + docs.map((d) => d ? `<li class="search-hit"><h2><a href="${esc(d[0])}">${mark(d[1])}</a></h2>` +
      (d[2] ? `<p class="meta"><time datetime="${esc(d[2])}">${esc(d[3])}</time></p>` : "") + `<p class="search-snippet">${mark(d[4])}</p></li>` : "").join("") + "</ol>" : "") + "</div>";
}

if (form) {
  let timer;
  let pending;
  const run = async () => {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    const query = params.toString();
    history.replaceState(null, "", query ? `${form.action}?${query}` : form.action);
    let html;
    if (dir) {
      html = params.get("q") ? await staticSearch(params) : '<div class="search-results" id="search-results"></div>';
    } else {
      params.set("fragment", "1");
      pending?.abort();
      pending = new AbortController();
      html = await fetch(`${form.action}?${params}`, { signal: pending.signal })
        .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
        .catch(() => null);
    }
    if (html && shown()) shown().outerHTML = html;
  };
  form.addEventListener("input", (event) => {
    if (event.target.name !== "q") return;
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") run();
  });
  if (dir) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    // Arriving with ?q=… (a bookmark, the header's link): search at once.
    const q = new URLSearchParams(location.search).get("q");
    if (q) {
      form.elements.q.value = q;
      run();
    }
  }
}
