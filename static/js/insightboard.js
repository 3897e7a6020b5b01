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
})();
