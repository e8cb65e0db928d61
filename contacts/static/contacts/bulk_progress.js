/* Progress of a bulk eligibility test: polls the job's small JSON status every 2 seconds, updates
 * the progress bar and the time left, and reloads the page when the job is finished (results or
 * failure) and again when the Excel copy of the result is ready. Without JavaScript, the page refreshes itself (meta refresh in <noscript>). */
(function () {
  "use strict";
  var box = document.getElementById("bulk-job");
  if (!box || !window.fetch) return;
  var progress = document.getElementById("bulk-progress");
  var text = document.getElementById("bulk-progress-text");
  var timeLeft = document.getElementById("bulk-time-left");
  var status = document.getElementById("bulk-status");

  function plural(count, word) {
    return count + " " + word + (count > 1 ? "s" : "");
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.status === "done" && job.xlsx_pending) {
          window.setTimeout(poll, 2000);
          return;
        }
        if (job.status === "done" || job.status === "failed") {
          if (box.dataset.status !== job.status || job.xlsx_ready) window.location.reload();
          return;
        }
        if (progress) {
          progress.max = job.total_rows || 1;
          progress.value = job.rows_done;
          progress.textContent = job.percent + " %";
        }
        if (text) text.textContent = plural(job.rows_done, "ligne") + " sur " + job.total_rows + " (" + job.percent + " %)";
        if (timeLeft) timeLeft.textContent = job.time_left || "en cours d’estimation";
        if (status && status.textContent !== job.status_label) status.textContent = job.status_label;
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 1000);
})();
