// Follow a certificate batch's progress without reloading; the page's noscript refresh
// does the same without scripts.
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box || !window.fetch) return;
  var bar = document.getElementById("batch-progress");
  var status = document.getElementById("batch-status");
  function poll() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.max = data.total;
        bar.value = data.done;
        bar.textContent = data.percent + "%";
        status.textContent = data.done + " of " + data.total + " issued" +
          (data.status === "done" ? ": Done." : "…");
        if (data.status !== "done") setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
