/** Shows the `button[data-copy]` buttons (hidden without JavaScript) and copies their value to the clipboard. */
export function enableCopyButtons(root: ParentNode = document): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      void navigator.clipboard
        ?.writeText(button.dataset.copy ?? "")
        .then(() => (button.textContent = "Copied"))
        .catch(() => (button.textContent = "Select and copy"));
    });
  }
}
