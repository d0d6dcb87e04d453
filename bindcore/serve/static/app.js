// The search page: talks to the same server's /modalities, /search and /items/.../preview. No build step,
// no network beyond this server. Nothing here knows a modality: it reads them from /modalities.
"use strict";

const $ = (id) => document.getElementById(id);
let modalities = [];
let token = sessionStorage.getItem("bindcore-token") || "";

function headers() {
  return token ? { Authorization: "Bearer " + token } : {};
}

function say(text, error = false) {
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  if (response.status === 401) {
    $("auth").hidden = false;
    throw new Error("this server needs a token: enter it above");
  }
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = await response.json();
      message = body.error + (body.item ? " (" + body.item + ")" : "");
    } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function option(select, value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  select.appendChild(o);
}

async function load() {
  try {
    const info = await (await api("/modalities")).json();
    modalities = info.modalities;
    $("auth").hidden = true;
    const literal = modalities.filter((m) => m.takes_values);
    $("text-modality").innerHTML = "";
    literal.forEach((m) => option($("text-modality"), m.name, m.name));
    $("text-form").hidden = literal.length === 0;
    $("target").innerHTML = "";
    option($("target"), "", "every modality");
    modalities.filter((m) => m.indexed > 0).forEach((m) => option($("target"), m.name, m.name + " (" + m.indexed + ")"));
    const suffixes = [...new Set(modalities.flatMap((m) => m.accepts))];
    $("file").accept = suffixes.join(",");
    $("accepts").textContent = "accepted: " + suffixes.join(" ");
    const total = modalities.reduce((n, m) => n + m.indexed, 0);
    $("status").textContent = info.index
      ? total + " items indexed; " + info.embed_dim + "-d embeddings"
      : "no index loaded (start the server with --index): searching is off";
    say("");
  } catch (err) {
    say(err.message, true);
  }
}

function suffixOf(name) {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot).toLowerCase() : "";
}

function readersOf(file) {
  return modalities.filter((m) => m.accepts.includes(suffixOf(file.name)));
}

function searchUrl() {
  const params = new URLSearchParams({ k: $("k").value || "10" });
  if ($("target").value) params.append("modality", $("target").value);
  return "/search?" + params.toString();
}

async function search(body, contentType) {
  say("searching…");
  $("results").innerHTML = "";
  try {
    const options = { method: "POST", body };
    if (contentType) options.headers = { "Content-Type": contentType };
    const answer = await (await api(searchUrl(), options)).json();
    show(answer.results);
    say(answer.results.length + " results (" + answer.query_modality + " query)");
  } catch (err) {
    say(err.message, true);
  }
}

function show(results) {
  const list = $("results");
  results.forEach((hit, i) => {
    const li = document.createElement("li");
    li.className = "hit";
    li.dataset.id = hit.id;
    li.dataset.modality = hit.modality;
    const head = document.createElement("div");
    head.innerHTML = '<span class="rank"></span> <span class="score"></span><span class="modality"></span>';
    head.querySelector(".rank").textContent = "#" + (i + 1);
    head.querySelector(".score").textContent = hit.score.toFixed(3);
    head.querySelector(".modality").textContent = hit.modality;
    li.appendChild(head);
    const what = document.createElement("div");
    what.className = "what";
    what.textContent = hit.id + (hit.name ? " · " + hit.name : "") + (hit.label != null ? " · " + hit.label : "");
    li.appendChild(what);
    if (hit.value != null) {
      const v = document.createElement("div");
      v.className = "value";
      v.textContent = String(hit.value);
      li.appendChild(v);
    }
    list.appendChild(li);
    if (hit.preview) preview(li, hit.preview);
  });
}

async function preview(li, url) {
  try {
    const blob = await (await api(url)).blob();
    const src = URL.createObjectURL(blob);
    let element;
    if (blob.type.startsWith("image/")) {
      element = document.createElement("img");
      element.alt = "preview of " + li.dataset.id;
    } else if (blob.type.startsWith("audio/")) {
      element = document.createElement("audio");
      element.controls = true;
    } else {
      element = document.createElement("a");
      element.textContent = "preview";
      element.href = src;
    }
    element.className = "preview";
    element.src = src;
    li.appendChild(element);
  } catch (err) {
    const note = document.createElement("div");
    note.className = "hint";
    note.textContent = "no preview: " + err.message;
    li.appendChild(note);
  }
}

function searchFile(file) {
  const readers = readersOf(file);
  if (readers.length === 0) {
    say("no modality of this model reads '" + (suffixOf(file.name) || file.name) + "' files", true);
    return;
  }
  const select = $("file-modality");
  const chosen = readers.some((m) => m.name === select.value) ? select.value : readers[0].name;
  select.innerHTML = "";
  readers.forEach((m) => option(select, m.name, m.name));
  select.value = chosen;
  $("as-wrap").hidden = readers.length < 2;
  lastFile = file;
  const form = new FormData();
  form.append(chosen, file, file.name);
  search(form, null);
}

let lastFile = null;

$("text-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text-query").value.trim();
  if (!text) return;
  search(JSON.stringify({ [$("text-modality").value]: text }), "application/json");
});
$("file").addEventListener("change", () => { if ($("file").files[0]) searchFile($("file").files[0]); });
$("file-modality").addEventListener("change", () => { if (lastFile) searchFile(lastFile); });
const drop = $("drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  if (event.dataTransfer.files[0]) searchFile(event.dataTransfer.files[0]);
});
$("token-save").addEventListener("click", () => {
  token = $("token").value.trim();
  sessionStorage.setItem("bindcore-token", token);
  load();
});
load();
