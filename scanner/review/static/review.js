// dingmi review: keyboard-first decisions, each saved as it is made; every key has a button.
// j/k: next/previous finding (none is selected before the first key); c: confirm; d then
// 1/2/3: dismiss as false alarm / accepted / not applicable; n: write a note (Enter saves it,
// Escape leaves); v: both sides of a derived link; ] and [: next/previous file within the list's
// filter. On the page of a file's derived links: j/k move between passages, v or Escape go back.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const fileEl = document.getElementById("file");
  const status = document.getElementById("status");
  const wordsEl = document.getElementById("words");
  const words = wordsEl ? JSON.parse(wordsEl.textContent) : {names: {}};
  const reasons = {"1": "false_alarm", "2": "accepted", "3": "not_applicable"};
  let selected = -1;
  let pendingDismiss = false;

  function named(value) {
    return (words.names && words.names[value]) || value;
  }

  function findings() {
    return Array.from(document.querySelectorAll("li.finding"));
  }

  function select(i) {
    const items = findings();
    if (!items.length) return;
    selected = Math.max(0, Math.min(i, items.length - 1));
    items.forEach((el, k) => el.classList.toggle("selected", k === selected));
    items[selected].scrollIntoView({block: "nearest"});
  }

  function say(text, keep) {
    if (!status) return;
    status.textContent = text;
    window.clearTimeout(say.timer);
    if (!keep) say.timer = window.setTimeout(() => { status.textContent = ""; }, 4000);
  }

  function withCopies() {
    const box = document.getElementById("apply-copies");
    return Boolean(box && box.checked);
  }

  async function post(body) {
    const response = await fetch("/api/v1/decisions", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(Object.assign({file: Number(fileEl.dataset.file),
                                          copies: withCopies()}, body)),
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error_zh && document.documentElement.lang === "zh"
                                      ? data.error_zh : (data.error || response.statusText));
    return data;
  }

  function savedText(data) {
    return data.copies ? words.saved_copies.replace("{n}", data.copies) : words.saved;
  }

  async function decide(el, decision, reason) {
    const note = el.querySelector("textarea.note").value;
    try {
      const data = await post({fingerprint: el.dataset.fingerprint, decision, reason, note});
      const saved = data.saved;
      el.classList.remove("confirmed", "dismissed");
      el.classList.add(saved.decision);
      el.dataset.reason = saved.reason || "";
      el.querySelector(".decision").textContent =
        named(saved.decision) + (saved.reason ? words.paren[0] + named(saved.reason) + words.paren[1] : "") +
        " · " + saved.by + " · " + saved.at + (saved.note ? " · " + saved.note : "");
      say(savedText(data) + words.colon + el.querySelector(".code-name").textContent + " " +
          named(saved.decision));
    } catch (err) {
      say(words.not_saved + words.colon + err.message);
    }
  }

  function current() {
    return selected >= 0 ? findings()[selected] : undefined;
  }

  function saveNote(el) {
    const now = el.classList.contains("dismissed") ? "dismissed" : "confirmed";
    const reason = now === "dismissed" ? (el.dataset.reason || "false_alarm") : "";
    decide(el, now, reason);
  }

  function go(id) {
    const link = document.getElementById(id);
    if (link) window.location = link.href;
  }

  document.addEventListener("keydown", (event) => {
    if (!fileEl) return;
    const target = event.target;
    if (target && target.matches("textarea.note")) {
      if (event.key === "Escape") { target.blur(); event.preventDefault(); }
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        saveNote(target.closest("li.finding"));
        target.blur();
      }
      return;
    }
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" ||
                   target.tagName === "BUTTON")) {
      if (target.tagName !== "BUTTON" || event.key === "Enter" || event.key === " ") return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const el = current();
    if (pendingDismiss) {
      pendingDismiss = false;
      if (el && reasons[event.key]) {
        decide(el, "dismissed", reasons[event.key]);
      } else {
        say(words.cancelled);
      }
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected < 0 ? 0 : selected - 1); break;
      case "c": if (el) decide(el, "confirmed", ""); else say(words.pick_first); break;
      case "d":
        if (el) { pendingDismiss = true; say(words.reason_prompt, true); }
        else say(words.pick_first);
        break;
      case "n": if (el) el.querySelector("textarea.note").focus(); else say(words.pick_first);
        break;
      case "v": {  // both sides of the derived link: from the finding, else the file's
        const shown = el && el.querySelector("a.act-links");
        if (shown) window.location = shown.href; else go("links-view");
        break;
      }
      case "]": go("next"); break;
      case "[": go("prev"); break;
      default: return;
    }
    event.preventDefault();
  });

  // the page of a file's derived links: passages to step through, a way back
  const linksOf = document.getElementById("links-of");
  if (linksOf) {
    let pair = -1;
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const pairs = Array.from(document.querySelectorAll("tr.pair"));
      if ((event.key === "j" || event.key === "k") && pairs.length) {
        pair = Math.max(0, Math.min(pair + (event.key === "j" ? 1 : pair < 0 ? 1 : -1),
                                    pairs.length - 1));
        pairs.forEach((el, k) => el.classList.toggle("selected", k === pair));
        pairs[pair].scrollIntoView({block: "nearest"});
      } else if (event.key === "v" || event.key === "Escape") {
        go("back-file");
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  // the buttons: the same actions for the mouse; a click on a finding selects it
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !fileEl) return;
    if (button.id === "next-finding") { select(selected + 1); return; }
    if (button.id === "prev-finding") { select(selected < 0 ? 0 : selected - 1); return; }
    const el = button.closest("li.finding");
    if (!el) return;
    select(findings().indexOf(el));
    if (button.classList.contains("act-confirm")) decide(el, "confirmed", "");
    else if (button.classList.contains("act-dismiss")) {
      decide(el, "dismissed", button.dataset.reason);
    } else if (button.classList.contains("act-note")) el.querySelector("textarea.note").focus();
    else if (button.classList.contains("act-save-note")) saveNote(el);
  });

  const form = document.getElementById("conclusion");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        const answer = await post({decision: "conclusion", conclusion: data.get("conclusion"),
                                   mark: data.get("mark"), note: data.get("note")});
        const saved = answer.saved;
        document.getElementById("conclusion-state").textContent =
          named(saved.conclusion) + (saved.mark ? " " + saved.mark : "") + " · " + saved.by +
          " · " + saved.at;
        say(savedText(answer) + words.colon + named(saved.conclusion));
      } catch (err) {
        say(words.not_saved + words.colon + err.message);
      }
    });
  }

  // the export: a download gives no sign in the page, so the page says it was made
  const exporter = document.getElementById("export");
  if (exporter) {
    exporter.addEventListener("click", async () => {
      const state = document.getElementById("export-state");
      let count = exporter.dataset.count;
      try {  // what the download holds now (another tab may have decided since)
        const response = await fetch("/api/v1/decisions/count", {credentials: "same-origin"});
        if (response.ok) count = (await response.json()).count;
      } catch (err) { /* the count the page was shown with */ }
      state.textContent = exporter.dataset.done.replace("{n}", count);
      state.classList.add("done");
    });
  }
})();
