// Progressive enhancement: htmx swaps in no error answer, so an action that fails (refused, gone,
// too large, or InsightBoard unable to reach its database) would look as if nothing happened.
// Say what went wrong where the page's messages go, in the words of our error page.
(() => {
  "use strict";

  function say(text) {
    const messages = document.getElementById("messages");
    if (!messages) return;
    const notice = document.createElement("p");
    notice.className = "notice error";
    notice.textContent = text;
    messages.replaceChildren(notice);
  }

  document.addEventListener("htmx:responseError", (event) => {
    // Parsed, never inserted: only the text of its heading and first paragraph is used.
    const answer = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    const parts = [answer.querySelector(".error-page h1"), answer.querySelector(".error-page .lead")];
    const words = parts.filter(Boolean).map((part) => part.textContent.trim().replace(/\.$/, ""));
    say(words.length ? `${words.join(". ")}.` : "That did not work. Try again in a minute.");
  });

  document.addEventListener("htmx:sendError", () => {
    say("InsightBoard did not answer. Check your connection and try again.");
  });
})();
