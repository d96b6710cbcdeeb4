// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  // Announce failed partial updates in the live region instead of failing silently.
  var box = document.getElementById("messages");
  if (!box) return;
  var p = document.createElement("p");
  p.className = "message message-error";
  p.textContent = "操作未完成（" + event.detail.xhr.status + "），请刷新页面后重试。";
  box.appendChild(p);
});
