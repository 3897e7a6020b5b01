// The "Copy the key" button on a new API key's page; without JavaScript the key is selected by hand.
(() => {
  "use strict";

  const button = document.querySelector("[data-copy]");
  const status = document.querySelector("[data-copy-status]");
  if (!button || !status) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  button.hidden = false;

  button.addEventListener("click", async () => {
    field.focus();
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied. Paste it where it is needed.";
    } catch {
      // No clipboard outside HTTPS or without permission: the key is selected for Ctrl+C.
      status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy it.";
    }
  });
})();
