/*
 * The results table of an event's admin page: the "+" beside a row's athlete picker opens
 * the new-athlete pop-up with the row's nation filled in, as well as the event's sex that
 * the server put in the link. The link is rewritten on each click, before the admin's own
 * handler (RelatedObjectLookups.js, on the body) reads it, so the nation is the one chosen
 * in the row at that moment.
 */
"use strict";
{
    document.addEventListener("click", (event) => {
        const link = event.target.closest("#results-group a.add-related[id$='-athlete']");
        if (!link) {
            return;
        }
        const nation = link.closest("tr").querySelector("select[name$='-country']");
        const url = new URL(link.href);
        if (nation && nation.value) {
            url.searchParams.set("country", nation.value);
        } else {
            url.searchParams.delete("country");
        }
        link.href = url.toString();
    }, true);
}
