// Unsent entries are kept on this device until the server has them, so a session that
// expires or a network that drops mid-save loses nothing an inspector typed.
//
// Every POST form with a text area takes part (the reading form keeps its own, more
// eager drafts: records/reading.js). What the person types is kept under the address
// the form posts to. When they next open that form and its fields differ from what
// was kept, the page offers to put the kept entries back, or to discard them: never
// silently, since the saved version may have moved on. The form's `version` field is
// kept too, so putting back entries made before someone else's save is refused by the
// server as a stale edit rather than overwriting it. A draft goes once its form has
// been sent and answered with another page (Django redirects after a successful save),
// and after a week in any case.
//
// A draft belongs to the person who typed it: it is kept under their account
// (`<body data-draft-owner>`) and the form's address, which names the inspection. It is
// never offered to anyone else on the same browser: signing out clears every draft on
// the device (and the server's Clear-Site-Data says the same), and a page opened by
// another signed-in person drops drafts that are not theirs.

const PREFIX = "scrutiny:draft:";
const READING = "scrutiny:reading:"; // records/reading.js keeps its drafts under this
const OWNER = document.body?.dataset.draftOwner || "";
const SENT = "scrutiny:draft-sent"; // sessionStorage: the draft whose form was just sent
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const SIGN_IN = "/accounts/sign-in/";

// The form's entries as name/value pairs, as a plain POST would send them (files and the
// CSRF token left out: neither can be kept).
export function formPairs(form, skip = ["csrfmiddlewaretoken"]) {
  const pairs = [];
  for (const [name, value] of new FormData(form)) {
    if (!skip.includes(name) && typeof value === "string") pairs.push([name, value]);
  }
  return pairs;
}

export function restoreForm(form, pairs, skip = ["csrfmiddlewaretoken"]) {
  const values = new Map();
  for (const [name, value] of pairs) {
    if (!values.has(name)) values.set(name, []);
    values.get(name).push(value);
  }
  for (const el of form.elements) {
    if (!el.name || skip.includes(el.name) || el.type === "file") continue;
    const wanted = values.get(el.name) || [];
    if (el.type === "radio" || el.type === "checkbox") el.checked = wanted.includes(el.value);
    else if (el.tagName === "SELECT") for (const o of el.options) o.selected = wanted.includes(o.value);
    else if (el.type !== "submit" && el.type !== "button") el.value = wanted[0] || "";
  }
  for (const d of form.querySelectorAll("details")) {
    if ([...d.querySelectorAll("textarea")].some((t) => t.value)) d.open = true;
  }
}

// `scrutiny:draft:<owner>:<form address>`, `scrutiny:reading:<owner>:<assignment>`.
export const draftKey = (prefix, rest) => `${prefix}${OWNER}:${rest}`;
const ownerOf = (key, prefix) => key.slice(prefix.length).split(":", 1)[0];

// Remove every draft on this device, or only those that are not `keepOwner`'s.
export function clearDrafts(keepOwner = null) {
  for (let i = localStorage.length - 1; i >= 0; i -= 1) {
    const key = localStorage.key(i);
    const prefix = [PREFIX, READING].find((p) => key?.startsWith(p));
    if (prefix && (keepOwner === null || ownerOf(key, prefix) !== keepOwner)) {
      localStorage.removeItem(key);
    }
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const read = (key) => {
  try {
    return JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
};

// The first page after a form was sent says whether it was saved: a success message, or
// another page reached from the form (Django redirects after a save). The sign-in page
// (the session had ended), the form again with its errors, or a page reached some other
// way after a failed send (the network dropped) leave the draft where it is.
function settleSent() {
  const sent = JSON.parse(sessionStorage.getItem(SENT) || "null");
  if (!sent) return;
  sessionStorage.removeItem(SENT);
  if (location.pathname === SIGN_IN) return;
  const from = document.referrer ? new URL(document.referrer).pathname : null;
  const moved = from === sent.from && location.pathname !== sent.path;
  if (moved || document.querySelector("[data-message=success]")) localStorage.removeItem(sent.key);
}

function dropOld() {
  for (let i = localStorage.length - 1; i >= 0; i -= 1) {
    const key = localStorage.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    const kept = read(key);
    if (!kept || Date.now() - kept.savedAt > WEEK_MS) localStorage.removeItem(key);
  }
}

function offer(form, key, kept) {
  const time = new Date(kept.savedAt).toLocaleString("en-GB", {
    day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
  });
  const box = document.createElement("div");
  box.className = "ds_inset-text app_draft";
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Entries not yet sent");
  box.innerHTML = `<div class="ds_inset-text__text">
    <p>This device holds entries for this form that were not sent (kept ${time}).</p>
    <button type="button" class="ds_button ds_button--small" data-draft="restore">Put my entries back</button>
    <button type="button" class="ds_button ds_button--small ds_button--secondary" data-draft="discard">Discard them</button>
  </div>`;
  const say = (text) => {
    box.innerHTML = "";
    const p = document.createElement("p");
    p.className = "ds_inset-text__text";
    p.setAttribute("role", "status");
    p.textContent = text;
    box.append(p);
  };
  box.querySelector("[data-draft=restore]").addEventListener("click", () => {
    restoreForm(form, kept.pairs);
    say("Your entries are back. Check them, then save.");
    form.querySelector("textarea, input:not([type=hidden]), select")?.focus();
  });
  box.querySelector("[data-draft=discard]").addEventListener("click", () => {
    localStorage.removeItem(key);
    say("The kept entries are discarded.");
  });
  form.before(box);
}

function keep(form) {
  // Not form.action: a field named "action" would shadow it.
  const target = new URL(form.getAttribute("action") || location.href, location.href).pathname;
  const key = draftKey(PREFIX, target);
  const initial = formPairs(form);
  const kept = read(key);
  if (kept && !same(kept.pairs, initial)) offer(form, key, kept);
  else if (kept) localStorage.removeItem(key);

  const store = () => {
    const pairs = formPairs(form);
    if (same(pairs, initial)) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), pairs }));
  };
  form.addEventListener("input", store);
  form.addEventListener("change", store);
  form.addEventListener("submit", () => {
    sessionStorage.setItem(SENT, JSON.stringify({ key, path: target, from: location.pathname }));
  });
}

export function keepDrafts(root = document) {
  for (const form of root.querySelectorAll("form[method=post i]")) {
    if ("autosave" in form.dataset || "noDraft" in form.dataset) continue;
    if (form.querySelector("textarea")) keep(form);
  }
}

function forgetOnSignOut() {
  for (const form of document.querySelectorAll("form[data-sign-out]")) {
    form.addEventListener("submit", () => {
      clearDrafts();
      sessionStorage.removeItem(SENT);
    });
  }
}

settleSent();
dropOld();
// Signed in: what another person left on this browser is neither offered nor kept.
if (OWNER) clearDrafts(OWNER);
forgetOnSignOut();
