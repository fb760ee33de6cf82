/* wall capture report: chart tabs, zoom, and corrections kept in the page (no server).
   Data comes from the JSON block only (JSON.parse); text is written with textContent/value. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var storeKey = "wall-capture:corrections:" + data.workshop + ":" + data.run;
  var edits = {};  // key -> correction, as written to corrections.json

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* --- chart sort tabs ------------------------------------------------------------------ */
  $all(".chart-block").forEach(function (block) {
    $all(".tab", block).forEach(function (tab) {
      tab.addEventListener("click", function () {
        var order = tab.getAttribute("data-chart-order");
        $all(".tab", block).forEach(function (t) {
          var on = t === tab;
          t.classList.toggle("active", on);
          t.setAttribute("aria-selected", on ? "true" : "false");
        });
        $all(".chart-view", block).forEach(function (v) {
          v.hidden = v.getAttribute("data-order") !== order;
        });
      });
    });
  });

  /* --- lightbox --------------------------------------------------------------------------- */
  var lightbox = $("#lightbox");
  var lbBody = $(".lb-body", lightbox);
  function openLightbox(node) {
    lbBody.textContent = "";
    var clone = node.cloneNode(true);
    clone.removeAttribute("id");
    clone.removeAttribute("tabindex");
    clone.classList.remove("zoomable");
    clone.classList.add("lb-content");
    $all("img", clone).forEach(function (img) { img.loading = "eager"; });
    lbBody.appendChild(clone);
    lightbox.hidden = false;
    document.body.classList.add("lb-open");
  }
  function closeLightbox() {
    lightbox.hidden = true;
    lbBody.textContent = "";
    document.body.classList.remove("lb-open");
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!lightbox.hidden) {
      if (t.closest(".lb-close") || !t.closest(".lb-content")) { closeLightbox(); }
      return;
    }
    if (t.closest("a, input, textarea, select, button, label")) { return; }
    var fig = t.closest(".zoomable");
    if (fig) { openLightbox(fig); return; }
    if (t.classList && t.classList.contains("zoom-img")) { openLightbox(t); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !lightbox.hidden) { closeLightbox(); }
    if (ev.key === "Enter" && ev.target.classList && ev.target.classList.contains("zoomable")) {
      openLightbox(ev.target);
    }
  });

  /* --- corrections: notes ------------------------------------------------------------------ */
  function noteTarget(row) {
    return { photo: row.getAttribute("data-photo"), board: row.getAttribute("data-board"),
             note: row.getAttribute("data-note") };
  }
  function noteKey(t) { return "note|" + t.photo + "|" + t.board + "|" + t.note; }
  function origNote(t) { return data.notes[t.photo + "|" + t.board + "|" + t.note] || {}; }
  function num(input) {
    if (!input || input.value.trim() === "") { return null; }
    var v = Number(input.value.replace(",", "."));
    return isFinite(v) ? Math.min(1, Math.max(0, v)) : null;
  }
  function selectedIsGrid(sel) {
    var opt = sel && sel.options[sel.selectedIndex];
    return !!(opt && opt.getAttribute("data-grid") === "1");
  }

  function noteCorrection(row) {
    var t = noteTarget(row);
    var o = origNote(t);
    var c = { target: t };
    var fd = $('[data-field="false_detection"]', row);
    if (fd && fd.checked !== !!o.false_detection) { c.false_detection = fd.checked; }
    if (fd && fd.checked) { return c.false_detection === undefined ? null : c; }
    var set = {};
    var text = $('[data-field="text"]', row);
    if (text && text.value !== (o.text || "")) { set.text = text.value; }
    var zoneSel = $('[data-field="zone"]', row);
    var zone = zoneSel ? (zoneSel.value || null) : (o.zone === undefined ? null : o.zone);
    if (zone !== (o.zone === undefined ? null : o.zone)) { set.zone = zone; }
    if (selectedIsGrid(zoneSel)) {
      var x = num($('[data-field="x"]', row));
      var y = num($('[data-field="y"]', row));
      var moved = (x !== null && (o.x === null || o.x === undefined || Math.abs(x - o.x) > 0.004)) ||
                  (y !== null && (o.y === null || o.y === undefined || Math.abs(y - o.y) > 0.004));
      if (moved || ("zone" in set)) {
        if (x !== null) { set.x = Math.round(x * 1000) / 1000; }
        if (y !== null) { set.y = Math.round(y * 1000) / 1000; }
      }
    }
    if (Object.keys(set).length) { c.set = set; }
    return (c.set || c.false_detection !== undefined) ? c : null;
  }

  function refreshNote(row) {
    var zoneSel = $('[data-field="zone"]', row);
    var xy = $(".xy", row);
    if (xy) { xy.hidden = !selectedIsGrid(zoneSel); }
    var fd = $('[data-field="false_detection"]', row);
    row.classList.toggle("rejected", !!(fd && fd.checked));
    var c = noteCorrection(row);
    var key = noteKey(noteTarget(row));
    if (c) { edits[key] = c; } else { delete edits[key]; }
    row.classList.toggle("edited", !!c);
  }

  /* --- corrections: vote counts ------------------------------------------------------------ */
  function voteCorrection(tr) {
    var board = tr.getAttribute("data-board");
    var zone = tr.getAttribute("data-zone");
    var o = data.votes[board + "|" + zone] || { count: 0, by_color: {} };
    var byColor = {};
    var total = 0;
    var changed = false;
    $all(".vote-input", tr).forEach(function (inp) {
      var colour = inp.getAttribute("data-color");
      var v = Math.max(0, Math.round(Number(inp.value) || 0));
      byColor[colour] = v;
      total += v;
      if (v !== (o.by_color[colour] || 0)) { changed = true; }
    });
    Object.keys(o.by_color).forEach(function (colour) {  // colours without an input keep theirs
      if (!(colour in byColor)) { byColor[colour] = o.by_color[colour]; total += o.by_color[colour]; }
    });
    var out = $(".vote-total", tr);
    if (out) { out.textContent = String(total); }
    if (!changed) { return null; }
    return { target: { board: board, zone: zone }, set: { count: total, by_color: byColor } };
  }
  function refreshVote(tr) {
    var c = voteCorrection(tr);
    var key = "vote|" + tr.getAttribute("data-board") + "|" + tr.getAttribute("data-zone");
    if (c) { edits[key] = c; } else { delete edits[key]; }
    tr.classList.toggle("edited", !!c);
  }

  /* --- bar, storage, download ---------------------------------------------------------------- */
  var countEl = $("#corr-count");
  var download = $("#corr-download");
  var reset = $("#corr-reset");
  var author = $("#corr-author");

  function save() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ author: author.value, edits: edits }));
    } catch (e) { /* storage refused (private mode): edits stay in the page */ }
  }
  var bar = $("#corrections-bar");
  var toggle = $(".bar-toggle", bar);
  var barCount = $(".bar-count", bar);
  toggle.addEventListener("click", function () {  // the bar folds on a phone
    var open = !bar.classList.contains("open");
    bar.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  function updateBar() {
    var n = Object.keys(edits).length;
    countEl.textContent = String(n);
    barCount.textContent = String(n);
    download.disabled = n === 0;
    reset.disabled = n === 0;
    document.body.classList.toggle("has-edits", n > 0);
  }
  function changed(ev) {
    var row = ev.target.closest(".note-row");
    if (row) { refreshNote(row); }
    var tr = ev.target.closest(".vote-row");
    if (tr) { refreshVote(tr); }
    updateBar();
    save();
  }
  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  author.addEventListener("input", save);

  function findRow(sel, attrs) {
    return $all(sel).filter(function (r) {
      return Object.keys(attrs).every(function (k) { return r.getAttribute("data-" + k) === attrs[k]; });
    })[0];
  }
  function restore() {
    var stored;
    try { stored = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { stored = null; }
    if (!stored || typeof stored !== "object") { return; }
    if (typeof stored.author === "string") { author.value = stored.author; }
    Object.keys(stored.edits || {}).forEach(function (key) {
      var c = stored.edits[key];
      if (!c || !c.target) { return; }
      if (c.target.note !== undefined) {
        var row = findRow(".note-row", c.target);
        if (!row) { return; }
        var fd = $('[data-field="false_detection"]', row);
        if (fd && c.false_detection !== undefined) { fd.checked = !!c.false_detection; }
        var set = c.set || {};
        ["text", "x", "y"].forEach(function (f) {
          var el = $('[data-field="' + f + '"]', row);
          if (el && set[f] !== undefined && set[f] !== null) { el.value = String(set[f]); }
        });
        var sel = $('[data-field="zone"]', row);
        if (sel && set.zone !== undefined) { sel.value = set.zone === null ? "" : set.zone; }
        refreshNote(row);
      } else if (c.target.zone !== undefined) {
        var tr = findRow(".vote-row", c.target);
        if (!tr) { return; }
        $all(".vote-input", tr).forEach(function (inp) {
          var v = (c.set && c.set.by_color) ? c.set.by_color[inp.getAttribute("data-color")] : undefined;
          if (v !== undefined) { inp.value = String(v); }
        });
        refreshVote(tr);
      }
    });
    updateBar();
  }

  download.addEventListener("click", function () {
    var doc = { version: 1, workshop: data.workshop, created: new Date().toISOString(),
                corrections: Object.keys(edits).sort().map(function (k) { return edits[k]; }) };
    var name = author.value.trim();
    if (name) { doc.author = name; }
    var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "corrections.json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  function resetFields() {  // back to the values the page was built with
    $all(".note-row, .vote-row").forEach(function (row) {
      $all("input, textarea", row).forEach(function (el) {
        if (el.type === "checkbox") { el.checked = el.defaultChecked; } else { el.value = el.defaultValue; }
      });
      $all("select", row).forEach(function (sel) {
        $all("option", sel).forEach(function (o) { o.selected = o.defaultSelected; });
      });
      row.classList.remove("edited");
      if (row.classList.contains("note-row")) { refreshNote(row); } else { refreshVote(row); }
    });
  }
  reset.addEventListener("click", function () {
    edits = {};
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
    resetFields();
    edits = {};
    updateBar();
  });

  resetFields();  // a reload must not keep browser-restored values the script does not know
  edits = {};
  restore();
  updateBar();
})();
