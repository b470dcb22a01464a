// Search as you type. The form works without this: it only fetches the results part of the
// page (`fragment=1`) while the reader types, and keeps the address bar in step.
const form = document.querySelector(".search-form");
if (form) {
  let timer;
  let pending;
  const run = () => {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    const shown = params.toString();
    history.replaceState(null, "", shown ? `${form.action}?${shown}` : form.action);
    params.set("fragment", "1");
    pending?.abort();
    pending = new AbortController();
    fetch(`${form.action}?${params}`, { signal: pending.signal })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => {
        const old = document.getElementById("search-results");
        if (old) old.outerHTML = html;
      })
      .catch(() => {});
  };
  form.addEventListener("input", (event) => {
    if (event.target.name !== "q") return;
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") run();
  });
}
