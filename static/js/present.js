// Present mode: N another, Enter use, Esc leave, a two-minute timer, names hidden on request.
(() => {
  "use strict";

  const timer = document.querySelector(".timer");
  if (timer) {
    let left = Number(timer.dataset.seconds);
    const tick = () => {
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      timer.textContent = `${minutes}:${seconds}`;
      if (left === 0) {
        timer.classList.add("done");
        timer.textContent = "Time: what does it mean for us?";
        return;
      }
      left -= 1;
      window.setTimeout(tick, 1000);
    };
    tick();
  }

  const hideNames = document.getElementById("hide-names");
  hideNames?.addEventListener("click", (event) => {
    event.preventDefault();
    const hidden = document.body.classList.toggle("hide-names");
    // The label says what the button does next; a changing label needs no aria-pressed too.
    hideNames.textContent = hidden ? "Show customer names" : "Hide customer names";
    // The next story (N) keeps names hidden too, or a shared screen would show them again.
    const another = document.getElementById("another");
    if (another) {
      const next = new URL(another.href);
      if (hidden) next.searchParams.set("anonymous", "1");
      else next.searchParams.delete("anonymous");
      another.href = next.href;
    }
  });
  // It acts as a toggle button, so Space presses it as it would a button.
  hideNames?.addEventListener("keydown", (event) => {
    if (event.key === " ") {
      event.preventDefault();
      hideNames.click();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target instanceof HTMLElement && ["INPUT", "TEXTAREA", "BUTTON", "A"].includes(event.target.tagName) && event.key === "Enter") return;
    const key = event.key.toLowerCase();
    if (key === "n") {
      const another = document.getElementById("another");
      if (another) window.location.assign(another.href);
    } else if (key === "enter") {
      const use = document.getElementById("use-form");
      if (use) use.requestSubmit();
    } else if (key === "escape") {
      window.location.assign(document.body.dataset.leave);
    }
  });
})();
