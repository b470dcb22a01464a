// Comments without a page reload. The forms work without this script: it fetches a form
// token on first use, posts in the background, shows your comment at once (pending ones only
// to you), and lets you edit or delete it while the server allows.
let section = document.querySelector(".comments");
const MINE = "quire-comments";

const mine = () => {
  try {
    return JSON.parse(localStorage.getItem(MINE)) || {};
  } catch {
    return {};
  }
};
const remember = (all) => localStorage.setItem(MINE, JSON.stringify(all));
const commenter = () => {
  let key = localStorage.getItem("quire-commenter");
  if (!key) {
    key = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem("quire-commenter", key);
  }
  return key;
};
const field = (form, name) => {
  let input = form.elements[name];
  if (!input) {
    input = Object.assign(document.createElement("input"), { type: "hidden", name });
    form.append(input);
  }
  return input;
};
const say = (form, text) => {
  let note = form.querySelector(".comment-status");
  if (!note) {
    note = Object.assign(document.createElement("p"), { className: "comment-status" });
    note.setAttribute("role", "status");
    form.append(note);
  }
  note.textContent = text;
};
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

// Shows one of your comments with its controls; `pending` ones carry a note.
const show = (entry) => {
  if (document.getElementById(`comment-${entry.id}`)) return;
  const item = Object.assign(document.createElement("li"), { className: "comment comment-mine", id: `comment-${entry.id}` });
  item.innerHTML = entry.html;
  if (entry.status !== "approved") {
    item.querySelector(".comment-meta")?.append(" · awaiting approval (only you see this)");
  }
  const list = (entry.parent && document.querySelector(`#comment-${entry.parent} .comment-replies`)) || section.querySelector(".comment-list");
  list?.append(item);
  section.querySelector(".comments-empty")?.remove();
  if (new Date(entry.until) > new Date()) {
    const del = Object.assign(document.createElement("button"), { type: "button", textContent: "Delete my comment" });
    del.addEventListener("click", async () => {
      const body = new URLSearchParams({ key: entry.key, action: "delete" });
      const r = await fetch(`${entry.base}/${entry.id}/edit`, { method: "POST", headers: { Accept: "application/json" }, body });
      if (r.ok) {
        item.remove();
        const all = mine();
        delete all[entry.id];
        remember(all);
      }
    });
    item.append(del);
  }
};

const wire = (form) => {
  const post = form.elements.post?.value;
  let token;
  // The token is refused until `min_seconds` after it was issued: wait that out, if needed.
  const fetchToken = () =>
    (token ??= fetch(`${form.action}/token?post=${encodeURIComponent(post)}`)
      .then((r) => r.json())
      .then((j) => {
        field(form, "token").value = j.token;
        return Date.now() + j.min_seconds * 1000;
      }));
  form.addEventListener("focusin", fetchToken, { once: true });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(form, "Sending…");
    const ripe = await fetchToken();
    await sleep(Math.max(0, ripe - Date.now()) / 1000);
    field(form, "commenter").value = commenter();
    for (let tries = 0; tries < 3; tries++) {
      const r = await fetch(form.action, { method: "POST", headers: { Accept: "application/json" }, body: new URLSearchParams(new FormData(form)) });
      const reply = await r.json().catch(() => ({}));
      if (r.status === 400 && reply.error?.code === "token") {
        await sleep(reply.error.retry_after || 3);
        continue;
      }
      if (!r.ok) {
        const fields = Object.values(reply.error?.fields || {});
        return say(form, fields.length ? fields.join(" ") : reply.error?.message || "The comment could not be sent.");
      }
      const entry = { ...reply, post, parent: form.elements.parent?.value, base: form.action, until: reply.edit_until };
      const all = mine();
      all[entry.id] = entry;
      remember(all);
      show(entry);
      form.reset();
      return say(form, reply.status === "approved" ? "Published." : "Thank you: it will appear for everyone once approved.");
    }
    say(form, "The comment could not be sent; please try again.");
  });
};

const start = () => {
  const here = section.dataset.post;
  section.querySelectorAll(".comment-form").forEach(wire);
  for (const entry of Object.values(mine())) if (entry.post === here) show(entry);
};

if (section?.dataset.origin) {
  // A static copy: show the comments as they are now on the origin server.
  fetch(`${section.dataset.origin}/comments/section?post=${encodeURIComponent(section.dataset.post)}`)
    .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
    .then((html) => {
      section.outerHTML = html;
    })
    .catch(() => {})
    .finally(() => {
      section = document.querySelector(".comments");
      if (section) start();
    });
} else if (section) {
  start();
}
