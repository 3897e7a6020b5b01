// Progressive enhancement only: every link and form here works without this file.
(() => {
  "use strict";

  const dialog = () => document.getElementById("quick-capture");

  function openQuickCapture() {
    const box = dialog();
    if (!box || box.open) return;
    box.showModal();
    const first = box.querySelector("textarea, input:not([type=hidden])");
    if (first) first.focus();
  }

  function isTyping(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-quick-capture]");
    if (opener && dialog()) {
      event.preventDefault();
      openQuickCapture();
      return;
    }
    if (event.target.closest("[data-close-dialog]")) {
      dialog()?.close();
    }
  });

  // "n" logs a new insight from anywhere, unless the person is typing.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target) || dialog()?.open) return;
    event.preventDefault();
    openQuickCapture();
  });

  // After htmx swaps in a fresh quick-capture form, put the cursor back in its first box.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "quick-capture-body") {
      const first = event.target.querySelector(".has-error textarea, .has-error input, textarea");
      if (first) first.focus();
    }
  });

  // A swap that takes away the control that had focus (a toggled button, a link that pulled new
  // content) would leave keyboard and screen reader users at the top of the page. Focus goes to
  // the same control in what came in, else to the new content itself. The control is noted when
  // the request leaves too: a form sent once disables its button, which drops focus before the swap.
  const CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea";
  const replaced = new WeakMap(); // swap target -> the control inside it that had focus

  const place = (control) => control.getAttribute("href") || control.form?.getAttribute("action") || "";
  const words = (control) => control.textContent.trim();

  function noteFocus(event) {
    const active = document.activeElement;
    const target = event.detail.target;
    if (target && active && active !== document.body && target.contains(active)) {
      replaced.set(target, {
        parent: target.parentElement,
        tag: active.tagName,
        place: place(active),
        words: words(active),
      });
    }
  }
  document.addEventListener("htmx:beforeRequest", noteFocus);
  document.addEventListener("htmx:beforeSwap", noteFocus);
  document.addEventListener("htmx:oobBeforeSwap", noteFocus);

  function restoreFocus(region, was) {
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const controls = [region, ...region.querySelectorAll(CONTROLS)]
      .filter((control) => control.matches(CONTROLS) && control.tagName === was.tag);
    const here = controls.filter((control) => place(control) === was.place);
    const named = controls.filter((control) => words(control) === was.words);
    const same = here.find((control) => words(control) === was.words) || here[0] ||
      (named.length === 1 ? named[0] : null);
    if (same) {
      same.focus();
      return;
    }
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    region.focus();
  }

  // Once settled, when htmx has wired up what came in: a key pressed at once then works on it.
  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    const was = target && replaced.get(target);
    if (!was) return;
    // The target itself (its inside swapped), or what took its place (not an out-of-band piece).
    const region = target.isConnected ? target : event.target;
    if (region !== target && region.parentElement !== was.parent) return;
    replaced.delete(target);
    restoreFocus(region, was);
  });

  // Out-of-band swaps (the digest's status and deliveries, when its sending ends) replace by id.
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const target = event.detail.target;
    const was = replaced.get(target);
    if (!was || !event.target.id || event.target.id !== target.id) return;
    replaced.delete(target);
    restoreFocus(event.target, was);
  });
})();
