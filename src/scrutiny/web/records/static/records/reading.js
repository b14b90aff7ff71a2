// The reading form, enhanced: entries are kept on this device until the server has
// them, sent as the reader goes, and number keys rate the focused item. Without this
// file the form still works by plain POST ("Save draft", "Submit reading").

import { draftKey, formPairs, restoreForm } from "../scrutiny/drafts.js";

// Kept under the reader's account as well as the assignment (drafts.js explains).
const PREFIX = "scrutiny:reading:";

const DONE = document.querySelector("[data-reading-submitted]");
if (DONE) {
  // The reading is submitted: no copy of it should stay on the device.
  localStorage.removeItem(draftKey(PREFIX, DONE.dataset.readingSubmitted));
}

const form = document.querySelector("form[data-autosave]");
if (form) enhance(form);

function enhance(form) {
  const key = draftKey(PREFIX, form.dataset.autosave);
  const status = document.getElementById("save-status");
  const version = form.elements.namedItem("version");
  const items = [...form.querySelectorAll("[data-rating-item]")];
  let edits = 0; // bumped on every change, so a reply to an older send is not mistaken
  let sending = null; // the send in flight, if any
  let again = false; // entries changed while a send was in flight
  let timer = null;
  let refused = false;

  const say = (text) => { status.textContent = text; };

  // The form's state as name/value pairs (what a plain POST would send), and back.
  const OWN = ["csrfmiddlewaretoken", "version"];
  const entries = () => formPairs(form, OWN);
  const restore = (pairs) => restoreForm(form, pairs, OWN);

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  function keep() {
    edits += 1;
    localStorage.setItem(key, JSON.stringify({ base: Number(version.value), pairs: entries() }));
    clearTimeout(timer);
    timer = setTimeout(send, 700);
  }

  function answered() {
    const n = items.filter((f) => f.querySelector("input:checked")).length;
    return `${n} of ${items.length} items answered.`;
  }

  function send() {
    if (refused) return Promise.resolve();
    if (sending) { again = true; return sending; }
    sending = sendOnce().finally(() => {
      sending = null;
      if (again) { again = false; send(); }
    });
    return sending;
  }

  async function sendOnce() {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (!kept) return;
    const sentAt = edits;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    body.append("version", version.value);
    body.append("action", "autosave");
    for (const [name, value] of kept.pairs) body.append(name, value);
    let response;
    try {
      // Not form.action: the buttons named "action" shadow that property.
      response = await fetch(window.location.pathname, {
        method: "POST", body, credentials: "same-origin", redirect: "manual",
        headers: { Accept: "application/json" },
      });
    } catch {
      say(`You are offline. Your entries are kept on this device and will be sent when the connection returns. ${answered()}`);
      return;
    }
    if (response.type === "opaqueredirect" || response.status === 302) {
      // A new sign-in also renews the CSRF token, so this page cannot send them itself.
      say("You have been signed out. Your entries are kept on this device: sign in again, then open this reading again and they will be put back and sent.");
      return;
    }
    if (response.status === 403) {
      say("This page's security token has expired. Your entries are kept on this device: open this reading again and they will be put back and sent.");
      return;
    }
    if (response.status === 409) {
      refused = true;
      const { error } = await response.json();
      status.setAttribute("role", "alert");
      say(`${error} Reload the page to see the saved reading.`);
      return;
    }
    if (!response.ok) {
      say(`Your latest entries could not be saved (error ${response.status}). They are kept on this device and will be sent again.`);
      return;
    }
    const reply = await response.json();
    version.value = reply.version;
    if (edits === sentAt) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ base: reply.version, pairs: entries() }));
    const time = new Date(reply.saved).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    say(`All changes saved at ${time}. ${answered()}`);
  }

  // Entries kept from an earlier visit (offline, signed out, a crash).
  const kept = JSON.parse(localStorage.getItem(key) || "null");
  if (kept) {
    if (same(kept.pairs, entries())) {
      localStorage.removeItem(key);
    } else if (kept.base === Number(version.value)) {
      restore(kept.pairs);
      say("Entries kept on this device since your last visit have been put back and are being sent.");
      send();
    } else {
      // The server's reading changed since: never merge silently; let the reader choose.
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ds_button ds_button--secondary";
      button.textContent = "Put back the entries kept on this device";
      button.addEventListener("click", () => { restore(kept.pairs); keep(); button.remove(); });
      say("This device holds entries made before the reading was last saved elsewhere. Check the reading below; you can put your entries back.");
      status.after(button);
    }
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  window.addEventListener("online", () => send());
  setInterval(() => { if (localStorage.getItem(key)) send(); }, 15000);

  form.addEventListener("submit", (event) => {
    if (!navigator.onLine) {
      event.preventDefault();
      say("You are offline, so the reading cannot be sent yet. Your entries are kept on this device; submit again when the connection returns.");
      return;
    }
    // A plain POST carries everything; wait for a save in flight so versions agree.
    if (sending) {
      event.preventDefault();
      const button = event.submitter;
      sending.then(() => form.requestSubmit(button));
    }
  });

  // Number keys rate the item whose ratings have focus, then move to the next item.
  const KEYS = { 0: "na", n: "na", N: "na" };
  form.addEventListener("keydown", (event) => {
    const field = event.target.closest?.("[data-rating-item]");
    if (!field || event.target.type !== "radio" || event.ctrlKey || event.altKey || event.metaKey) return;
    const value = /^[1-6]$/.test(event.key) ? event.key : KEYS[event.key];
    if (!value) return;
    const radio = field.querySelector(`input[type=radio][value="${value}"]`);
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    const next = items[items.indexOf(field) + 1];
    if (next) (next.querySelector("input:checked") || next.querySelector("input[type=radio]")).focus();
    else (document.getElementById("submit-reading") || form.querySelector("button[type=submit]")).focus();
  });
}
