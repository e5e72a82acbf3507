/* Kundsvar help widget. The shop adds one tag to its pages:
 *   <script src="https://support.example/static/kundsvar/widget.js" data-shop="nordljus" async></script>
 * Optional: data-lang="sv|nb|da|en" (default: the page's <html lang>), data-label="Help",
 * data-base="https://support.example" (where Kundsvar runs, when static files live elsewhere).
 * A logged-in shopper: data-customer-email, -name, -id, -expires and -signature, signed on
 * the shop's server (Settings → Logged-in shoppers); the panel then shows their orders and
 * fills in the form and the chat, and, when the shop has switched it on, one line about the
 * latest order sits above the button. Unsigned or wrongly signed: an anonymous visitor.
 * A button opens a panel with our help page in a frame: FAQ search, order lookup, contact.
 * No framework, no build step; styles live in a shadow root so the shop's CSS and ours
 * never meet. Keyboard: the button is a real button, Esc closes, focus returns to it. */
(function () {
  "use strict";
  if (window.KundsvarWidget) { return; }

  var script = document.currentScript ||
    document.querySelector("script[data-shop][src*='widget.js']");
  if (!script || !script.getAttribute("data-shop")) { return; }

  var src = new URL(script.src, location.href);
  var base = script.getAttribute("data-base") ||
    src.href.slice(0, src.href.indexOf("/static/") > -1 ? src.href.indexOf("/static/") : 0) ||
    src.origin;
  base = base.replace(/\/+$/, "");
  var origin = new URL(base, location.href).origin;
  var shop = script.getAttribute("data-shop");
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "sv")
    .slice(0, 2).toLowerCase();
  if (lang === "no" || lang === "nn") { lang = "nb"; }

  var WORDS = {
    sv: { open: "Hjälp", title: "Kundtjänst", close: "Stäng", home: "Till början" },
    nb: { open: "Hjelp", title: "Kundeservice", close: "Lukk", home: "Til start" },
    da: { open: "Hjælp", title: "Kundeservice", close: "Luk", home: "Til start" },
    en: { open: "Help", title: "Customer service", close: "Close", home: "Back to start" }
  };
  var words = WORDS[lang] || WORDS.en;
  var label = script.getAttribute("data-label") || words.open;
  var identity = "";
  [["email", "ks_email"], ["name", "ks_name"], ["id", "ks_id"], ["expires", "ks_expires"],
   ["signature", "ks_sig"]].forEach(function (pair) {
    var value = script.getAttribute("data-customer-" + pair[0]);
    if (value) { identity += "&" + pair[1] + "=" + encodeURIComponent(value); }
  });
  if (identity.indexOf("ks_sig=") < 0) { identity = ""; }
  var shopPath = base + "/s/" + encodeURIComponent(shop);
  var helpUrl = shopPath + "/help/?embed=1&lang=" + encodeURIComponent(lang) + identity;

  var CSS = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; }",
    ".launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;",
    "  display: inline-flex; align-items: center; gap: 8px; padding: 12px 18px;",
    "  font: 600 16px/1 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #fff;",
    "  background: #1f5fbf; border: 0; border-radius: 999px; cursor: pointer;",
    "  box-shadow: 0 4px 16px rgba(0,0,0,.2); }",
    ".launcher:hover { background: #174b98; }",
    ".launcher:focus-visible, button:focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }",
    ".panel { position: fixed; right: 20px; bottom: 80px; z-index: 2147483001;",
    "  width: 380px; max-width: calc(100vw - 40px); height: 560px; max-height: calc(100vh - 110px);",
    "  display: flex; flex-direction: column; background: #fff; border-radius: 12px;",
    "  box-shadow: 0 12px 40px rgba(0,0,0,.28); overflow: hidden;",
    "  font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2330; }",
    ".panel[hidden] { display: none; }",
    ".bar { display: flex; align-items: center; gap: 4px; padding: 8px 8px 8px 14px;",
    "  background: #1f5fbf; color: #fff; }",
    ".bar h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }",
    ".bar button { font: inherit; color: #fff; background: transparent; border: 0;",
    "  border-radius: 6px; padding: 6px 8px; cursor: pointer; }",
    ".bar button:hover { background: rgba(255,255,255,.15); }",
    "iframe { flex: 1; width: 100%; border: 0; background: #f7f8fa; }",
    ".latest { position: fixed; right: 20px; bottom: 74px; z-index: 2147483000;",
    "  max-width: min(360px, calc(100vw - 40px)); padding: 8px 12px; border: 0;",
    "  font: 14px/1.3 system-ui, -apple-system, 'Segoe UI', sans-serif; text-align: left;",
    "  color: #1d2330; background: #fff; border-radius: 8px; cursor: pointer;",
    "  box-shadow: 0 2px 10px rgba(0,0,0,.18); }",
    ".latest[hidden] { display: none; }",
    "@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; max-width: 100vw;",
    "  height: 100vh; max-height: 100vh; border-radius: 0; } }"
  ].join("\n");

  var host, root, launcher, panel, frame, closeButton;

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function build() {
    host = element("div", { id: "kundsvar-widget", "data-kundsvar": "" });
    root = host.attachShadow({ mode: "open" });
    root.appendChild(element("style", {}, CSS));
    launcher = element("button", {
      type: "button", "class": "launcher", "aria-expanded": "false",
      "aria-controls": "kundsvar-panel", "aria-haspopup": "dialog"
    }, label);
    panel = element("div", {
      id: "kundsvar-panel", "class": "panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "kundsvar-title"
    });
    panel.hidden = true;
    var bar = element("div", { "class": "bar" });
    bar.appendChild(element("h2", { id: "kundsvar-title" }, words.title));
    var home = element("button", { type: "button", "class": "home" }, "\u2302");
    home.setAttribute("aria-label", words.home);
    home.title = words.home;
    closeButton = element("button", { type: "button", "class": "close" }, "\u2715");
    closeButton.setAttribute("aria-label", words.close);
    closeButton.title = words.close;
    bar.appendChild(home);
    bar.appendChild(closeButton);
    panel.appendChild(bar);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(host);

    launcher.addEventListener("click", function () { toggle(); });
    closeButton.addEventListener("click", function () { close(); });
    home.addEventListener("click", function () { if (frame) { frame.src = helpUrl; frame.focus(); } });
    panel.addEventListener("keydown", onKey);
    document.addEventListener("keydown", onKey);
    window.addEventListener("message", function (event) {
      if (event.origin === origin && event.data && event.data.kundsvar === "close") { close(); }
    });
  }

  // The latest order's status, one line above the button (opt-in by the shop): the answer
  // to "where is my order?" on screen before the question.
  function showLatest() {
    if (!identity || !window.fetch) { return; }
    fetch(shopPath + "/my-orders/latest.json?lang=" + encodeURIComponent(lang) + identity,
      { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) {
        if (!data || !data.line) { return; }
        var line = element("button", { type: "button", "class": "latest" }, data.line);
        line.addEventListener("click", function () {
          open();
          if (frame) { frame.src = base + data.url; }
          line.hidden = true;
        });
        root.insertBefore(line, launcher);
      })
      .catch(function () {});
  }

  function onKey(event) {
    if (event.key === "Escape" && panel && !panel.hidden) {
      event.stopPropagation();
      close();
    }
  }

  function open() {
    if (!panel) { return; }
    if (!frame) {
      // The frame loads on first open only: a closed widget costs the shop's page nothing.
      frame = element("iframe", { title: words.title, src: helpUrl, loading: "eager" });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function close() {
    if (!panel || panel.hidden) { return; }
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function toggle() {
    if (panel && panel.hidden) { open(); } else { close(); }
  }

  window.KundsvarWidget = {
    open: function () { open(); },
    close: function () { close(); },
    toggle: function () { toggle(); }
  };

  function start() { build(); showLatest(); }
  if (document.body) { start(); } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
