// Privacy-friendly audience measurement: Matomo without cookies, only when configured.
(function () {
  var script = document.currentScript;
  var url = script && script.dataset.matomoUrl;
  var siteId = script && script.dataset.matomoSiteId;
  if (!url || !siteId) return;
  var _paq = (window._paq = window._paq || []);
  _paq.push(["disableCookies"]);
  _paq.push(["trackPageView"]);
  _paq.push(["enableLinkTracking"]);
  _paq.push(["setTrackerUrl", url.replace(/\/?$/, "/") + "matomo.php"]);
  _paq.push(["setSiteId", siteId]);
  var tag = document.createElement("script");
  tag.async = true;
  tag.src = url.replace(/\/?$/, "/") + "matomo.js";
  document.head.appendChild(tag);
})();
