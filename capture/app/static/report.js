/* wall capture report: chart tabs, zoom, and corrections kept in the page (no server).
   Data comes from the JSON block only (JSON.parse); text is written with textContent/value. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var storeKey = "wall-capture:corrections:" + data.workshop + ":" + data.run;
  var edits = {};  // key -> correction, as written to corrections.json
  var bumps = {};  // key of a sticker edit -> the notes' counts it changed in their rows

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
    // a count the machine gave follows the stickers clicked on the photo by itself (their own
    // corrections say it): only what a person types beyond them is a typed count; a count a
    // person already typed (data-typed) stays typed, the clicks change it as typing would
    var bumped = row.getAttribute("data-typed") === "1" ? {} : bumpedCounts(t.photo, t.markerless);
    $all(".ml-dot", row).forEach(function (inp) {
      var k = inp.getAttribute("data-color");
      var v = Math.max(0, Math.round(Number(inp.value) || 0));
      if (v > 0) { dots[k] = v; }
      total += v;
      if (v !== ((o.dots || {})[k] || 0) + (bumped[k] || 0)) { moved = true; }
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

  /* The same report open in two tabs (or windows) shares one stored set: each page writes
     only the corrections it changed since it last read that set, field by field (the text of
     a note, its colour, a count...), and a page redraws itself when another one writes
     (storage event), so that every tab shows, downloads and saves the corrections of all.
     Each field carries the time it was last written (its stamp): two copies of the set are
     joined field by field, the later one kept. A tab reads the storage through its own copy,
     brought up to date a moment after another tab writes: a tab writing at that moment writes
     an older copy of the other tab's fields, and the stamps are what tells the other tab its
     own last keystrokes are newer, so that it keeps them (and writes them back) instead of
     taking the older copy. A field gone (a correction undone) keeps its stamp; "Tout annuler"
     stamps the whole set cleared, a save into the folder the fields it sent. */
  function emptySet() {
    return { author: "", authorT: 0, cleared: 0, edits: {}, bumps: {}, stamps: {}, gone: {} };
  }
  var base = emptySet();  // the stored set as this page last saw (or wrote) it
  function canon(v) {  // JSON with sorted keys: the same correction built twice compares equal
    if (v === undefined) { return "-"; }  // a field absent (a number, a string, null are not)
    if (v === null || typeof v !== "object") { return JSON.stringify(v); }
    if (Array.isArray(v)) { return "[" + v.map(canon).join(",") + "]"; }
    return "{" + Object.keys(v).sort().map(function (k) {
      return JSON.stringify(k) + ":" + canon(v[k]);
    }).join(",") + "}";
  }
  function readStored() {  // the stored set, or an empty one (nothing stored, unreadable)
    var s;
    try { s = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { s = null; }
    var obj = function (v) { return (v && typeof v === "object" && !Array.isArray(v)) ? v : {}; };
    var time = function (v) { return (typeof v === "number" && isFinite(v)) ? v : 0; };
    if (!s || typeof s !== "object") { return emptySet(); }
    // a set stored before the stamps (an older page): its fields stamped 0, older than any
    return { author: typeof s.author === "string" ? s.author : "", authorT: time(s.authorT),
             cleared: time(s.cleared), edits: obj(s.edits), bumps: obj(s.bumps),
             stamps: obj(s.stamps), gone: obj(s.gone) };
  }
  function copy(v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); }
  function union() {  // the keys of every object given
    var keys = {};
    Array.prototype.forEach.call(arguments, function (o) {
      Object.keys(o || {}).forEach(function (k) { keys[k] = true; });
    });
    return Object.keys(keys);
  }
  function fieldsOf(set, k) {  // name -> value of what a correction says, one field each
    var out = {};
    var c = set.edits[k];
    if (c && typeof c === "object") {
      Object.keys(c).forEach(function (p) {
        if (p === "set" && c.set && typeof c.set === "object") {
          Object.keys(c.set).forEach(function (q) { out["set." + q] = c.set[q]; });
        } else if (p !== "target" && p !== "set") { out[p] = c[p]; }
      });
    }
    if (set.bumps[k] !== undefined) { out.bumps = set.bumps[k]; }  // the counts it moved
    return out;
  }
  function putField(set, k, name, v, t, target) {  // v undefined: the field taken away
    if (name === "bumps") {
      if (v === undefined) { delete set.bumps[k]; } else { set.bumps[k] = copy(v); }
    } else {
      var c = set.edits[k];
      if (!c && v !== undefined) { c = set.edits[k] = { target: copy(target) }; }
      if (c) {
        if (name.indexOf("set.") === 0) {
          var q = name.slice(4);
          if (v !== undefined) { c.set = c.set || {}; c.set[q] = copy(v); }
          else if (c.set) { delete c.set[q]; if (!Object.keys(c.set).length) { delete c.set; } }
        } else if (v !== undefined) { c[name] = copy(v); } else { delete c[name]; }
        if (Object.keys(c).length === 1) { delete set.edits[k]; }  // its target alone: none
      }
    }
    set.stamps[k] = set.stamps[k] || {};
    set.stamps[k][name] = t;
  }
  function stampOf(set, k, name) { return (set.stamps[k] || {})[name] || 0; }
  function goneBefore(set, k, name) {  // a field stamped up to this is gone (saved, cancelled)
    return Math.max(set.cleared, (set.gone[k] || {})[name] || 0);
  }
  function join(p, s) {  // two copies of the stored set made one: each field as written last
    var out = emptySet();
    out.cleared = Math.max(p.cleared, s.cleared);
    [p, s].forEach(function (x) {
      Object.keys(x.gone).forEach(function (k) {
        Object.keys(x.gone[k] || {}).forEach(function (n) {
          var g = out.gone[k] = out.gone[k] || {};
          g[n] = Math.max(g[n] || 0, Number(x.gone[k][n]) || 0);
        });
      });
    });
    var a = (p.authorT > s.authorT || (p.authorT === s.authorT && p.author > s.author)) ? p : s;
    out.author = a.author;
    out.authorT = a.authorT;
    union(p.edits, p.bumps, p.stamps, s.edits, s.bumps, s.stamps).forEach(function (k) {
      var fp = fieldsOf(p, k);
      var fs = fieldsOf(s, k);
      var target = ((s.edits[k] && s.edits[k].target) ? s.edits[k] : (p.edits[k] || {})).target;
      union(fp, fs, p.stamps[k], s.stamps[k]).forEach(function (n) {
        var tp = stampOf(p, k, n);
        var ts = stampOf(s, k, n);
        // one stamp, two values (two tabs in the same millisecond): the same one in every tab
        var takeP = tp > ts || (tp === ts && canon(fp[n]) > canon(fs[n]));
        var t = takeP ? tp : ts;
        var gone = goneBefore(out, k, n);
        if (gone > 0 && t <= gone) { return; }
        putField(out, k, n, takeP ? fp[n] : fs[n], t, target);
      });
    });
    return out;
  }
  function maxStamp(set) {
    var m = Math.max(set.cleared, set.authorT);
    [set.stamps, set.gone].forEach(function (o) {
      Object.keys(o).forEach(function (k) {
        Object.keys(o[k] || {}).forEach(function (n) { m = Math.max(m, Number(o[k][n]) || 0); });
      });
    });
    return m;
  }
  function fresh(set) { return Math.max(Date.now(), maxStamp(set) + 1); }  // later than any
  function write(set) {  // false: storage refused (private mode), the edits stay in the page
    try { localStorage.setItem(storeKey, JSON.stringify(set)); } catch (e) { return false; }
    lastStored = storedText();  // this page's own write: nothing to redraw for
    return true;
  }
  function save() {
    var now = join(base, readStored());
    var t = fresh(now);
    union(edits, base.edits, bumps, base.bumps).forEach(function (k) {  // what this page changed
      var mine = fieldsOf({ edits: edits, bumps: bumps }, k);
      var was = fieldsOf(base, k);
      var target = (edits[k] || base.edits[k] || {}).target;
      union(mine, was).forEach(function (n) {
        if (canon(mine[n]) !== canon(was[n])) { putField(now, k, n, mine[n], t, target); }
      });
    });
    if (author.value !== base.author) { now.author = author.value; now.authorT = t; }
    if (!write(now)) { return; }
    var theirs = canon(now.edits) !== canon(edits) || canon(now.bumps) !== canon(bumps) ||
      now.author !== author.value;
    base = now;
    if (theirs) { redraw(); }  // another tab wrote in between: its corrections shown here too
  }
  /* The field the reviewer is in (typing, or a list open) is left as it is by a redraw: its
     value, caret and a word being composed stay; the other fields take the other tabs'
     changes. When the reviewer leaves it, the page is drawn again: the field shows the text
     typed last, theirs (already stored at each keystroke) or the other tab's, typed later. */
  var held = null;      // the field a redraw is leaving alone now
  var heldOver = null;  // the field a redraw left alone, the reviewer still in it
  function heldField() {
    var el = document.activeElement;
    // a page in a tab or window in the background is typed in by nobody: all of it redrawn
    if (!el || !el.matches || !document.hasFocus()) { return null; }
    if (el === author) { return el; }
    if (!el.closest(".note-row, .vote-row, .ml-row")) { return null; }
    return el.matches("textarea, select, input:not([type=checkbox]):not([type=radio])") ? el : null;
  }
  function put(el, prop, v) { if (el && el !== held) { el[prop] = v; } }
  function redraw(keep) {  // the page drawn again from the stored set (another tab changed it)
    var stored = readStored();
    var now = join(base, stored);
    // the storage behind this page (a tab wrote its older copy over it): written back
    if (canon(now) !== canon(stored)) { write(now); }
    lastStored = storedText();
    base = now;
    held = keep === false ? null : heldField();
    if (held) { heldOver = held; }
    try {
      resetFields();
      edits = {};
      bumps = {};
      restore(base);
      // the row of the field left alone holds what it shows: its correction as the page sees
      // it (written at the reviewer's next keystroke; the field left, the stored one shown)
      var row = held && held.closest(".note-row, .vote-row, .ml-row");
      if (row) {
        if (row.classList.contains("note-row")) { refreshNote(row); }
        else if (row.classList.contains("ml-row")) { refreshMl(row); } else { refreshVote(row); }
        updateBar();
      }
    } finally { held = null; }
  }
  document.addEventListener("focusout", function (ev) {
    if (ev.target !== heldOver) { return; }
    heldOver = null;
    redraw(false);  // left: the field shows the last typed, the other tab's or the reviewer's
  });
  var redrawSoon = null;  // another tab types: one redraw for a burst of its keystrokes
  function redrawLater() {
    if (redrawSoon === null) {
      redrawSoon = setTimeout(function () { redrawSoon = null; redraw(); }, 80);
    }
  }
  window.addEventListener("storage", function (ev) {
    if (ev.key !== storeKey && ev.key !== null) { return; }  // null: the storage cleared
    redrawLater();
  });
  /* The storage event is the fast path, not a sure one: a page opened from a file gets it or
     not as the browser likes (headless Chromium missed one now and then in the two-tab tests),
     so the stored set is also looked at once a second and the page redrawn when another tab
     changed it since this page last read or wrote it. */
  function storedText() {
    try { return localStorage.getItem(storeKey); } catch (e) { return null; }
  }
  var lastStored = storedText();
  setInterval(function () {
    var now = storedText();
    if (now !== lastStored) { lastStored = now; redrawLater(); }
  }, 1000);
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
    // a field a redraw left alone, left now: its keystrokes were each written as typed, and the
    // "change" its leaving fires would write it again over the other tab's later typing
    if (ev.type === "change" && ev.target === heldOver && !ev.target.matches("select")) { return; }
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
  function appliedDot(t) {  // the sticker of the outputs at a stored sticker's place
    return $all("circle.ml-mark").filter(function (d) {
      var xy = dotXY(d);
      return d.getAttribute("data-photo") === t.photo && xy[0] === t.dot[0] && xy[1] === t.dot[1];
    })[0];
  }
  function appliedOnWall(c) {  // a stored sticker (added or corrected) the outputs already hold
    var t = c.target;
    if (t.dot === undefined) { return false; }  // a note added: restore() saw it held or not
    var dot = appliedDot(t);
    if (!dot) { return false; }
    if (c.add) { return true; }  // its colour and note: restore() compares them
    var s = c.set || {};
    return (s.color === undefined || dot.getAttribute("data-color") === s.color) &&
      (s.on_note === undefined || dot.getAttribute("data-on") === (s.on_note || "")) &&
      (c.false_detection === undefined ||
       (dot.getAttribute("data-rejected") === "1") === c.false_detection);
  }
  function restore(set) {  // the page's fields set from a stored set (base: the page shows it)
    var stored = copy(set);
    put(author, "value", stored.author);
    bumps = stored.bumps;
    Object.keys(stored.edits || {}).forEach(function (key) {
      var c = stored.edits[key];
      if (!c || !c.target) { return; }
      if (c.target.markerless !== undefined && c.add &&
          data.markerless[c.target.photo + "|" + c.target.markerless]) {
        // an added note the outputs hold: it is a row of the page now; its text and colour as
        // the browser kept them go to that row, so a change made after the download stays
        // pending (as the row's correction), and one the outputs hold as it stands is no edit
        delete bumps[key];
        var as = c.set || {};
        c = { target: c.target, set: {} };
        if (as.text !== undefined) { c.set.text = as.text; }
        if (as.color !== undefined) { c.set.color = as.color; }
      }
      if (c.target.dot !== undefined && c.add && appliedOnWall(c)) {
        // a sticker added and held at its place: dropped with the count it moved when it has
        // the colour and note the browser kept; else that addition stays pending (applied
        // again, it changes the sticker added there, and the notes' counts follow), the rows
        // showing the outputs' counts (its click's count is in them already)
        delete bumps[key];
        var d = appliedDot(c.target);
        var ds = c.set || {};
        if ((ds.color !== undefined && ds.color !== d.getAttribute("data-color")) ||
            (ds.on_note !== undefined && (ds.on_note || "") !== d.getAttribute("data-on"))) {
          edits[key] = c;
        }
        return;
      }
      if (c.target.dot !== undefined || (c.target.markerless !== undefined && c.add)) {
        // an addition or a sticker: listed under its photo, drawn on it; once applied
        // (`capture apply`, then this page rebuilt) it is the page's own and is dropped, with
        // the counts it moved (kept, they would be moved a second time and sent as typed)
        if (appliedOnWall(c)) { delete bumps[key]; } else { edits[key] = c; }
        return;
      }
      if (c.target.markerless !== undefined) {
        var mrow = findRow(".ml-row", { photo: c.target.photo, ml: c.target.markerless });
        if (!mrow) { return; }
        var mfd = $('[data-field="false_detection"]', mrow);
        if (mfd && c.false_detection !== undefined) { put(mfd, "checked", !!c.false_detection); }
        var ms = c.set || {};
        var mt = $('[data-field="text"]', mrow);
        if (mt && ms.text !== undefined) { put(mt, "value", ms.text); }
        var mc = $('[data-field="color"]', mrow);
        if (mc && ms.color !== undefined) { put(mc, "value", ms.color); }
        if (ms.dots) {
          $all(".ml-dot", mrow).forEach(function (inp) { put(inp, "value", String(ms.dots[inp.getAttribute("data-color")] || 0)); });
        }
        refreshMl(mrow);
        return;
      }
      if (c.target.note !== undefined) {
        var row = findRow(".note-row", c.target);
        if (!row) { return; }
        var fd = $('[data-field="false_detection"]', row);
        if (fd && c.false_detection !== undefined) { put(fd, "checked", !!c.false_detection); }
        var set = c.set || {};
        ["text", "x", "y"].forEach(function (f) {
          var el = $('[data-field="' + f + '"]', row);
          if (el && set[f] !== undefined && set[f] !== null) { put(el, "value", String(set[f])); }
        });
        var sel = $('[data-field="zone"]', row);
        if (sel && set.zone !== undefined) { put(sel, "value", set.zone === null ? "" : set.zone); }
        var col = $('[data-field="color"]', row);
        if (col && set.color !== undefined) { put(col, "value", set.color); }
        refreshNote(row);
      } else if (c.target.flag !== undefined) {
        var box = $all(".flag-check input").filter(function (b) {
          return flagKey(flagTarget(b)) === flagKey(c.target);
        })[0];
        if (box && !box.disabled) { put(box, "checked", !!c.checked); refreshFlag(box); }
      } else if (c.target.add !== undefined) {
        // applied (the outputs hold it as it stands) it is dropped; changed since, it stays
        // pending: applied again, an addition of that id takes its text and colour
        var held = (data.added || {})[c.target.board + "|" + c.target.add];
        var as2 = c.set || {};
        if (!held || (as2.text !== undefined && as2.text !== held.text) ||
            (as2.color !== undefined && as2.color !== held.color)) { edits[key] = c; }
      } else if (c.target.zone !== undefined) {
        var tr = findRow(".vote-row", c.target);
        if (!tr) { return; }
        $all(".vote-input", tr).forEach(function (inp) {
          var v = (c.set && c.set.by_color) ? c.set.by_color[inp.getAttribute("data-color")] : undefined;
          if (v !== undefined) { put(inp, "value", String(v)); }
        });
        refreshVote(tr);
      }
    });
    // rows with no typed count stored: the clicked stickers' counts shown again, each row at
    // once (a row half-bumped would read as typed)
    $all(".ml-row").forEach(function (row) {
      var t = mlTarget(row);
      var c = edits[mlKey(t)];
      var add = bumpedCounts(t.photo, t.markerless);
      if ((c && c.set && c.set.dots) || !Object.keys(add).length) { return; }  // stored with them
      $all(".ml-dot", row).forEach(function (inp) {  // a count being typed: as typed
        var k = inp.getAttribute("data-color");
        put(inp, "value", String(Math.max(0, (Number(inp.value) || 0) + (add[k] || 0))));
      });
      refreshMl(row);
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
        if (el.type === "checkbox") { el.checked = el.defaultChecked; } else { put(el, "value", el.defaultValue); }
      });
      $all("select", row).forEach(function (sel) {
        if (sel === held) { return; }  // a list the reviewer is choosing in: left as it is
        $all("option", sel).forEach(function (o) { o.selected = o.defaultSelected; });
      });
      row.classList.remove("edited");
      if (row.classList.contains("note-row")) { refreshNote(row); }
      else if (row.classList.contains("ml-row")) { refreshMl(row); } else { refreshVote(row); }
    });
  }
  reset.addEventListener("click", function () {
    // the tabs share their corrections: cancelling them here cancels them there too
    if (Object.keys(others).length && !window.confirm(
      "Ce rapport est aussi ouvert dans un autre onglet ou une autre fenêtre, qui partage ces " +
      "corrections : « Tout annuler » les annule là-bas aussi. Tout annuler quand même ?")) { return; }
    edits = {};
    bumps = {};
    // the corrections go, every one stamped before now (those the other tabs hold too), the
    // reviewer's name stays (here and in the other tabs)
    var now = join(base, readStored());
    now.cleared = fresh(now);
    base = join(now, emptySet());
    write(base);
    resetFields();
    edits = {};
    updateBar();
  });

  /* --- what the machine missed: click its place on the straightened board, or on the photo of
     a wall read with no board (a note, or a sticker: data-kind "wall-note" / "wall-dot") --- */
  var colourFr = data.colour_fr || {};
  var colourFrF = data.colour_fr_f || colourFr;  // feminine: "gommette verte"
  var adding = null;  // the .add-note block waiting for a click on its board or photo
  function kindOf(block) { return block.getAttribute("data-kind") || "board"; }
  function stageOf(block) {
    return kindOf(block) === "board" ? $(".board-stage", block.closest(".board-card"))
      : $(".photo-stage", block.closest(".ml-view"));
  }
  function newId() {
    return "ajout-" + Date.now().toString(36) + "-" + Math.floor(Math.random() * 1e6).toString(36);
  }
  function formXY(form) { return [Number(form.getAttribute("data-x")), Number(form.getAttribute("data-y"))]; }
  function addCorrection(block, form) {  // [key, correction] of what the form describes
    var photo = block.getAttribute("data-photo");
    var id = newId();
    if (kindOf(block) === "wall-dot") {
      var xy = formXY(form);
      var on = $(".add-on", form).value;
      return ["dot|" + photo + "|" + xy.join("|") + "|add",
              { target: { photo: photo, dot: xy }, add: true,
                set: { color: $(".add-colour", form).value, on_note: on === "" ? null : on } }];
    }
    var set = { text: $(".add-text", form).value, color: $(".add-colour", form).value };
    if (kindOf(block) === "wall-note") {
      set.center = formXY(form);
      var dots = {};
      $all(".add-dot", form).forEach(function (inp) {
        var v = Math.max(0, Math.round(Number(inp.value) || 0));
        if (v > 0) { dots[inp.getAttribute("data-color")] = v; }
        inp.value = "0";
      });
      if (Object.keys(dots).length) { set.dots = dots; }
      var t = { photo: photo, markerless: id };
      return [mlKey(t), { target: t, add: true, set: set }];
    }
    var board = block.getAttribute("data-board");
    set.center_mm = formXY(form);
    return ["add|" + board + "|" + id, { target: { board: board, add: id, photo: photo }, set: set }];
  }
  $all(".add-note").forEach(function (block) {
    $(".add-toggle", block).addEventListener("click", function () {
      var on = adding !== block;
      $all(".add-note").forEach(function (b) {
        $(".add-help", b).hidden = true;
        stageOf(b).classList.remove("adding");
      });
      adding = on ? block : null;
      $(".add-help", block).hidden = !on;
      stageOf(block).classList.toggle("adding", on);
    });
    $(".add-ok", block).addEventListener("click", function () {
      var form = $(".add-form", block);
      var kc = addCorrection(block, form);
      edits[kc[0]] = kc[1];
      if (kc[1].set.on_note) { bump(kc[0], block.getAttribute("data-photo"), kc[1].set.on_note, kc[1].set.color); }
      form.hidden = true;
      var text = $(".add-text", form);
      if (text) { text.value = ""; }
      updateBar();
      save();
    });
  });
  function noteAt(stage, ev) {  // the id of the outlined note under a click on a photo, or ""
    var hit = "";
    $all("polygon.ov-note:not(.rejected)", stage).forEach(function (poly) {
      var svg = poly.ownerSVGElement;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      var local = pt.matrixTransform(poly.getScreenCTM().inverse());
      if (poly.isPointInFill(local)) { hit = poly.getAttribute("data-ml") || hit; }
    });
    return hit;
  }
  function placeNote(block, ev) {
    var stage = stageOf(block);
    var r = stage.getBoundingClientRect();
    var x = (ev.clientX - r.left) / r.width * Number(block.getAttribute("data-w"));
    var y = (ev.clientY - r.top) / r.height * Number(block.getAttribute("data-h"));
    var form = $(".add-form", block);
    var wall = kindOf(block) !== "board";  // normalised photo coordinates, else board mm
    var round = wall ? 10000 : 10;
    form.setAttribute("data-x", String(Math.round(x * round) / round));
    form.setAttribute("data-y", String(Math.round(y * round) / round));
    $(".add-where", form).textContent = wall
      ? "à " + Math.round(x * 100) + " % de la largeur de la photo, " + Math.round(y * 100) + " % de sa hauteur"
      : "à " + Math.round(x / 10) + " cm du bord gauche, " + Math.round(y / 10) + " cm du haut";
    var on = $(".add-on", form);
    if (on) { on.value = noteAt(stage, ev); }
    form.hidden = false;
    $(".add-help", block).hidden = true;
    stage.classList.remove("adding");
    adding = null;
    var first = $(".add-text", form) || $(".add-colour", form);
    first.focus();
  }
  document.addEventListener("click", function (ev) {
    if (!adding) { return; }
    var stage = ev.target.closest(".board-stage, .photo-stage");
    if (stage && stage === stageOf(adding)) {
      ev.stopImmediatePropagation();
      ev.preventDefault();
      placeNote(adding, ev);
    }
  }, true);
  function addLine(c) {  // what a pending addition or sticker correction says, in French
    var name = function (col) { return colourFr[col] || col; };
    if (c.target.dot === undefined) {
      return "à ajouter : « " + (c.set.text || "") + " » (" + name(c.set.color) + ") ";
    }
    var s = c.set || {};
    var on = s.on_note === undefined ? "" : (s.on_note === null ? ", hors post-it" : ", sur le post-it " + s.on_note);
    if (c.add) { return "gommette à ajouter : " + name(s.color) + on + " "; }
    if (c.false_detection) { return "pas une gommette (en " + c.target.dot.join(", ") + ") "; }
    return "gommette corrigée" + (s.color ? " : " + name(s.color) : "") + on +
      (c.false_detection === false ? ", remise" : "") + " ";
  }
  function addsOf(block) {  // the keys of the pending edits a block lists
    var kind = kindOf(block);
    var photo = block.getAttribute("data-photo");
    return Object.keys(edits).filter(function (k) {
      var t = edits[k].target || {};
      if (kind === "board") { return t.add !== undefined && t.board === block.getAttribute("data-board"); }
      if (t.photo !== photo) { return false; }
      return kind === "wall-dot" ? t.dot !== undefined : (t.markerless !== undefined && !!edits[k].add);
    });
  }
  function renderAdds() {
    $all(".add-note").forEach(function (block) {
      var list = $(".add-list", block);
      list.textContent = "";
      addsOf(block).forEach(function (k) {
        var li = document.createElement("li");
        li.textContent = addLine(edits[k]);
        var del = document.createElement("button");
        del.type = "button";
        del.className = "secondary";
        del.textContent = "retirer";
        del.addEventListener("click", function () { unbump(k); delete edits[k]; updateBar(); save(); });
        li.appendChild(del);
        list.appendChild(li);
      });
    });
    drawPending();
  }

  /* --- a sticker of a wall read with no board: click it (off the notes) to correct it ------- */
  var SVG = "http://www.w3.org/2000/svg";
  function mlRow(photo, id) { return findRow(".ml-row", { photo: photo, ml: id }); }
  function bumpRow(photo, id, colour, delta) {  // the note's count in its row follows the sticker
    var row = mlRow(photo, id);
    var inp = row && $('.ml-dot[data-color="' + colour + '"]', row);
    if (!inp) { return false; }
    inp.value = String(Math.max(0, (Number(inp.value) || 0) + delta));
    refreshMl(row);
    return true;
  }
  function bumpedCounts(photo, id) {  // colour -> what the stickers clicked add to a note's row
    var out = {};
    Object.keys(bumps).forEach(function (key) {
      (bumps[key] || []).forEach(function (b) {
        if (b.photo === photo && b.id === id) { out[b.color] = (out[b.color] || 0) + b.delta; }
      });
    });
    return out;
  }
  function bump(key, photo, id, colour, delta) {  // recorded first: the row's refresh sees it
    var row = mlRow(photo, id);
    if (!row || !$('.ml-dot[data-color="' + colour + '"]', row)) { return; }
    bumps[key] = (bumps[key] || []).concat([{ photo: photo, id: id, color: colour, delta: delta || 1 }]);
    bumpRow(photo, id, colour, delta || 1);
  }
  function unbump(key) {
    var was = bumps[key] || [];
    delete bumps[key];
    was.forEach(function (b) { bumpRow(b.photo, b.id, b.color, -b.delta); });
  }
  function dotKey(photo, xy) { return "dot|" + photo + "|" + xy.join("|"); }
  function dotXY(dot) { return [Number(dot.getAttribute("data-x")), Number(dot.getAttribute("data-y"))]; }
  function stickerHex(colour) {
    var b = $('#ml-dot .recolour-choices button[data-color="' + colour + '"]');
    return b ? b.style.getPropertyValue("--c") : "#888";
  }
  var mlDot = $("#ml-dot");
  var pickedDot = null;
  function pressColour(colour) {
    $all(".recolour-choices button", mlDot).forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-color") === colour ? "true" : "false");
    });
  }
  function openDot(dot) {
    var photo = dot.getAttribute("data-photo");
    var c = edits[dotKey(photo, dotXY(dot))] || {};
    var s = c.set || {};
    var on = $(".ml-dot-on", mlDot);
    on.textContent = "";
    var view = findRow(".ml-view", { photo: photo });
    $all(".add-on option", view).forEach(function (o) { on.appendChild(o.cloneNode(true)); });
    var cur = s.on_note !== undefined ? (s.on_note || "") : dot.getAttribute("data-on");
    if (cur && !$all("option", on).some(function (o) { return o.value === cur; })) {
      // a note not in the table (a wall shot twice: counted on the other photo): proposed as
      // it is, so that "Valider" with nothing changed does not take the sticker off it
      var own = document.createElement("option");
      own.value = cur;
      own.textContent = cur + " (compté sur une autre photo)";
      on.appendChild(own);
    }
    on.value = cur;
    $(".ml-dot-fd", mlDot).checked = c.false_detection !== undefined ? c.false_detection
      : dot.getAttribute("data-rejected") === "1";
    pressColour(s.color || dot.getAttribute("data-color"));
    pickedDot = dot;
    mlDot.setAttribute("aria-label", "Corriger la " + (dot.getAttribute("aria-label") || "gommette"));
    mlDot.hidden = false;
  }
  if (mlDot) {
    document.addEventListener("click", function (ev) {
      var dot = ev.target.closest && ev.target.closest("circle.ml-mark");
      if (!dot || adding) { return; }
      ev.stopImmediatePropagation();
      ev.preventDefault();
      openDot(dot);
    }, true);
    $all(".recolour-choices button", mlDot).forEach(function (b) {
      b.addEventListener("click", function () { pressColour(b.getAttribute("data-color")); });
    });
    $(".ml-dot-cancel", mlDot).addEventListener("click", function () {
      mlDot.hidden = true;
      pickedDot = null;
      refocus();
    });
    $(".ml-dot-ok", mlDot).addEventListener("click", function () {
      mlDot.hidden = true;
      if (!pickedDot) { return; }
      var dot = pickedDot;
      pickedDot = null;
      var photo = dot.getAttribute("data-photo");
      var xy = dotXY(dot);
      var key = dotKey(photo, xy);
      var pressed = $('.recolour-choices button[aria-pressed="true"]', mlDot);
      var colour = pressed ? pressed.getAttribute("data-color") : dot.getAttribute("data-color");
      var on = $(".ml-dot-on", mlDot).value;
      var fd = $(".ml-dot-fd", mlDot).checked;
      var was = { color: dot.getAttribute("data-color"), on: dot.getAttribute("data-on"),
                  fd: dot.getAttribute("data-rejected") === "1" };
      var c = { target: { photo: photo, dot: xy } };
      var set = {};
      if (colour !== was.color) { set.color = colour; }
      if (on !== was.on) { set.on_note = on === "" ? null : on; }
      if (fd !== was.fd) { c.false_detection = fd; }
      if (Object.keys(set).length) { c.set = set; }
      unbump(key);
      if (c.set || c.false_detection !== undefined) {
        edits[key] = c;
        // the notes it was counted on and is now counted on: their rows follow
        var before = (!was.fd && was.on) ? was.on + "|" + was.color : "";
        var after = (!fd && on) ? on + "|" + colour : "";
        if (before !== after) {
          if (after) { bump(key, photo, on, colour, 1); }
          if (before) { bump(key, photo, was.on, was.color, -1); }
        }
      } else { delete edits[key]; }
      updateBar();
      save();
      refocus();
    });
  }
  function onLabel(svg, id) {  // where a sticker is, as its name says it: "sur le post-it n° 3"
    if (!id) { return "hors post-it"; }
    var poly = $all("polygon.ov-note", svg).filter(function (pl) { return pl.getAttribute("data-ml") === id; })[0];
    var n = poly && poly.getAttribute("data-n");
    return "sur le post-it " + (n ? "n° " + n : id);
  }
  function editedLabel(svg, dot, c) {  // a sticker's name once corrected in the page
    var s = c.set || {};
    var colour = s.color || dot.getAttribute("data-color");
    var fd = c.false_detection !== undefined ? c.false_detection : dot.getAttribute("data-rejected") === "1";
    var name = "gommette " + (colourFrF[colour] || colour);
    name += fd ? " écartée (pas une gommette)"
      : " " + onLabel(svg, s.on_note !== undefined ? s.on_note : dot.getAttribute("data-on"));
    return name + ", corrigée, pas encore appliquée";
  }
  function drawPending() {  // additions and sticker edits not yet applied, drawn on their photo
    $all(".ml-view").forEach(function (view) {
      var photo = view.getAttribute("data-photo");
      var svg = $("svg.overlay", view);
      $all(".pending", svg).forEach(function (el) { el.remove(); });
      $all("circle.ml-mark", svg).forEach(function (dot) {
        dot.style.setProperty("--c", stickerHex(dot.getAttribute("data-color")));
        dot.classList.toggle("rejected", dot.getAttribute("data-rejected") === "1");
        dot.classList.remove("edited");
        dot.setAttribute("aria-label", dot.getAttribute("data-label") || "gommette");
      });
      var vw = Number(svg.getAttribute("data-vw"));
      var vh = Number(svg.getAttribute("data-vh"));
      var side = Number(svg.getAttribute("data-side"));
      Object.keys(edits).forEach(function (k) {
        var c = edits[k];
        var t = c.target || {};
        if (t.photo !== photo) { return; }
        if (t.markerless !== undefined && c.add) {
          var rect = document.createElementNS(SVG, "rect");
          rect.setAttribute("class", "ov-note added pending");
          rect.setAttribute("x", String(c.set.center[0] * vw - side / 2));
          rect.setAttribute("y", String(c.set.center[1] * vh - side / 2));
          rect.setAttribute("width", String(side));
          rect.setAttribute("height", String(side));
          rect.setAttribute("role", "img");
          rect.setAttribute("aria-label", "post-it à ajouter (" + (colourFr[c.set.color] || c.set.color) +
                            ") : « " + (c.set.text || "") + " », pas encore appliqué");
          svg.appendChild(rect);
        } else if (t.dot !== undefined && c.add) {
          var circle = document.createElementNS(SVG, "circle");
          circle.setAttribute("class", "ov-dot added pending");
          circle.setAttribute("cx", String(t.dot[0] * vw));
          circle.setAttribute("cy", String(t.dot[1] * vh));
          circle.setAttribute("r", String(Math.max(3, 0.1 * side)));
          circle.style.setProperty("--c", stickerHex(c.set.color));
          circle.setAttribute("role", "img");
          circle.setAttribute("aria-label", "gommette " + (colourFrF[c.set.color] || c.set.color) +
                              " à ajouter, " + onLabel(svg, c.set.on_note) + ", pas encore appliquée");
          svg.appendChild(circle);
        } else if (t.dot !== undefined) {
          $all("circle.ml-mark", svg).forEach(function (dot) {
            var xy = dotXY(dot);
            if (xy[0] !== t.dot[0] || xy[1] !== t.dot[1]) { return; }
            if (c.set && c.set.color) { dot.style.setProperty("--c", stickerHex(c.set.color)); }
            if (c.false_detection !== undefined) { dot.classList.toggle("rejected", c.false_detection); }
            dot.classList.add("edited");
            dot.setAttribute("aria-label", editedLabel(svg, dot, c));
          });
        }
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
    refocus();
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
      refocus();
    });
  });

  /* --- keyboard: a sticker is a button (Tab to it; Enter or Space opens its dialog, whose
     colour gets the focus); Escape closes the dialog, the focus goes back to the sticker ---- */
  var returnFocus = null;
  function refocus() {
    if (returnFocus && document.contains(returnFocus)) { returnFocus.focus(); }
    returnFocus = null;
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if ((ev.key === "Enter" || ev.key === " ") && t.matches &&
        t.matches("circle.ml-mark, circle.recolourable")) {
      ev.preventDefault();
      returnFocus = t;
      t.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
      var box = t.classList.contains("ml-mark") ? mlDot : recolour;
      var first = box && ($('.recolour-choices button[aria-pressed="true"]', box) ||
                          $(".recolour-choices button", box));
      if (first && !box.hidden) { first.focus(); }
      return;
    }
    if (ev.key !== "Escape") { return; }
    if (mlDot && !mlDot.hidden) { $(".ml-dot-cancel", mlDot).click(); }
    if (recolour && !recolour.hidden) { $(".recolour-cancel", recolour).click(); }
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
    // what every tab has written up to now is sent, not only what this page has drawn yet
    redraw(false);
    var sent = copy(base);
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
        // saved: what was sent is pending no more, the reviewer's name stays for the next ones;
        // a field another tab wrote since (typed during the save) stays, stamped after it
        var now = join(base, readStored());
        Object.keys(sent.stamps).forEach(function (k) {
          Object.keys(sent.stamps[k] || {}).forEach(function (n) {
            var g = now.gone[k] = now.gone[k] || {};
            g[n] = Math.max(g[n] || 0, sent.stamps[k][n], 1);  // 1: a field stored unstamped
          });
        });
        base = join(now, emptySet());
        write(base);
        status.textContent = "enregistré";
        // the other tabs of this report show a page the save has just rebuilt: they reload too
        if (channel) { channel.postMessage({ type: "saved", id: me }); }
        location.reload();
      })
      .catch(function () { status.textContent = "le serveur ne répond pas"; saveBtn.disabled = false; });
  });

  /* --- the same report open in another tab or window: said plainly (their corrections are
     merged through the browser's storage, see save()) ------------------------------------- */
  var others = {};  // id -> true: the other pages of this report open now
  var elsewhere = $("#open-elsewhere");
  function showElsewhere() {
    if (!elsewhere) { return; }
    var n = Object.keys(others).length;
    elsewhere.hidden = n === 0;
    var inBar = $("#corr-elsewhere");  // said in the bar too, in view while one works
    if (inBar) { inBar.hidden = n === 0; }
    $(".elsewhere-n", elsewhere).textContent = n === 1 ? "un autre onglet (ou une autre fenêtre)"
      : n + " autres onglets (ou fenêtres)";
  }
  var me = newId();
  // what this page was built from: a page opened after `capture apply` (or `capture report`)
  // rebuilt the file says another one, and the pages open before it are out of date
  var build = (function (text) {
    var h = 5381;
    for (var i = 0; i < text.length; i++) { h = ((h * 33) ^ text.charCodeAt(i)) >>> 0; }
    return text.length.toString(36) + "-" + h.toString(36);
  })(document.getElementById("report-data").textContent);
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(storeKey) : null;
  if (channel) {
    channel.onmessage = function (ev) {
      var m = ev.data || {};
      if (typeof m.id !== "string" || m.id === me) { return; }
      if (m.type === "saved") { location.reload(); return; }  // saved into the folder there
      if (m.type === "hello" && typeof m.build === "string" && m.build !== build) {
        var stale = $("#page-stale");  // opened just now, from the file as it is now
        if (stale) { stale.hidden = false; }
      }
      if (m.type === "bye") { delete others[m.id]; } else { others[m.id] = true; }
      // "back": a page shown again from the history cache, maybe older: answered, not judged
      if (m.type === "hello" || m.type === "back") { channel.postMessage({ type: "here", id: me, build: build }); }
      showElsewhere();
    };
    channel.postMessage({ type: "hello", id: me, build: build });
    window.addEventListener("pagehide", function () { channel.postMessage({ type: "bye", id: me }); });
    window.addEventListener("pageshow", function (ev) {  // back from the history cache: here again
      if (ev.persisted) { channel.postMessage({ type: "back", id: me, build: build }); }
    });
  }

  resetFields();  // a reload must not keep browser-restored values the script does not know
  edits = {};
  base = join(emptySet(), readStored());
  restore(base);
  updateBar();
})();
