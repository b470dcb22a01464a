// Quire admin: enhancements over forms that work without JavaScript. Nothing here is needed to
// write, preview, publish, upload or restore; it makes those quicker.
// - Ctrl/Cmd+S saves the editor.
// - The date field is read in the browser's time zone (its offset goes with the form).
// - Live preview, rendered by the site's own pipeline (POST /admin/api/preview).
// - Drafts autosave through the log 2 s after typing stops (PUT /admin/api/...).
// - Edits of a published entry never go live by themselves: they are kept in this browser until
//   saved, and offered back after a crash or a closed tab.
// - Paste or drop a file into the text: it is uploaded and its markdown inserted.

const editor = document.querySelector("form.editor");
if (editor) enhance(editor);

function enhance(form) {
  const body = form.querySelector("#body");
  const etag = form.querySelector('input[name="etag"]');
  const kind = form.dataset.kind;
  const slug = form.dataset.slug;
  const draft = form.querySelector("#draft");
  const status = document.createElement("p");
  status.className = "hint autosave";
  status.setAttribute("role", "status");
  form.querySelector(".actions").append(status);

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      form.querySelector('button[value="save"]')?.click();
    }
  });

  const date = form.querySelector("#date");
  const offset = form.querySelector('input[name="tz_offset"]');
  date?.addEventListener("change", () => {
    const picked = date.value ? new Date(date.value) : new Date();
    offset.value = String(-picked.getTimezoneOffset());
  });

  // Live preview.
  let preview = document.querySelector(".preview .content");
  if (!preview) {
    const section = document.createElement("section");
    section.className = "preview";
    section.setAttribute("aria-label", "Live preview");
    preview = document.createElement("article");
    preview.className = "content";
    section.append(preview);
    form.after(section);
  }
  const renderPreview = debounce(async () => {
    const response = await fetch("/admin/api/preview", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: form.querySelector("#title").value, body: body.value }),
    });
    if (response.ok) preview.innerHTML = (await response.json()).html;
  }, 400);

  // Unsaved edits: kept in this browser until saved.
  const key = `quire:unsaved:${kind}/${slug || "new"}`;
  const kept = localStorage.getItem(key);
  if (kept) offerBack(JSON.parse(kept));
  form.addEventListener("submit", () => localStorage.removeItem(key));

  function offerBack(saved) {
    if (saved.body === body.value) return localStorage.removeItem(key);
    const note = document.createElement("p");
    note.className = "notice";
    note.setAttribute("role", "status");
    note.textContent = `Unsaved text from ${new Date(saved.at).toLocaleString()} was kept in this browser. `;
    const restore = button("Bring it back", () => { body.value = saved.body; note.remove(); renderPreview(); });
    const discard = button("Discard it", () => { localStorage.removeItem(key); note.remove(); });
    note.append(restore, " ", discard);
    form.before(note);
  }

  // Autosave: drafts only, through the API, with the ETag the editor holds.
  const autosave = debounce(async () => {
    if (!slug || !draft?.checked) return;
    status.textContent = "Saving…";
    const tags = form.querySelector("#tags").value.split(",").map((t) => t.trim()).filter(Boolean);
    const response = await fetch(`/admin/api/${kind}/${slug}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "If-Match": etag.value },
      body: JSON.stringify({
        title: form.querySelector("#title").value, body: body.value, tags, draft: true,
        slug, description: form.querySelector("#description").value || null,
      }),
    });
    if (response.ok) {
      etag.value = response.headers.get("ETag");
      localStorage.removeItem(key);
      status.textContent = `Draft saved at ${new Date().toLocaleTimeString()}.`;
    } else if (response.status === 412) {
      status.textContent = "Not saved: this draft changed elsewhere. Your text is kept here; reload to see the other version.";
    } else {
      status.textContent = "Not saved: the server refused it. Your text is kept in this browser.";
    }
  }, 2000);

  form.addEventListener("input", () => {
    localStorage.setItem(key, JSON.stringify({ body: body.value, at: Date.now() }));
    renderPreview();
    autosave();
  });

  // Paste or drop a file: upload it and insert its markdown at the cursor.
  body.addEventListener("paste", (event) => upload(event, event.clipboardData?.files));
  body.addEventListener("drop", (event) => upload(event, event.dataTransfer?.files));
  async function upload(event, files) {
    if (!files || files.length === 0) return;
    event.preventDefault();
    for (const file of files) {
      const data = new FormData();
      data.append("file", file);
      status.textContent = `Uploading ${file.name}…`;
      const response = await fetch("/admin/api/media", { method: "POST", body: data });
      if (!response.ok) { status.textContent = `${file.name} was refused.`; continue; }
      const media = await response.json();
      const text = `![${file.name.replace(/[\[\]]/g, "")}](${media.url})`;
      const at = body.selectionStart;
      body.setRangeText(text, at, body.selectionEnd, "end");
      status.textContent = `${file.name} uploaded.`;
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}
