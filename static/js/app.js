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
  // Buttons that ask before doing something that cannot be undone.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});
