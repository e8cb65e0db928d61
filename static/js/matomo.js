// Privacy-friendly audience measurement: Matomo without cookies, only when configured.
(function () {
  var script = document.currentScript;
  var url = script && script.dataset.matomoUrl;
  var siteId = script && script.dataset.matomoSiteId;
  if (!url || !siteId) return;
  // The pages reached through a secret link (a requester's or an ambassador's private pages,
  // the follow-up and reply links): their token never reaches the analytics, neither in the
  // address of the page nor as the referrer of the next one (same-origin referrers are sent).
  var SECRET = /^(\/(?:demande|suivi-de-demande|ambassadeurs\/(?:confirmer|gerer|repondre))\/)[^/]+/;
  function withoutSecret(address) {
    var parsed;
    try {
      parsed = new URL(address, window.location.href);
    } catch (error) {
      return "";
    }
    if (parsed.origin !== window.location.origin || !SECRET.test(parsed.pathname)) {
      return address;
    }
    return parsed.origin + parsed.pathname.replace(SECRET, "$1jeton");
  }
  var _paq = (window._paq = window._paq || []);
  _paq.push(["disableCookies"]);
  _paq.push(["setCustomUrl", withoutSecret(window.location.href)]);
  _paq.push(["setReferrerUrl", document.referrer ? withoutSecret(document.referrer) : ""]);
  _paq.push(["trackPageView"]);
  _paq.push(["enableLinkTracking"]);
  _paq.push(["setTrackerUrl", url.replace(/\/?$/, "/") + "matomo.php"]);
  _paq.push(["setSiteId", siteId]);
  var tag = document.createElement("script");
  tag.async = true;
  tag.src = url.replace(/\/?$/, "/") + "matomo.js";
  document.head.appendChild(tag);
})();
