/* Inside WeChat's browser, with the official account configured (tourism/wechat_share.py): the share
   card from the page's Open Graph tags, and 导航 opening WeChat's own map. Without WeChat's JS-SDK
   nothing here runs and the page keeps its plain behaviour. */
(function () {
  "use strict";
  var script = document.currentScript;
  var configUrl = script && script.getAttribute("data-config");
  if (!configUrl) return;

  function meta(property) {
    var tag = document.querySelector('meta[property="' + property + '"]');
    return tag ? tag.getAttribute("content") : "";
  }

  function start() {
    if (!window.wx) return;
    var url = location.href.split("#")[0];
    fetch(configUrl + "?url=" + encodeURIComponent(url), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (config) {
        if (!config) return;
        window.wx.config({
          debug: false,
          appId: config.appId,
          timestamp: config.timestamp,
          nonceStr: config.nonceStr,
          signature: config.signature,
          jsApiList: config.jsApiList
        });
        window.wx.ready(function () {
          var card = {
            title: meta("og:title"),
            desc: meta("og:description"),
            link: meta("og:url") || url,
            imgUrl: meta("og:image")
          };
          window.wx.updateAppMessageShareData(card);
          window.wx.updateTimelineShareData({ title: card.title, link: card.link, imgUrl: card.imgUrl });
          document.querySelectorAll("[data-wx-location]").forEach(function (place) {
            var button = place.querySelector("summary");
            if (!button) return;
            button.addEventListener("click", function (event) {
              event.preventDefault();
              window.wx.openLocation({
                latitude: parseFloat(place.getAttribute("data-latitude")),
                longitude: parseFloat(place.getAttribute("data-longitude")),
                name: place.getAttribute("data-name"),
                address: place.getAttribute("data-address"),
                scale: 15
              });
            });
          });
        });
      })
      .catch(function () { /* the plain page still works */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
