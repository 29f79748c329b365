// @ts-check
/** The light/dark toggle: the reader's choice is kept; without one the system's wins. */
import { $ } from "./dom.js";

const STORAGE_KEY = "caseview-theme";

function storedTheme() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Wires the toggle and applies the stored or the system theme. */
export function setupTheme() {
  const button = $("theme-toggle");
  const darkQuery = matchMedia("(prefers-color-scheme: dark)");
  /** @param {string | null} theme */
  const apply = (theme) => {
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    const dark = theme ? theme === "dark" : darkQuery.matches;
    button.setAttribute("aria-pressed", String(dark));
  };
  button.addEventListener("click", () => {
    const theme = button.getAttribute("aria-pressed") !== "true" ? "dark" : "light";
    try {
      localStorage.setItem(STORAGE_KEY, theme);
    } catch {
      // Private windows may refuse storage; the toggle still works for this page.
    }
    apply(theme);
  });
  darkQuery.addEventListener("change", () => apply(storedTheme()));
  apply(storedTheme());
}
