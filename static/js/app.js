// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A form submits once: a double click must not send it twice.
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitted === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      // Released again if the browser returns to the page (back button).
      window.addEventListener("pageshow", () => { form.dataset.submitted = "false"; }, { once: true });
    });
  });
  // The backoffice menu folds away on a narrow screen (app.css decides what is narrow):
  // a Menu button shows and hides it. Without this script the menu simply stays open.
  document.querySelectorAll("[data-menu]").forEach((sidebar) => {
    const button = sidebar.querySelector(".sidebar__toggle");
    if (!button) return;
    const narrow = window.matchMedia("(max-width: 900px)");
    const show = (open) => {
      sidebar.classList.toggle("sidebar--folded", !open);
      button.setAttribute("aria-expanded", String(open));
    };
    button.hidden = false;
    show(!narrow.matches);
    button.addEventListener("click", () => show(button.getAttribute("aria-expanded") !== "true"));
    narrow.addEventListener("change", () => show(!narrow.matches));
  });
  // Tables wider than their box scroll inside it; one that scrolls can be reached with the
  // keyboard (Tab, then the arrow keys), as WCAG asks of a scrolling region.
  const focusableWhenScrolling = () => {
    document.querySelectorAll(".table-scroll").forEach((box) => {
      if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  };
  focusableWhenScrolling();
  window.addEventListener("resize", focusableWhenScrolling);
  // Buttons that ask before doing something that cannot be undone.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});
