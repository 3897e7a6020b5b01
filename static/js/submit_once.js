// Every form that posts is sent once per press: while it is on its way its buttons are disabled
// and another submit is ignored. The server would refuse to create anything twice anyway (each
// form carries a one-time token); this spares the second request. Works without htmx too.
(() => {
  "use strict";

  const sending = new WeakSet();
  const HTMX = "[hx-post], [hx-put], [hx-patch], [hx-delete], [data-hx-post]";

  function buttons(form) {
    return form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]");
  }

  function hold(form) {
    sending.add(form);
    form.setAttribute("aria-busy", "true");
    for (const button of buttons(form)) button.disabled = true;
  }

  function release(form) {
    sending.delete(form);
    form.removeAttribute("aria-busy");
    for (const button of buttons(form)) button.disabled = false;
  }

  // In the capture phase, so a second submit is stopped before htmx (listening on the form) sees it.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post") return;
    if (sending.has(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    sending.add(form);
    // After this event: the browser (or htmx) has then taken the pressed button's name and
    // value, which a button disabled now would lose.
    setTimeout(() => {
      if (!sending.has(form)) return;
      // Something else called the submit off, and htmx sends nothing: the form stays usable.
      if (event.defaultPrevented && !form.matches(HTMX)) {
        release(form);
        return;
      }
      hold(form);
    });
  }, true);

  // An htmx post has its answer (or failed): the form, if it is still on the page, is usable again.
  document.addEventListener("htmx:afterRequest", (event) => {
    const source = event.detail && event.detail.elt;
    const form = source instanceof HTMLFormElement ? source : source?.closest?.("form");
    if (form && sending.has(form)) release(form);
  });

  // Back to a page the browser kept as it was left: its forms were mid-send, enable them again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.forms) if (sending.has(form)) release(form);
  });
})();
