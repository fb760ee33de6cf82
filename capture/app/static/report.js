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

  // what every note row starts its correction with: "not a note" (then nothing else is said)
  // and the text; returns null when the row is marked rejected as it already was
  function startCorrection(row, t, o) {
    var c = { target: t };
    var fd = $('[data-field="false_detection"]', row);
    if (fd && fd.checked !== !!o.false_detection) { c.false_detection = fd.checked; }
    if (fd && fd.checked) { return { done: true, c: c.false_detection === undefined ? null : c }; }
    var set = {};
    var text = $('[data-field="text"]', row);
    if (text && text.value !== (o.text || "")) { set.text = text.value; }
    return { done: false, c: c, set: set };
  }
  function keepEdit(row, key, c) {  // the row's correction kept (or dropped) and shown
    var fd = $('[data-field="false_detection"]', row);
    row.classList.toggle("rejected", !!(fd && fd.checked));
    if (c) { edits[key] = c; } else { delete edits[key]; }
    row.classList.toggle("edited", !!c);
  }

  function noteCorrection(row) {
    var t = noteTarget(row);
    var o = origNote(t);
    var start = startCorrection(row, t, o);
    if (start.done) { return start.c; }
    var c = start.c;
    var set = start.set;
    var zoneSel = $('[data-field="zone"]', row);
    var zone = zoneSel ? (zoneSel.value || null) : (o.zone === undefined ? null : o.zone);
    if (zone !== (o.zone === undefined ? null : o.zone)) { set.zone = zone; }
    if (selectedIsGrid(zoneSel)) {
      // a position is sent only when the person typed one: the inputs show it rounded to
      // 0.01, and a text edit must not move the note nor vouch for its place
      var xIn = $('[data-field="x"]', row);
      var yIn = $('[data-field="y"]', row);
      var typed = function (el) {
        if (!el) { return false; }
        var now = num(el);
        var shown = el.defaultValue.trim() === "" ? null : Number(el.defaultValue);
        return now !== null && (shown === null || Math.abs(now - shown) > 0.0005);
      };
      var moved = typed(xIn) || typed(yIn);
      var x = num(xIn);
      var y = num(yIn);
      if (moved || ("zone" in set)) {
        if (x !== null) { set.x = Math.round(x * 1000) / 1000; }
        if (y !== null) { set.y = Math.round(y * 1000) / 1000; }
      }
    }
    var colour = $('[data-field="color"]', row);
    if (colour && o.color && colour.value !== o.color) { set.color = colour.value; }
    if (Object.keys(set).length) { c.set = set; }
    return (c.set || c.false_detection !== undefined) ? c : null;
  }

  function refreshNote(row) {
    var zoneSel = $('[data-field="zone"]', row);
    var xy = $(".xy", row);
    if (xy) { xy.hidden = !selectedIsGrid(zoneSel); }
    keepEdit(row, noteKey(noteTarget(row)), noteCorrection(row));
  }

  /* --- corrections: notes read on a photo with no board ------------------------------------ */
  function mlTarget(row) {
    return { photo: row.getAttribute("data-photo"), markerless: row.getAttribute("data-ml") };
  }
  function mlKey(t) { return "markerless|" + t.photo + "|" + t.markerless; }
  function mlCorrection(row) {
    var t = mlTarget(row);
    var o = (data.markerless || {})[t.photo + "|" + t.markerless] || {};
    var start = startCorrection(row, t, o);
    if (start.done) { return start.c; }
    var c = start.c;
    var set = start.set;
    var colour = $('[data-field="color"]', row);
    if (colour && colour.value !== o.color) { set.color = colour.value; }
    var dots = {};
    var total = 0;
    var moved = false;
    $all(".ml-dot", row).forEach(function (inp) {
      var k = inp.getAttribute("data-color");
      var v = Math.max(0, Math.round(Number(inp.value) || 0));
      if (v > 0) { dots[k] = v; }
      total += v;
      if (v !== ((o.dots || {})[k] || 0)) { moved = true; }
    });
    var out = $(".ml-total", row);
    if (out) { out.textContent = String(total); }
    if (moved) { set.dots = dots; }  // the whole count: colours left out have none
    if (Object.keys(set).length) { c.set = set; }
    return (c.set || c.false_detection !== undefined) ? c : null;
  }
  function refreshMl(row) { keepEdit(row, mlKey(mlTarget(row)), mlCorrection(row)); }

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
    updateProgress();
    renderAdds();
    var n = Object.keys(edits).length;
    countEl.textContent = String(n);
    barCount.textContent = String(n);
    download.disabled = n === 0;
    if (saveBtn) { saveBtn.disabled = n === 0; }
    reset.disabled = n === 0;
    document.body.classList.toggle("has-edits", n > 0);
  }
  /* --- corrections: points checked ---------------------------------------------------------- */
  function flagTarget(box) {
    var t = { flag: box.getAttribute("data-flag") };
    ["board", "zone", "item"].forEach(function (k) {
      var v = box.getAttribute("data-" + k);
      t[k] = v === "" ? null : v;
    });
    return t;
  }
  function flagKey(t) { return "flag|" + t.flag + "|" + t.board + "|" + t.zone + "|" + t.item; }
  function refreshFlag(box) {
    var t = flagTarget(box);
    var key = flagKey(t);
    if (box.checked !== box.defaultChecked) {
      edits[key] = { target: t, checked: box.checked };
    } else { delete edits[key]; }
    box.closest(".flag").classList.toggle("edited", box.checked !== box.defaultChecked);
  }
  var progressDone = $all("#progress-done, .progress-done");
  function updateProgress() {  // points to check (not info) checked or corrected
    var done = $all(".flag:not(.sev-info)").filter(function (li) {
      var box = $(".flag-check input", li);
      return box ? box.checked : li.classList.contains("resolved");
    }).length;
    progressDone.forEach(function (el) { el.textContent = String(done); });
  }

  function changed(ev) {
    var row = ev.target.closest(".note-row");
    if (row) { refreshNote(row); }
    var tr = ev.target.closest(".vote-row");
    if (tr) { refreshVote(tr); }
    var ml = ev.target.closest(".ml-row");
    if (ml) { refreshMl(ml); }
    if (ev.target.matches && ev.target.matches(".flag-check input")) { refreshFlag(ev.target); }
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
      if (c.target.markerless !== undefined) {
        var mrow = findRow(".ml-row", { photo: c.target.photo, ml: c.target.markerless });
        if (!mrow) { return; }
        var mfd = $('[data-field="false_detection"]', mrow);
        if (mfd && c.false_detection !== undefined) { mfd.checked = !!c.false_detection; }
        var ms = c.set || {};
        var mt = $('[data-field="text"]', mrow);
        if (mt && ms.text !== undefined) { mt.value = ms.text; }
        var mc = $('[data-field="color"]', mrow);
        if (mc && ms.color !== undefined) { mc.value = ms.color; }
        if (ms.dots) {
          $all(".ml-dot", mrow).forEach(function (inp) { inp.value = String(ms.dots[inp.getAttribute("data-color")] || 0); });
        }
        refreshMl(mrow);
        return;
      }
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
        var col = $('[data-field="color"]', row);
        if (col && set.color !== undefined) { col.value = set.color; }
        refreshNote(row);
      } else if (c.target.flag !== undefined) {
        var box = $all(".flag-check input").filter(function (b) {
          return flagKey(flagTarget(b)) === flagKey(c.target);
        })[0];
        if (box && !box.disabled) { box.checked = !!c.checked; refreshFlag(box); }
      } else if (c.target.add !== undefined) {
        edits[key] = c;
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
    var doc = corrections();
    var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "corrections.json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  function resetFields() {  // back to the values the page was built with
    $all(".flag-check input").forEach(function (b) {
      b.checked = b.defaultChecked;
      b.closest(".flag").classList.remove("edited");
    });
    $all(".note-row, .vote-row, .ml-row").forEach(function (row) {
      $all("input, textarea", row).forEach(function (el) {
        if (el.type === "checkbox") { el.checked = el.defaultChecked; } else { el.value = el.defaultValue; }
      });
      $all("select", row).forEach(function (sel) {
        $all("option", sel).forEach(function (o) { o.selected = o.defaultSelected; });
      });
      row.classList.remove("edited");
      if (row.classList.contains("note-row")) { refreshNote(row); }
      else if (row.classList.contains("ml-row")) { refreshMl(row); } else { refreshVote(row); }
    });
  }
  reset.addEventListener("click", function () {
    edits = {};
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
    resetFields();
    edits = {};
    updateBar();
  });

  /* --- a note the machine missed: click its place on the straightened board ------------------ */
  var colourFr = data.colour_fr || {};
  var adding = null;  // the .add-note block waiting for a click on its board
  function boardStageOf(block) {
    return $(".board-stage", block.closest(".board-card"));
  }
  $all(".add-note").forEach(function (block) {
    $(".add-toggle", block).addEventListener("click", function () {
      var on = adding !== block;
      $all(".add-note").forEach(function (b) {
        $(".add-help", b).hidden = true;
        boardStageOf(b).classList.remove("adding");
      });
      adding = on ? block : null;
      $(".add-help", block).hidden = !on;
      boardStageOf(block).classList.toggle("adding", on);
    });
    $(".add-ok", block).addEventListener("click", function () {
      var form = $(".add-form", block);
      var board = block.getAttribute("data-board");
      var id = "ajout-" + Date.now().toString(36) + "-" + Math.floor(Math.random() * 1e6).toString(36);
      var set = { text: $(".add-text", form).value, color: $(".add-colour", form).value,
                  center_mm: [Number(form.getAttribute("data-x")), Number(form.getAttribute("data-y"))] };
      edits["add|" + board + "|" + id] = { target: { board: board, add: id, photo: block.getAttribute("data-photo") },
                                           set: set };
      form.hidden = true;
      $(".add-text", form).value = "";
      updateBar();
      save();
    });
  });
  function placeNote(block, ev) {
    var stage = boardStageOf(block);
    var r = stage.getBoundingClientRect();
    var x = (ev.clientX - r.left) / r.width * Number(block.getAttribute("data-w"));
    var y = (ev.clientY - r.top) / r.height * Number(block.getAttribute("data-h"));
    var form = $(".add-form", block);
    form.setAttribute("data-x", String(Math.round(x * 10) / 10));
    form.setAttribute("data-y", String(Math.round(y * 10) / 10));
    $(".add-where", form).textContent = "à " + Math.round(x / 10) + " cm du bord gauche, " +
      Math.round(y / 10) + " cm du haut";
    form.hidden = false;
    $(".add-help", block).hidden = true;
    stage.classList.remove("adding");
    adding = null;
    $(".add-text", form).focus();
  }
  document.addEventListener("click", function (ev) {
    if (!adding) { return; }
    var stage = ev.target.closest(".board-stage");
    if (stage && stage === boardStageOf(adding)) {
      ev.stopImmediatePropagation();
      ev.preventDefault();
      placeNote(adding, ev);
    }
  }, true);
  function renderAdds() {
    $all(".add-note").forEach(function (block) {
      var list = $(".add-list", block);
      list.textContent = "";
      Object.keys(edits).forEach(function (k) {
        var c = edits[k];
        if (!c.target || c.target.add === undefined || c.target.board !== block.getAttribute("data-board")) { return; }
        var li = document.createElement("li");
        li.textContent = "à ajouter : « " + (c.set.text || "") + " » (" + (colourFr[c.set.color] || c.set.color) + ") ";
        var del = document.createElement("button");
        del.type = "button";
        del.className = "secondary";
        del.textContent = "retirer";
        del.addEventListener("click", function () { delete edits[k]; updateBar(); save(); });
        li.appendChild(del);
        list.appendChild(li);
      });
    });
  }

  /* --- recolour a sticker: click it on the straightened board (or in the enlarged view) ---- */
  var recolour = $("#recolour");
  var picked = null;
  document.addEventListener("click", function (ev) {
    var dot = ev.target.closest && ev.target.closest("circle.recolourable");
    if (!dot || adding) { return; }
    ev.stopImmediatePropagation();
    ev.preventDefault();
    picked = dot;
    recolour.hidden = false;
  }, true);
  $(".recolour-cancel", recolour).addEventListener("click", function () {
    recolour.hidden = true;
    picked = null;
  });
  $all(".recolour-choices button", recolour).forEach(function (btn) {
    btn.addEventListener("click", function (ev) {
      ev.stopPropagation();
      recolour.hidden = true;
      if (!picked) { return; }
      var from = picked.getAttribute("data-color");
      var to = btn.getAttribute("data-color");
      var tr = findRow(".vote-row", { board: picked.getAttribute("data-board"),
                                      zone: picked.getAttribute("data-zone") });
      if (tr && from !== to) {  // one sticker moves from its colour's count to the other's
        var dec = $('.vote-input[data-color="' + from + '"]', tr);
        var inc = $('.vote-input[data-color="' + to + '"]', tr);
        if (dec && inc) {
          dec.value = String(Math.max(0, (Number(dec.value) || 0) - 1));
          inc.value = String((Number(inc.value) || 0) + 1);
          // every copy of this sticker (the board and its enlarged view) shows the new colour
          $all('circle.recolourable[data-board="' + picked.getAttribute("data-board") + '"][cx="' +
               picked.getAttribute("cx") + '"][cy="' + picked.getAttribute("cy") + '"]').forEach(function (c) {
            c.setAttribute("data-color", to);
            c.style.setProperty("--c", btn.style.getPropertyValue("--c"));
            c.classList.add("recoloured");
          });
          refreshVote(tr);
          updateBar();
          save();
        }
      }
      picked = null;
    });
  });

  /* --- served by `capture review`: save straight into the output folder --------------------- */
  var saveBtn = $("#corr-save");
  var status = $("#corr-status");
  function corrections() {
    var doc = { version: 1, workshop: data.workshop, created: new Date().toISOString(),
                corrections: Object.keys(edits).sort().map(function (k) { return edits[k]; }) };
    var name = author.value.trim();
    if (name) { doc.author = name; }
    return doc;
  }
  if (location.protocol === "http:" || location.protocol === "https:") {
    fetch("api/ping", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { return; }
      document.body.classList.add("served");
      saveBtn.hidden = false;
      saveBtn.disabled = Object.keys(edits).length === 0;
    }).catch(function () { /* a plain web server: keep the download */ });
  }
  saveBtn.addEventListener("click", function () {
    saveBtn.disabled = true;
    status.textContent = "enregistrement…";
    fetch("api/corrections", { method: "POST", credentials: "same-origin",
                               headers: { "Content-Type": "application/json" },
                               body: JSON.stringify(corrections()) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) {
          status.textContent = "refusé : " + (res.body.error || "erreur");
          saveBtn.disabled = false;
          return;
        }
        edits = {};
        try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
        status.textContent = "enregistré";
        location.reload();
      })
      .catch(function () { status.textContent = "le serveur ne répond pas"; saveBtn.disabled = false; });
  });

  resetFields();  // a reload must not keep browser-restored values the script does not know
  edits = {};
  restore();
  updateBar();
})();
