/* Pays a JSAPI prepay inside WeChat's browser: hands the signed parameters from
   <script id="wechat-pay-bridge" type="application/json"> ({params, result_url, invoke_now}) to
   WeixinJSBridge's getBrandWCPayRequest, then goes to result_url with ?result=ok|cancel|fail. The
   server never takes that word for the payment: it asks WeChat Pay. Outside WeChat there is no bridge
   and the page says so. */
(function () {
  "use strict";

  var source = document.getElementById("wechat-pay-bridge");
  var button = document.getElementById("wechat-pay");
  if (!source || !button) {
    return;
  }
  var bridge = JSON.parse(source.textContent);
  var started = false;

  function finish(answer) {
    var message = (answer && answer.err_msg) || "";
    var result = /:ok$/.test(message) ? "ok" : /:cancel$/.test(message) ? "cancel" : "fail";
    var joiner = bridge.result_url.indexOf("?") < 0 ? "?" : "&";
    window.location.assign(bridge.result_url + joiner + "result=" + result);
  }

  function pay() {
    if (started) {
      return;
    }
    if (!window.WeixinJSBridge) {
      document.getElementById("wechat-pay-outside").hidden = false;
      return;
    }
    started = true;
    button.disabled = true;
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", bridge.params, finish);
  }

  button.addEventListener("click", pay);
  if (bridge.invoke_now) {
    if (window.WeixinJSBridge) {
      pay();
    } else {
      document.addEventListener("WeixinJSBridgeReady", pay, false);
    }
  }
})();
