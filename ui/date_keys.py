"""A typed date is sent on Tab and Enter, and a link clicked straight after typing carries it.

Streamlit's date box sends a typed date only when focus leaves the whole box (issue 9):

- Tab from the year goes to the box's own calendar button, still inside it, and Enter does
  nothing, so a lead who typed 02/03/2026 and pressed Tab or Enter saw the new date while the
  figures and the URL stayed at the old one. Here Tab from the last part of the date goes on
  to the next control after the box, and Enter sends the date and leaves focus on the box's
  calendar button. Tab between day, month and year, Shift+Tab and the picker work as before.
- Clicking a link straight after typing sends the date and follows the link at the same
  moment; Streamlit then stays on the page it was on. Here such a click waits until the
  dashboard has redrawn with the new date (its links then carry it) and is made again.

It is our own constant (nothing from a file or the URL is put in it), installed once per
browser tab. The browser test tests/e2e/test_view_in_url.py fails if it stops working.
"""

from __future__ import annotations

import streamlit as st

SCRIPT = """<script>
(() => {
  if (window.nvcrpDateKeys) return;
  window.nvcrpDateKeys = true;
  const FIELD = "[data-testid='stDateInputField']";
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select, "
    + "textarea, [tabindex]:not([tabindex='-1'])";
  const fieldOf = (el) => (el && el.closest ? el.closest(FIELD) : null);
  const textOf = (field) => [...field.querySelectorAll("[role='spinbutton']")]
    .map((part) => part.textContent).join("/");
  const nextAfter = (field) => [...document.querySelectorAll(FOCUSABLE)].find((el) =>
    !field.contains(el) && el.getClientRects().length > 0
    && (field.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
  const running = () => document.querySelector(
    "[data-testid='stApp'][data-test-script-state='running']") !== null;

  document.addEventListener("keydown", (event) => {
    const field = fieldOf(event.target);
    if (!field || event.target.getAttribute("role") !== "spinbutton") return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const parts = field.querySelectorAll("[role='spinbutton']");
    const last = parts[parts.length - 1] === event.target;
    const enter = event.key === "Enter";
    if (!enter && !(event.key === "Tab" && !event.shiftKey && last)) return;
    const next = nextAfter(field);
    if (!next) return;
    event.preventDefault();
    event.stopPropagation();
    next.focus();     // leaving the box is what makes Streamlit send the date
    if (enter) {
      const button = field.querySelector("[data-testid='stDateInputCalendarButton']");
      if (button) button.focus();
    }
  }, true);

  // When focus leaves a box whose date was changed, the date is on its way to the server.
  let before = null;
  let sentAt = 0;
  document.addEventListener("focusin", (event) => {
    const field = fieldOf(event.target);
    if (field && !field.contains(event.relatedTarget)) before = textOf(field);
  }, true);
  document.addEventListener("focusout", (event) => {
    const field = fieldOf(event.target);
    if (field && !field.contains(event.relatedTarget) && before !== null
        && textOf(field) !== before) sentAt = Date.now();
  }, true);

  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || !event.isTrusted || Date.now() - sentAt > 2000) return;
    sentAt = 0;
    event.preventDefault();
    event.stopPropagation();
    const label = link.textContent;
    const started = Date.now();
    let seen = running();
    const again = () => {
      seen = seen || running();
      const waited = Date.now() - started;
      if ((seen && !running()) || (!seen && waited > 1000) || waited > 10000) {
        const same = link.isConnected ? link
          : [...document.querySelectorAll("a[href]")].find((a) => a.textContent === label);
        if (same) same.click();
      } else {
        setTimeout(again, 50);
      }
    };
    setTimeout(again, 50);
  }, true);
})();
</script>"""


def install() -> None:
    """Put the script on the page, in a hidden box so it leaves no gap between the filters."""
    with st.container(key="date-keys"):
        st.html(SCRIPT, unsafe_allow_javascript=True, width="content")
    st.html("<style>.st-key-date-keys, [data-testid='stLayoutWrapper']:has(> .st-key-date-keys)"
            "{display:none}</style>")
