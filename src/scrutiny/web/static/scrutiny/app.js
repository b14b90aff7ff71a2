// Progressive enhancement only: every page works without this file.
import DS from "../vendor/design-system/scripts/design-system.js";
import { keepDrafts } from "./drafts.js";

DS.initAll();
keepDrafts();
// Pages that htmx swaps in get the same enhancements.
document.body.addEventListener("htmx:afterSettle", (event) => DS.initAll(event.target));
// The design system's error summary takes focus when the page opens with problems, so a
// screen reader announces them and the keyboard starts there; its links focus each field.
const errorSummary = document.querySelector(".ds_error-summary[tabindex='-1']");
if (errorSummary) errorSummary.focus();
