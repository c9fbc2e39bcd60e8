/*
 * Chat widget for the Rotterdam safety assistant (Rasa REST channel).
 *
 * Embed with one tag; the stylesheet next to this file is loaded by the script:
 *   <script src="/chat-widget.js" defer data-server="https://rasa.example.nl"
 *           data-privacy-url="/privacy"></script>
 * All options are data-attributes on that tag (see docs/widget.md).
 *
 * Safety: nothing from the server or the user is ever parsed as HTML. Messages are
 * built with createElement/textContent from a tiny markdown subset (paragraphs,
 * "- " lists, **bold**, links to https/mailto/tel only).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || document.querySelector(".rchat")) return; // once per page

  function option(name, fallback) {
    var value = script.getAttribute("data-" + name);
    return value === null || value === "" ? fallback : value;
  }

  var config = {
    server: option("server", "http://localhost:5005").replace(/\/+$/, ""),
    title: option("title", "Veiligheidsassistent"),
    privacyUrl: option("privacy-url", "/privacy"),
    launcherLabel: option("launcher-label", "Chat over veiligheid"),
    color: option("color", ""),
    colorText: option("color-text", ""),
    maxLength: parseInt(option("max-length", "300"), 10),
    timeoutSeconds: parseFloat(option("timeout", "30")),
    stylesheet: option("stylesheet", new URL("chat-widget.css", script.src).href)
  };
  var WEBHOOK = config.server + "/webhooks/rest/webhook";
  var COUNTER_FROM = Math.floor(config.maxLength * 0.8); // show the counter near the limit
  var KEY = "rchat:"; // sessionStorage: the conversation ends when the browser closes

  var TEXT = {
    welcome: [
      "Welkom! Ik ben een computerprogramma van de gemeente. Ik beantwoord vragen " +
        "over veiligheid in je wijk.",
      "Deel geen persoonsgegevens, zoals je naam, adres of telefoonnummer.",
      "Is er nu gevaar? Bel dan direct 112."
    ],
    privacy: "Lees hoe we met je gegevens omgaan (privacyverklaring)",
    close: "Chat sluiten",
    log: "Gesprek",
    you: "Jij: ",
    bot: "Assistent: ",
    label: "Typ je vraag",
    send: "Verstuur",
    typing: "De assistent typt een antwoord…",
    error: "Het lukt nu niet om een antwoord te krijgen. Probeer het over een paar " +
      "minuten opnieuw. Is er nu gevaar? Bel 112.",
    retry: "Opnieuw proberen",
    replies: "Kies een antwoord",
    newTab: " (opent in nieuw tabblad)",
    counter: function (n) { return n + " van " + config.maxLength + " tekens"; }
  };

  // ---- storage -------------------------------------------------------------

  function load(name, fallback) {
    try {
      var value = window.sessionStorage.getItem(KEY + name);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) {
      return fallback; // storage blocked or corrupt: start fresh
    }
  }

  function save(name, value) {
    try {
      window.sessionStorage.setItem(KEY + name, JSON.stringify(value));
    } catch (e) { /* storage blocked: the chat still works, only not after a reload */ }
  }

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  var sender = load("sender", null);
  if (typeof sender !== "string") {
    sender = uuid4();
    save("sender", sender);
  }
  // [{from: "user"|"bot", text, buttons?}]: shown again after a reload.
  var transcript = load("transcript", []);
  if (!Array.isArray(transcript)) transcript = [];

  // ---- safe rendering ------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var SAFE_LINK = /^(https:\/\/|mailto:|tel:)/i;

  function link(href, label) {
    var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [label]);
    if (/^https:/i.test(href)) a.appendChild(el("span", { "class": "rchat-sr" }, [TEXT.newTab]));
    return a;
  }

  // [label](url), a bare https URL or **bold**; anything else stays plain text.
  var INLINE = /\[([^\]\n]+)\]\(([^)\s]+)\)|(https:\/\/[^\s<>"]+)|\*\*([^*\n]+)\*\*/.source;

  function inline(text, parent) {
    var pattern = new RegExp(INLINE, "g"); // one per call: bold text is parsed recursively
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        parent.appendChild(SAFE_LINK.test(match[2]) ? link(match[2], match[1]) : document.createTextNode(match[1]));
      } else if (match[3] !== undefined) {
        // A sentence may end right after the URL: keep that punctuation out of the link.
        var url = match[3].replace(/[.,;:!?)]+$/, "");
        parent.appendChild(link(url, url));
        parent.appendChild(document.createTextNode(match[3].slice(url.length)));
      } else {
        inline(match[4], parent.appendChild(el("strong")));
      }
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  // Blocks are separated by blank lines; lines starting with "- " or "* " form a list.
  function formatted(text) {
    var box = document.createDocumentFragment();
    String(text).split(/\n\s*\n/).forEach(function (block) {
      var list = null;
      var paragraph = null;
      block.split("\n").forEach(function (line) {
        var item = /^\s*[-*]\s+(.*)$/.exec(line);
        if (item) {
          paragraph = null;
          if (!list) list = box.appendChild(el("ul"));
          inline(item[1], list.appendChild(el("li")));
        } else if (line.trim()) {
          list = null;
          if (paragraph) paragraph.appendChild(el("br"));
          else paragraph = box.appendChild(el("p"));
          inline(line, paragraph);
        }
      });
    });
    return box;
  }

  // ---- the widget ----------------------------------------------------------

  var stylesheet = el("link", { rel: "stylesheet", href: config.stylesheet });
  document.head.appendChild(stylesheet);

  var launcher = el("button", {
    type: "button", "class": "rchat-launcher", "aria-expanded": "false", "aria-controls": "rchat-panel"
  }, [el("span", { "class": "rchat-launcher-icon", "aria-hidden": "true" }), config.launcherLabel]);

  var closeButton = el("button", { type: "button", "class": "rchat-close", "aria-label": TEXT.close },
    [el("span", { "aria-hidden": "true" }, ["×"])]);

  var welcome = el("div", { "class": "rchat-welcome" }, TEXT.welcome.map(function (line) {
    return el("p", {}, [line]);
  }).concat([el("p", {}, [el("a", { href: config.privacyUrl }, [TEXT.privacy])])]));

  // The log scrolls; tabindex lets keyboard users scroll it. The welcome is there from the
  // start, so it is not announced as a new message.
  var log = el("div", { "class": "rchat-log", role: "log", "aria-label": TEXT.log, tabindex: "0" },
    [welcome]);
  var status = el("div", { "class": "rchat-status", role: "status" });
  var errorBox = el("div", { "class": "rchat-error", role: "alert" });

  var input = el("input", {
    type: "text", id: "rchat-input", "class": "rchat-input", maxlength: String(config.maxLength),
    autocomplete: "off", "aria-describedby": "rchat-counter"
  });
  var counter = el("div", { id: "rchat-counter", "class": "rchat-counter" });
  var sendButton = el("button", { type: "submit", "class": "rchat-send" }, [TEXT.send]);
  var form = el("form", { "class": "rchat-form", novalidate: "" }, [
    el("label", { "for": "rchat-input", "class": "rchat-label" }, [TEXT.label]),
    el("div", { "class": "rchat-row" }, [input, sendButton]),
    counter
  ]);

  var panel = el("section", {
    id: "rchat-panel", "class": "rchat-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "rchat-title", hidden: ""
  }, [
    el("div", { "class": "rchat-header" }, [el("h2", { id: "rchat-title" }, [config.title]), closeButton]),
    log, errorBox, status, form
  ]);

  var root = el("div", { "class": "rchat", lang: "nl" }, [panel, launcher]);
  // Colours from the embedding page; CSSOM changes are allowed by a strict CSP.
  if (config.color) root.style.setProperty("--rchat-color", config.color);
  if (config.colorText) root.style.setProperty("--rchat-color-text", config.colorText);
  document.body.appendChild(root);

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function removeQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".rchat-replies"), function (group) {
      group.parentNode.removeChild(group);
    });
  }

  function showMessage(message, withButtons) {
    var who = message.from === "user" ? "user" : "bot";
    var bubble = el("div", { "class": "rchat-msg rchat-msg-" + who }, [
      el("span", { "class": "rchat-sr" }, [who === "user" ? TEXT.you : TEXT.bot])
    ]);
    bubble.appendChild(who === "user" ? el("p", {}, [String(message.text)]) : formatted(message.text || ""));
    log.appendChild(bubble);
    if (withButtons && Array.isArray(message.buttons) && message.buttons.length) {
      var group = el("div", { "class": "rchat-replies", role: "group", "aria-label": TEXT.replies });
      message.buttons.forEach(function (button) {
        var b = el("button", { type: "button", "class": "rchat-reply" }, [String(button.title)]);
        b.addEventListener("click", function () {
          send(String(button.title), String(button.payload || button.title));
        });
        group.appendChild(b);
      });
      log.appendChild(group);
    }
  }

  function record(message) {
    transcript.push(message);
    save("transcript", transcript);
  }

  var pending = null; // the message that failed, for the retry button
  var busy = false;

  function setBusy(value) {
    busy = value;
    status.textContent = "";
    status.classList.toggle("rchat-typing", value);
    if (value) {
      status.appendChild(el("span", { "class": "rchat-dots", "aria-hidden": "true" }, [
        el("span"), el("span"), el("span")
      ]));
      status.appendChild(document.createTextNode(TEXT.typing));
    }
    sendButton.disabled = value;
  }

  function showError() {
    errorBox.textContent = "";
    var retry = el("button", { type: "button", "class": "rchat-retry" }, [TEXT.retry]);
    retry.addEventListener("click", function () {
      if (pending) deliver(pending.payload);
    });
    errorBox.appendChild(el("p", {}, [TEXT.error]));
    errorBox.appendChild(retry);
    scrollToEnd();
  }

  function clearError() {
    errorBox.textContent = "";
  }

  function deliver(payload) {
    var hadFocus = errorBox.contains(document.activeElement);
    pending = { payload: payload };
    clearError();
    if (hadFocus) input.focus(); // the retry button is gone: keep focus in the chat
    setBusy(true);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, config.timeoutSeconds * 1000);
    fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: payload }),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (messages) {
      var answers = (Array.isArray(messages) ? messages : []).filter(function (m) {
        return m && (typeof m.text === "string" || Array.isArray(m.buttons));
      });
      if (!answers.length) throw new Error("empty answer"); // e.g. the action server is down
      pending = null;
      setBusy(false);
      answers.forEach(function (m, i) {
        var message = { from: "bot", text: m.text || "", buttons: m.buttons || [] };
        record(message);
        showMessage(message, i === answers.length - 1);
      });
      scrollToEnd();
    }).catch(function () {
      setBusy(false);
      showError();
    }).then(function () {
      if (timer) clearTimeout(timer);
    });
  }

  function send(shown, payload) {
    if (busy) return;
    var text = shown.trim();
    if (!text) return;
    removeQuickReplies();
    var message = { from: "user", text: text.slice(0, config.maxLength) };
    record(message);
    showMessage(message, false);
    scrollToEnd();
    input.focus();
    deliver(payload === undefined ? message.text : payload);
  }

  function updateCounter() {
    var n = input.value.length;
    counter.textContent = n >= COUNTER_FROM ? TEXT.counter(n) : "";
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    save("open", true);
    scrollToEnd();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    save("open", false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(); else close();
  });
  closeButton.addEventListener("click", close);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy || !input.value.trim()) return;
    var text = input.value;
    input.value = "";
    updateCounter();
    send(text);
  });
  input.addEventListener("input", updateCounter);

  transcript.forEach(function (message, i) {
    showMessage(message, i === transcript.length - 1);
  });
  if (load("open", false)) {
    // Restore an open chat after a reload without stealing focus from the page.
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    scrollToEnd();
  }
})();
