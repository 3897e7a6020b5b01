// The Digest page: a form marked data-submit-once cannot be sent twice by a double click.
// The server is safe either way (each send and each delivery happens once); this only spares
// the second request. Everything works without this file.
(() => {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    form.setAttribute("aria-busy", "true");
    // After this event, so the browser still sends the form the button belongs to.
    setTimeout(() => {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  });

  // Coming back with the browser's back button shows the page as it was left: enable again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-submit-once]")) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
    }
  });
})();
