// ShopOffice's only script: htmx is configured by the <meta name="htmx-config"> in base.html.
// This file shows a toast (text from #toasts' data-offline) when the server cannot be reached and removes toasts after a while.
(function () {
  function toast(message) {
    var region = document.getElementById("toasts");
    if (!region) return;
    var el = document.createElement("div");
    el.className = "toast toast-error";
    el.setAttribute("role", "alert");
    el.textContent = message;
    region.appendChild(el);
  }
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("toasts");
    toast(region ? region.dataset.offline : "Offline");
  });
  // Toasts fade after 6 seconds; errors stay readable long enough on a phone.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.classList.contains("toast")) {
          setTimeout(function () { node.remove(); }, 6000);
        }
      });
    });
  }).observe(document.getElementById("toasts") || document.body, { childList: true });
})();
