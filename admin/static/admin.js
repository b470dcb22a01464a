// Quire admin: small enhancements over forms that work without JavaScript.
// - Ctrl/Cmd+S saves the editor.
// - The date field is read in the browser's time zone (its offset goes with the form).

const editor = document.querySelector("form.editor");
if (editor) {
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      editor.querySelector('button[value="save"]')?.click();
    }
  });
  const date = editor.querySelector("#date");
  const offset = editor.querySelector('input[name="tz_offset"]');
  date?.addEventListener("change", () => {
    const picked = date.value ? new Date(date.value) : new Date();
    offset.value = String(-picked.getTimezoneOffset());
  });
}
