// The web chat: one pane per person, each a Telegram user of the local Bot API server, or a
// Zalo user of the local Zalo API. The server draws the panes and tabs into the page (the first
// one shown, so a phone sees it before this script runs); this script brings them to life. A
// pane's key (data-user) is the Telegram id, or "zalo:" and the Zalo id: the event stream names
// changed chats by that key.
"use strict";

const panes = new Map(); // key -> {base, root, tab, unread, asked}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

async function post(user, action, body) {
  const options = body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(`${panes.get(user).base}/${action}`, options);
  if (!response.ok) showError(user, "Không gửi được, xin thử lại.");
}

function showError(user, text) {
  const box = panes.get(user).root.querySelector(".messages");
  box.append(el("div", { class: "error" }, text));
  box.scrollTop = box.scrollHeight;
}

function fileLink(fileId) {
  return `/chat/file/${encodeURIComponent(fileId)}`;
}

function renderMessage(user, message) {
  const bubble = el("div", { class: message.mine ? "msg mine" : "msg", "data-id": message.message_id });
  if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    bubble.append(el("img", { src: fileLink(largest.file_id), alt: "Ảnh" }));
  }
  if (message.photo_url) bubble.append(el("img", { src: message.photo_url, alt: "Ảnh" }));
  if (message.document) {
    const name = message.document.file_name || "tệp";
    bubble.append(el("a", { class: "file", href: fileLink(message.document.file_id), download: name }, `📄 ${name}`));
  }
  if (message.location) {
    const { latitude, longitude } = message.location;
    bubble.append(`📍 Vị trí: ${latitude.toFixed(5)}, ${longitude.toFixed(5)}`);
  }
  if (message.contact) bubble.append(`👤 ${message.contact.first_name}: ${message.contact.phone_number}`);
  if (message.voice) bubble.append("🎤 Tin nhắn thoại");
  if (message.sticker) bubble.append(message.sticker.emoji || "Nhãn dán");
  const text = message.text || message.caption;
  if (text) bubble.append(text);
  if (message.edit_date) bubble.append(el("div", { class: "edited" }, "đã sửa"));
  const rows = (message.reply_markup || {}).inline_keyboard || [];
  if (rows.length) {
    const keyboard = el("div", { class: "inline" });
    for (const row of rows) {
      const line = el("div", { class: "row" });
      for (const button of row) {
        if (button.url) {
          line.append(el("a", { href: button.url, target: "_blank", rel: "noopener" }, button.text));
        } else {
          line.append(el("button", {
            type: "button",
            onclick: () => post(user, "press", { message_id: message.message_id, data: button.callback_data }),
          }, button.text));
        }
      }
      keyboard.append(line);
    }
    bubble.append(keyboard);
  }
  return bubble;
}

function renderKeyboard(user, keyboard) {
  const box = panes.get(user).root.querySelector(".keyboard");
  box.replaceChildren();
  for (const row of (keyboard || {}).keyboard || []) {
    const line = el("div", { class: "row" });
    for (const button of row) {
      const label = typeof button === "string" ? button : button.text;
      line.append(el("button", { type: "button", onclick: () => post(user, "button", { text: label }) }, label));
    }
    box.append(line);
  }
}

async function refresh(user) {
  const pane = panes.get(user);
  const asked = ++pane.asked; // answers may arrive out of order: draw only the newest
  const response = await fetch(pane.base);
  if (!response.ok) return;
  const chat = await response.json();
  if (asked !== pane.asked) return;
  const box = pane.root.querySelector(".messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const before = box.querySelectorAll(".msg").length;
  box.replaceChildren(...chat.messages.map((message) => renderMessage(user, message)));
  if (!chat.messages.length) {
    box.append(el("button", { class: "start", type: "button", onclick: () => post(user, "text", { text: "/start" }) }, "BẮT ĐẦU"));
  }
  renderKeyboard(user, chat.keyboard);
  if (atBottom || chat.messages.length > before) box.scrollTop = box.scrollHeight;
  if (chat.messages.length > before && !pane.root.classList.contains("active")) {
    pane.unread += chat.messages.length - before;
  }
  drawBadge(user);
}

function drawBadge(user) {
  const pane = panes.get(user);
  pane.tab.querySelector(".badge")?.remove();
  if (pane.unread) pane.tab.append(el("span", { class: "badge" }, String(pane.unread)));
}

function show(user) {
  for (const [id, pane] of panes) {
    const active = id === user;
    pane.root.classList.toggle("active", active);
    pane.tab.classList.toggle("active", active);
    if (active) pane.unread = 0;
    drawBadge(id);
  }
  panes.get(user).root.scrollIntoView({ behavior: "smooth", inline: "nearest", block: "nearest" });
}

function wirePane(root, tab) {
  const key = root.dataset.user;
  const form = root.querySelector(".composer");
  const input = root.querySelector(".text");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) post(key, "text", { text });
    input.value = "";
  });
  const file = root.querySelector("input[type=file]");
  file.addEventListener("change", () => {
    if (!file.files.length) return;
    const body = new FormData();
    body.append("photo", file.files[0]);
    body.append("caption", input.value.trim());
    input.value = "";
    file.value = "";
    post(key, "photo", body);
  });
  root.addEventListener("click", () => show(key));
  tab.addEventListener("click", () => show(key));
  panes.set(key, { base: root.dataset.base, root, tab, unread: 0, asked: 0 });
}

async function main() {
  const tabs = document.querySelectorAll("#tabs button");
  document.querySelectorAll("#panes .pane").forEach((root, index) => wirePane(root, tabs[index]));
  await Promise.all([...panes.keys()].map((user) => refresh(user)));
  const first = panes.keys().next();
  if (!first.done) show(first.value);
  const events = new EventSource("/chat/events");
  events.onmessage = (event) => {
    if (panes.has(event.data)) refresh(event.data);
  };
  events.onopen = () => panes.forEach((_, user) => refresh(user));
}

main();
