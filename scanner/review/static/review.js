// dingmi review: keyboard-first decisions, each saved as it is made.
// j/k: next/previous finding; c: confirm; d then 1/2/3: dismiss as false alarm / accepted /
// not applicable; n: write a note (Enter saves it, Escape leaves); ] and [: next/previous file.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const fileEl = document.getElementById("file");
  const status = document.getElementById("status");
  const reasons = {"1": "false_alarm", "2": "accepted", "3": "not_applicable"};
  let selected = 0;
  let pendingDismiss = false;

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

  function say(text) {
    status.textContent = text;
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(() => { status.textContent = ""; }, 2500);
  }

  async function post(body) {
    const response = await fetch("/api/v1/decisions", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(Object.assign({file: Number(fileEl.dataset.file)}, body)),
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data.saved;
  }

  async function decide(el, decision, reason) {
    const note = el.querySelector("textarea.note").value;
    try {
      const saved = await post({fingerprint: el.dataset.fingerprint, decision, reason, note});
      el.classList.remove("confirmed", "dismissed");
      el.classList.add(saved.decision);
      el.querySelector(".decision").textContent =
        saved.decision + (saved.reason ? " (" + saved.reason + ")" : "") + " · " + saved.by +
        " · " + saved.at + (saved.note ? " · " + saved.note : "");
      say("已保存 saved: " + el.dataset.code + " " + saved.decision);
    } catch (err) {
      say("保存失败 not saved: " + err.message);
    }
  }

  function current() {
    return findings()[selected];
  }

  document.addEventListener("keydown", (event) => {
    if (!fileEl) return;
    const target = event.target;
    if (target && target.matches("textarea.note")) {
      if (event.key === "Escape") { target.blur(); event.preventDefault(); }
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        const el = target.closest("li.finding");
        const now = el.classList.contains("dismissed") ? "dismissed" : "confirmed";
        const reason = now === "dismissed" ? (el.dataset.reason || "false_alarm") : "";
        decide(el, now, reason);
        target.blur();
      }
      return;
    }
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT")) return;
    const el = current();
    if (pendingDismiss) {
      pendingDismiss = false;
      if (el && reasons[event.key]) {
        el.dataset.reason = reasons[event.key];
        decide(el, "dismissed", reasons[event.key]);
      } else {
        say("已取消 cancelled");
      }
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected - 1); break;
      case "c": if (el) decide(el, "confirmed", ""); break;
      case "d": if (el) { pendingDismiss = true; say("忽略理由 reason: 1 误报 false alarm · 2 接受 accepted · 3 不适用 not applicable"); } break;
      case "n": if (el) { el.querySelector("textarea.note").focus(); } break;
      case "]": { const next = document.getElementById("next"); if (next) window.location = next.href; break; }
      case "[": { const prev = document.getElementById("prev"); if (prev) window.location = prev.href; break; }
      default: return;
    }
    event.preventDefault();
  });

  const form = document.getElementById("conclusion");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        const saved = await post({decision: "conclusion", conclusion: data.get("conclusion"),
                                  mark: data.get("mark"), note: data.get("note")});
        document.getElementById("conclusion-state").textContent =
          saved.conclusion + " · " + saved.by + " · " + saved.at;
        say("结论已保存 conclusion saved");
      } catch (err) {
        say("保存失败 not saved: " + err.message);
      }
    });
  }
  if (fileEl) select(0);
})();
