// Drag-and-drop onto the upload form (the form works without this script).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("upload-form");
  var input = document.getElementById("file");
  if (!form || !input) return;
  ["dragenter", "dragover"].forEach(function (e) {
    form.addEventListener(e, function (ev) { ev.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (e) {
    form.addEventListener(e, function (ev) { ev.preventDefault(); form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; form.submit(); }
  });
});
