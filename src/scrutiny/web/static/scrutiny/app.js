// Progressive enhancement only: every page works without this file.
import DS from "../vendor/design-system/scripts/design-system.js";

DS.initAll();
// Pages that htmx swaps in get the same enhancements.
document.body.addEventListener("htmx:afterSettle", (event) => DS.initAll(event.target));
