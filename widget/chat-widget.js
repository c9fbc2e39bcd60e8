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
    // The server's limit wins (GET <server>/webhooks/rest/instellingen); a page may only
    // set a smaller one.
    pageMaxLength: parseInt(option("max-length", "0"), 10) || 0,
    timeoutSeconds: parseFloat(option("timeout", "30")),
    stylesheet: option("stylesheet", new URL("chat-widget.css", script.src).href)
  };
  var WEBHOOK = config.server + "/webhooks/rest/webhook";
  var SETTINGS_URL = config.server + "/webhooks/rest/instellingen";
  // The longest message: the server's one limit (0 = not known yet; the channel itself
  // still refuses longer messages with a Dutch answer).
  var maxLength = config.pageMaxLength;
  var KEY = "rchat:"; // sessionStorage: the conversation ends when the browser closes

  var TEXT = {
    hello: function (name) { return "Hallo, ik ben de " + name + "."; },
    welcome: [
      "Ik ben een computerprogramma van de gemeente. Ik beantwoord vragen over " +
        "veiligheid in je wijk.",
      "Deel geen persoonsgegevens, zoals je naam, adres of telefoonnummer.",
      "Is er nu gevaar? Bel dan direct 112."
    ],
    examplesLabel: "Probeer bijvoorbeeld:",
    // One for a resident, one for a wijkraad member, one for reporting, and the overview.
    examples: [
      "Waar meld ik overlast van hangjongeren?",
      "Mogen wij als wijkraad meepraten over camera's?",
      "Ik wil een signaal doorgeven",
      "Wat kan ik vragen?"
    ],
    privacy: "Lees hoe we met je gegevens omgaan (privacyverklaring)",
    close: "Chat sluiten",
    restart: "Nieuw gesprek",
    restarted: "Er is een nieuw gesprek begonnen.",
    body: "Gesprek",
    log: "Berichten",
    you: "Jij: ",
    bot: "Assistent: ",
    label: "Typ je vraag",
    send: "Verstuur",
    typing: "De assistent typt een antwoord…",
    error: "Het lukt nu niet om een antwoord te krijgen. Probeer het over een paar " +
      "minuten opnieuw. Is er nu gevaar? Bel 112.",
    retry: "Opnieuw proberen",
    replies: "Kies een antwoord:",
    repliesHint: " Onder het invoerveld staan knoppen om een antwoord te kiezen.",
    newTab: " (opent in nieuw tabblad)",
    counter: function (n) { return n + " van " + maxLength + " tekens"; }
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
  // [{from: "user"|"bot", text, buttons?}]: shown again after a reload. One bot entry is
  // the whole answer to one user turn.
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

  var SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // Our own municipal mark: a green shield with a white band (the colours of the city's
  // flag) on a white disc. Decorative: the name is always written next to it.
  function mark(className) {
    return svg("svg", {
      "class": className, viewBox: "0 0 24 24", width: "28", height: "28",
      "aria-hidden": "true", focusable: "false"
    }, [
      svg("circle", { cx: "12", cy: "12", r: "12", fill: "#ffffff" }),
      svg("path", { d: "M12 3.5 19 6v5.5c0 4.3-3 7.6-7 9-4-1.4-7-4.7-7-9V6Z", fill: "#00811f" }),
      svg("path", { d: "M5 9.5h14v3.2H5Z", fill: "#ffffff" })
    ]);
  }

  function launcherIcon(open) {
    return svg("svg", {
      "class": "rchat-launcher-icon", viewBox: "0 0 20 20", width: "20", height: "20",
      "aria-hidden": "true", focusable: "false"
    }, open ? [
      svg("path", { d: "M4 4l12 12M16 4 4 16", stroke: "currentColor", "stroke-width": "2.5",
                    "stroke-linecap": "round", fill: "none" })
    ] : [
      svg("path", { d: "M3 3h14v10H8l-4 4v-4H3Z", stroke: "currentColor", "stroke-width": "2",
                    "stroke-linejoin": "round", fill: "none" })
    ]);
  }

  var stylesheet = el("link", { rel: "stylesheet", href: config.stylesheet });
  document.head.appendChild(stylesheet);

  var launcherText = el("span", { "class": "rchat-launcher-text" }, [config.launcherLabel]);
  var launcher = el("button", {
    type: "button", "class": "rchat-launcher", "aria-expanded": "false", "aria-controls": "rchat-panel"
  }, [launcherIcon(false), launcherText]);

  var closeButton = el("button", { type: "button", "class": "rchat-close", "aria-label": TEXT.close },
    [el("span", { "aria-hidden": "true" }, ["×"])]);
  var restartButton = el("button", { type: "button", "class": "rchat-restart" }, [TEXT.restart]);

  var examples = el("div", {
    "class": "rchat-examples", role: "group", "aria-labelledby": "rchat-examples-label"
  }, [el("p", { id: "rchat-examples-label", "class": "rchat-examples-label" }, [TEXT.examplesLabel])]
    .concat(TEXT.examples.map(function (question) {
      var b = el("button", { type: "button", "class": "rchat-example" }, [question]);
      b.addEventListener("click", function () { send(question); });
      return b;
    })));

  var welcome = el("div", { "class": "rchat-welcome" }, [
    el("div", { "class": "rchat-hello" }, [mark("rchat-mark"), el("p", {}, [
      el("strong", {}, [TEXT.hello(config.title)])
    ])])
  ].concat(TEXT.welcome.map(function (line) { return el("p", {}, [line]); }))
    .concat([el("p", {}, [el("a", { href: config.privacyUrl }, [TEXT.privacy])]), examples]));

  // Only messages go in the log, so a screen reader announces each answer once, as one
  // item. The welcome sits above it in the same scrolling area; tabindex lets keyboard
  // users scroll that area.
  var log = el("div", { "class": "rchat-log", role: "log", "aria-label": TEXT.log });
  var body = el("div", { "class": "rchat-body", role: "region", "aria-label": TEXT.body, tabindex: "0" },
    [welcome, log]);
  var status = el("div", { "class": "rchat-status", role: "status" });
  var errorBox = el("div", { "class": "rchat-error", role: "alert" });

  var input = el("input", {
    type: "text", id: "rchat-input", "class": "rchat-input",
    autocomplete: "off", "aria-describedby": "rchat-counter"
  });
  var counter = el("div", { id: "rchat-counter", "class": "rchat-counter" });
  var sendButton = el("button", { type: "submit", "class": "rchat-send" }, [TEXT.send]);
  var form = el("form", { "class": "rchat-form", novalidate: "" }, [
    el("label", { "for": "rchat-input", "class": "rchat-label" }, [TEXT.label]),
    el("div", { "class": "rchat-row" }, [input, sendButton]),
    counter
  ]);
  // Quick replies: their own labelled group after the log and the input, so Tab reaches
  // them in order right after the input row, and they are never read as part of an answer.
  var replies = el("div", {
    "class": "rchat-replies", role: "group", "aria-labelledby": "rchat-replies-label", hidden: ""
  });

  var panel = el("section", {
    id: "rchat-panel", "class": "rchat-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "rchat-title", hidden: ""
  }, [
    el("div", { "class": "rchat-header" }, [
      el("h2", { id: "rchat-title" }, [config.title]), restartButton, closeButton
    ]),
    body, errorBox, status, form, replies
  ]);

  var root = el("div", { "class": "rchat", lang: "nl" }, [panel, launcher]);
  // Colours from the embedding page; CSSOM changes are allowed by a strict CSP.
  if (config.color) root.style.setProperty("--rchat-color", config.color);
  if (config.colorText) root.style.setProperty("--rchat-color-text", config.colorText);
  document.body.appendChild(root);

  // ---- scrolling -------------------------------------------------------------

  var anchor = null; // the item to keep in view: the newest answer (or question)

  // Normally the message area scrolls; on a very low screen the whole panel does, with the
  // input row sticking to its bottom (chat-widget.css).
  function scroller() {
    return window.getComputedStyle(body).overflowY === "visible" ? panel : body;
  }

  // Shows `item`: all of it when it fits, else its first line at the top, so a long answer
  // is read from its start.
  function reveal(item) {
    if (!item || panel.hidden) return;
    var box = scroller();
    var view = box.clientHeight - (box === panel ? form.offsetHeight : 0);
    var top = item.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    var margin = 8;
    var target = top - margin; // the first line at the top
    if (item.offsetHeight + 2 * margin <= view) {
      // It fits: scroll only as far as needed to show its end (the newest text).
      target = Math.min(target, Math.max(box.scrollTop, top + item.offsetHeight + margin - view));
    }
    box.scrollTop = Math.max(0, target);
  }

  function latestExchange() {
    return log.lastElementChild;
  }

  // The on-screen keyboard: with interactive-widget=resizes-content the page shrinks;
  // browsers without it only shrink the visual viewport. Either way the full-screen panel
  // follows the visible height and the newest answer stays where it was.
  function followViewport() {
    var viewport = window.visualViewport;
    // Only a keyboard that covers the page (visual viewport smaller than the layout one)
    // needs an explicit height; otherwise the panel simply fills the page.
    if (viewport && viewport.height < window.innerHeight - 1) {
      root.style.setProperty("--rchat-vh", Math.round(viewport.height) + "px");
    } else {
      root.style.removeProperty("--rchat-vh");
    }
    if (!panel.hidden && anchor) {
      reveal(anchor);
      window.requestAnimationFrame(function () { reveal(anchor); }); // after the new layout
    }
  }
  if (window.visualViewport) window.visualViewport.addEventListener("resize", followViewport);
  window.addEventListener("resize", followViewport);

  // ---- messages ----------------------------------------------------------------

  function clearReplies() {
    replies.textContent = "";
    replies.hidden = true;
  }

  function showReplies(buttons) {
    clearReplies();
    if (!Array.isArray(buttons) || !buttons.length) return;
    replies.appendChild(el("p", { id: "rchat-replies-label", "class": "rchat-replies-label" },
      [TEXT.replies]));
    buttons.forEach(function (button) {
      var b = el("button", { type: "button", "class": "rchat-reply" }, [String(button.title)]);
      b.addEventListener("click", function () {
        send(String(button.title), String(button.payload || button.title));
      });
      replies.appendChild(b);
    });
    replies.hidden = false;
  }

  function showMessage(message, withButtons) {
    var who = message.from === "user" ? "user" : "bot";
    var item = el("div", { "class": "rchat-msg rchat-msg-" + who }, [
      el("span", { "class": "rchat-sr" }, [who === "user" ? TEXT.you : TEXT.bot])
    ]);
    item.appendChild(who === "user" ? el("p", {}, [String(message.text)]) : formatted(message.text || ""));
    var hasButtons = Array.isArray(message.buttons) && message.buttons.length > 0;
    if (who === "bot" && withButtons && hasButtons) {
      item.appendChild(el("span", { "class": "rchat-sr" }, [TEXT.repliesHint]));
    }
    log.appendChild(item);
    if (withButtons) showReplies(hasButtons ? message.buttons : []);
    return item;
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
    // The error takes room: keep the question in view, and the error itself when the whole
    // panel scrolls.
    if (scroller() === panel) errorBox.scrollIntoView({ block: "nearest" });
    else reveal(anchor);
  }

  function clearError() {
    errorBox.textContent = "";
  }

  function deliver(payload) {
    var hadFocus = errorBox.contains(document.activeElement);
    var forSender = sender;
    pending = { payload: payload };
    clearError();
    if (hadFocus) input.focus(); // the retry button is gone: keep focus in the chat
    setBusy(true);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, config.timeoutSeconds * 1000);
    fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: forSender, message: payload }),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (messages) {
      if (forSender !== sender) return; // a new conversation began meanwhile
      var answers = (Array.isArray(messages) ? messages : []).filter(function (m) {
        return m && (typeof m.text === "string" || Array.isArray(m.buttons));
      });
      if (!answers.length) throw new Error("empty answer"); // e.g. the action server is down
      pending = null;
      setBusy(false);
      // Rasa sends one answer as several messages; they are one item, with paragraphs.
      var buttons = [];
      answers.forEach(function (m) { if (Array.isArray(m.buttons)) buttons = m.buttons; });
      var message = {
        from: "bot",
        text: answers.map(function (m) { return m.text || ""; }).filter(Boolean).join("\n\n"),
        buttons: buttons
      };
      record(message);
      anchor = showMessage(message, true);
      reveal(anchor);
    }).catch(function () {
      if (forSender !== sender) return;
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
    // Before the used replies go, so focus never falls out of the chat; reveal() scrolls.
    input.focus({ preventScroll: true });
    clearReplies();
    var message = { from: "user", text: maxLength ? text.slice(0, maxLength) : text };
    record(message);
    anchor = showMessage(message, false);
    reveal(anchor);
    deliver(payload === undefined ? message.text : payload);
  }

  function updateCounter() {
    var n = input.value.length;
    counter.textContent = maxLength && n >= Math.floor(maxLength * 0.8) ? TEXT.counter(n) : "";
  }

  function setMaxLength(n) {
    maxLength = config.pageMaxLength ? Math.min(config.pageMaxLength, n) : n;
    input.setAttribute("maxlength", String(maxLength));
    updateCounter();
  }

  if (maxLength) setMaxLength(maxLength);
  // The server's one limit (bot/channel.py, from wijkveiligheid.settings).
  fetch(SETTINGS_URL, { credentials: "omit" }).then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (data) {
    var n = data && data.max_lengte;
    if (typeof n === "number" && n > 0 && Math.floor(n) === n) setMaxLength(n);
  }).catch(function () { /* unknown: the channel still answers a too long message */ });

  // A new conversation: Rasa forgets the old one (/restart for the old id), the widget
  // takes a new id and shows the welcome again.
  function restart() {
    var old = sender;
    fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: old, message: "/restart" }),
      credentials: "omit"
    }).catch(function () { /* the new id alone already starts afresh */ });
    sender = uuid4();
    save("sender", sender);
    transcript = [];
    save("transcript", transcript);
    log.textContent = "";
    clearReplies();
    clearError();
    pending = null;
    anchor = null;
    setBusy(false);
    input.value = "";
    updateCounter();
    scroller().scrollTop = 0;
    input.focus({ preventScroll: true });
    status.textContent = TEXT.restarted;
  }

  function setOpen(open) {
    panel.hidden = !open;
    root.classList.toggle("rchat-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    launcherText.textContent = open ? TEXT.close : config.launcherLabel;
    launcher.replaceChild(launcherIcon(open), launcher.firstChild);
    save("open", open);
  }

  function open() {
    setOpen(true);
    followViewport();
    input.focus({ preventScroll: true }); // the input row is always in view; keep the start
    reveal(anchor = latestExchange());
  }

  function close() {
    setOpen(false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) open(); else close();
  });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
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
    // Restore an open chat after a reload without stealing focus from the page, with the
    // latest exchange in view (again once the stylesheet has laid the panel out).
    setOpen(true);
    followViewport();
    anchor = latestExchange();
    reveal(anchor);
    stylesheet.addEventListener("load", function () { reveal(anchor); });
  }
})();
