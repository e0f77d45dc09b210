/* The respondent's survey, one question per screen (progressive enhancement: without this
   script the form is one short page, or a few for the quarterly round, and works the same).
   A half-answered survey is kept only in this browser tab (sessionStorage), never on the server,
   and forgotten once the answers are sent. */
(function () {
  "use strict";
  var PREFIX = "outcome-pulse:";

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  // The thank-you and already-answered pages forget what this tab kept for the link.
  var done = document.querySelector("[data-answers-sent]");
  if (done) {
    var s = store();
    if (s) { s.removeItem(PREFIX + window.location.pathname.replace(/\/submit$/, "") + "/submit"); }
    return;
  }

  var form = document.querySelector("form.survey[data-total]");
  if (!form) { return; }
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
  if (!questions.length) { return; }
  var key = PREFIX + new URL(form.action, window.location.href).pathname;
  var offset = parseInt(form.getAttribute("data-offset"), 10) || 0;
  var progressText = form.getAttribute("data-progress") || "";
  var progress = form.querySelector(".step-progress");
  var nav = form.querySelector(".step-nav");
  var actions = form.querySelector(".survey-actions");
  var back = nav.querySelector(".step-back");
  var next = nav.querySelector(".step-next");
  var skip = nav.querySelector(".step-skip");
  var skipRest = actions.querySelector(".skip-rest");
  var section = form.querySelector(".purpose-map");

  function answered(q) {
    var box = q.querySelector("textarea");
    if (box) { return box.value.trim() !== ""; }
    return !!q.querySelector("input[type=radio]:checked");
  }

  // Restore what this tab kept, where the page shows nothing already.
  var saved = {};
  var s = store();
  if (s) {
    try { saved = JSON.parse(s.getItem(key) || "{}") || {}; } catch (e) { saved = {}; }
  }
  questions.forEach(function (q) {
    if (answered(q)) { return; }
    var box = q.querySelector("textarea");
    if (box) {
      if (typeof saved[box.name] === "string") { box.value = saved[box.name]; }
      return;
    }
    var radios = q.querySelectorAll("input[type=radio]");
    for (var i = 0; i < radios.length; i++) {
      if (saved[radios[i].name] === radios[i].value) { radios[i].checked = true; }
    }
  });

  function save() {
    if (!s) { return; }
    var kept = {};
    questions.forEach(function (q) {
      var box = q.querySelector("textarea");
      if (box) { if (box.value) { kept[box.name] = box.value; } return; }
      var on = q.querySelector("input[type=radio]:checked");
      if (on) { kept[on.name] = on.value; }
    });
    try { s.setItem(key, JSON.stringify(Object.assign(saved, kept))); } catch (e) { /* full */ }
  }
  form.addEventListener("change", save);
  form.addEventListener("input", save);

  // One question per screen.
  var current = 0;
  var firstError = form.querySelector(".question.has-error");
  if (firstError) { current = questions.indexOf(firstError); }

  function show(index, focus) {
    current = Math.max(0, Math.min(index, questions.length - 1));
    questions.forEach(function (q, j) { q.hidden = j !== current; });
    if (section) { section.hidden = !section.contains(questions[current]); }
    var last = current === questions.length - 1;
    progress.textContent = progressText.replace("__N__", String(offset + current + 1));
    back.disabled = current === 0 && offset === 0;
    back.hidden = current === 0;
    next.hidden = last;
    actions.hidden = !last;
    if (focus) {
      var q = questions[current];
      q.setAttribute("tabindex", "-1");
      q.focus();
    }
  }

  form.classList.add("one-by-one");
  var stepCount = document.querySelector(".step-count");
  if (stepCount) { stepCount.hidden = true; }  // "Question 3 of 16" says where one is
  var send = actions.querySelector(".send");
  if (form.getAttribute("data-last-step") !== "1") { send.textContent = next.textContent; }
  progress.hidden = false;
  nav.hidden = false;
  if (skipRest) { skipRest.hidden = true; }
  back.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  skip.addEventListener("click", function () {
    var q = questions[current];
    var box = q.querySelector("textarea");
    if (box) { box.value = ""; }
    var none = q.querySelector("input[value=skip]");
    if (none) { none.checked = true; }
    save();
    if (current === questions.length - 1) {
      form.querySelector(".send").click();
    } else {
      show(current + 1, true);
    }
  });
  // The error summary's links open the question they name.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var q = target && target.closest(".question");
      if (q) { show(questions.indexOf(q), false); }
    });
  }
  show(current, false);
})();
