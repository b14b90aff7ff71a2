// Progressive enhancement only: every page works without this file.
import DS from "../vendor/design-system/scripts/design-system.js";
import { keepDrafts } from "./drafts.js";

DS.initAll();
keepDrafts();
// Pages that htmx swaps in get the same enhancements.
document.body.addEventListener("htmx:afterSettle", (event) => DS.initAll(event.target));
