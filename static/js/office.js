// ShopOffice's only script: htmx is configured by the <meta name="htmx-config"> in base.html.
// This file shows a toast (text from #toasts' data-offline) when the server cannot be reached, removes toasts
// after a while, and offers @mention suggestions under any field with data-mention="<suggestions URL>".
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

// @mentions: typing "@" and a few letters (name, pinyin or initials) lists matching colleagues;
// arrows choose, Enter or a tap inserts "@名字 ". Without this script "@名字" typed by hand works the same.
(function () {
  var box = null, field = null, active = -1, timer = null;
  var token = /(^|[^\w@.])@([\w.\-\u3400-\u9fff]{0,20})$/;

  function close() {
    if (box) { box.remove(); box = null; }
    if (field) { field.removeAttribute("aria-activedescendant"); field.setAttribute("aria-expanded", "false"); }
    active = -1;
  }
  function options() { return box ? box.querySelectorAll("[role=option]") : []; }
  function highlight(i) {
    var list = options();
    if (!list.length) return;
    active = (i + list.length) % list.length;
    list.forEach(function (el, n) { el.setAttribute("aria-selected", n === active ? "true" : "false"); });
    field.setAttribute("aria-activedescendant", list[active].id);
  }
  function choose(option) {
    var before = field.value.slice(0, field.selectionStart), after = field.value.slice(field.selectionStart);
    var match = before.match(token);
    if (!match) return close();
    var start = before.length - match[2].length;
    var text = option.dataset.insert + " ";
    field.value = before.slice(0, start) + text + after;
    field.selectionStart = field.selectionEnd = start + text.length;
    field.focus();
    close();
  }
  function suggest(el) {
    var match = el.value.slice(0, el.selectionStart).match(token);
    if (!match) return close();
    fetch(el.dataset.mention + "?q=" + encodeURIComponent(match[2]), { headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        close();
        if (!html.trim()) return;
        field = el;
        box = document.createElement("ul");
        box.className = "mention-box";
        box.id = el.id + "-mentions";
        box.setAttribute("role", "listbox");
        box.innerHTML = html;
        el.setAttribute("aria-controls", box.id);
        el.setAttribute("aria-expanded", "true");
        el.insertAdjacentElement("afterend", box);
        highlight(0);
      });
  }
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el.dataset || !el.dataset.mention) return;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(el); }, 150);
  });
  document.addEventListener("keydown", function (e) {
    if (!box || e.target !== field) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(options()[active]); }
    else if (e.key === "Escape") { close(); }
  });
  document.addEventListener("mousedown", function (e) {
    var option = e.target.closest && e.target.closest(".mention-box [role=option]");
    if (option) { e.preventDefault(); choose(option); }
    else if (box && !box.contains(e.target)) { close(); }
  });
})();

// New post cards arrive out of band into #feed-posts. A card already on the page (its stream
// reconnected from an older point) is not added a second time.
document.addEventListener("htmx:oobBeforeSwap", function (e) {
  var detail = e.detail;
  if (!detail.target || detail.target.id !== "feed-posts" || !detail.fragment) return;
  detail.fragment.querySelectorAll("article.post[id]").forEach(function (card) {
    if (document.getElementById(card.id)) card.remove();
  });
});

// Shipping notes: the Print button stays hidden without this script (Ctrl+P is offered beside it).
document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) window.print();
});

// The live stream ends every LIVE_STREAM_SECONDS with a "bye" event naming the next stream's URL
// (office/live/views.py). Left alone, the EventSource would report the end as an error (htmx logs it
// to the console) and reconnect by itself; instead it is closed here and a fresh #live opens that URL.
document.addEventListener("htmx:sseOpen", function (e) {
  var live = e.target, source = e.detail && e.detail.source;
  if (!live || live.id !== "live" || !source || source.officeBye) return;
  source.officeBye = true;
  source.addEventListener("bye", function (message) {
    source.close();
    if (!document.body.contains(live)) return;
    var next = live.cloneNode(false);
    next.setAttribute("sse-connect", message.data);
    live.replaceWith(next);
    htmx.process(next);
  });
});

// The feed's composer (templates/feed/_composer.html): with this script the file input hides behind its
// 附件 button (the form gets .composer-js), and the files chosen are listed before posting: a thumbnail for an
// image, name and size for the rest, and a button that takes one out again. Without it the plain input shows.
(function () {
  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("form.composer")) root.classList.add("composer-js");
    root.querySelectorAll("form.composer").forEach(function (form) { form.classList.add("composer-js"); });
  }
  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1048576) return Math.round(bytes / 1024) + " KB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }
  function render(input) {
    var list = document.getElementById(input.dataset.preview);
    var template = document.getElementById("composer-file-item");
    if (!list || !template) return;
    list.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file, index) {
      var item = template.content.firstElementChild.cloneNode(true);
      if (/^image\//.test(file.type)) {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = "";
        var thumb = item.querySelector(".composer-file-thumb");
        thumb.textContent = "";
        thumb.appendChild(img);
      }
      item.querySelector(".composer-file-name").textContent = file.name;
      item.querySelector(".composer-file-size").textContent = size(file.size);
      var remove = item.querySelector("[data-remove-file]");
      remove.setAttribute("aria-label", remove.dataset.label.replace("{name}", file.name));
      remove.dataset.index = String(index);
      list.appendChild(item);
    });
    list.hidden = input.files.length === 0;
  }
  enhance(document);
  document.addEventListener("htmx:load", function (e) { enhance(e.detail.elt); });
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (input.matches && input.matches("input[type=file][data-preview]")) render(input);
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-remove-file]");
    if (!button) return;
    var list = button.closest("[data-files-for]");
    var input = list && document.getElementById(list.dataset.filesFor);
    if (!input) return;
    // A file input's list cannot be edited in place; a DataTransfer builds the new one.
    var kept = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file, index) {
      if (index !== Number(button.dataset.index)) kept.items.add(file);
    });
    input.files = kept.files;
    render(input);
    input.focus();
  });
})();

// The service worker (static/js/sw.js, served as /sw.js): shows the offline page when a page
// cannot be reached. Its address, with the static files' version, comes from <body data-sw>.
(function () {
  var url = document.body && document.body.dataset.sw;
  if (!url || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () { /* plain pages still work */ });
  });
})();

// Styled file inputs (macros/forms.html file_input): once this runs, the button-like label stands in
// for the browser's control (CSS hides it but keeps it focusable) and the chosen names show beside it.
// Without this script the browser's own file input shows, and works the same.
(function () {
  function ready(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-file-input]").forEach(function (box) {
      box.classList.add("is-ready");
      show(box);
    });
  }
  function show(box) {
    var input = box.querySelector("input[type=file]"), out = box.querySelector(".file-input-names");
    if (!input || !out) return;
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    out.textContent = names.length ? names.join("、") : out.dataset.none;
    out.classList.toggle("has-files", names.length > 0);
  }
  document.addEventListener("change", function (e) {
    var box = e.target.closest && e.target.closest("[data-file-input]");
    if (box) show(box);
  });
  // A form reset (the composer clears itself after posting) empties the input without a change event.
  document.addEventListener("reset", function (e) {
    setTimeout(function () { e.target.querySelectorAll("[data-file-input]").forEach(show); });
  });
  ready(document);
  document.addEventListener("htmx:load", function (e) { ready(e.target); });
})();

// Canned replies (templates/replies/_copy.html): the 复制 button copies its reply's wording (the read-only
// text box it names in data-copy) and says so in a toast; htmx posts the same click to count the copy. With
// this script the highlighted wording shows and the text box hides (.replies-js); without it the box is there
// to select by hand and the button stays hidden. The Clipboard API needs HTTPS (or localhost): on a plain-HTTP
// office server the selected box is copied the old way.
(function () {
  function ready(root) {
    if (!root || !root.querySelectorAll) return;
    var boxes = Array.prototype.slice.call(root.querySelectorAll(".reply-list, .reply-pick"));
    if (root.matches && root.matches(".reply-list, .reply-pick")) boxes.push(root);
    boxes.forEach(function (box) { box.classList.add("replies-js"); });
    root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  function say(text, failed) {
    var region = document.getElementById("toasts");
    if (!region) return;
    var el = document.createElement("div");
    el.className = failed ? "toast toast-error" : "toast toast-success";
    el.setAttribute("role", failed ? "alert" : "status");
    el.textContent = text;
    region.appendChild(el);
  }
  function oldWay(box) {
    box.classList.add("reply-text-shown");
    box.focus();
    box.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (err) { done = false; }
    if (done) box.classList.remove("reply-text-shown");
    return done;
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy]");
    if (!button) return;
    var box = document.getElementById(button.dataset.copy);
    if (!box) return;
    var text = box.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(button.dataset.copied); }, function () {
        if (oldWay(box)) say(button.dataset.copied); else say(button.dataset.copyFailed, true);
      });
    } else if (oldWay(box)) {
      say(button.dataset.copied);
    } else {
      say(button.dataset.copyFailed, true);
    }
  });
  ready(document);
  document.addEventListener("htmx:load", function (e) { ready(e.detail.elt); });
})();
