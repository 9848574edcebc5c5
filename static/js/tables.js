/* Phone width: each table cell shows its column's name (site.css prints data-label before
   the value once rows stack). Templates may set data-label themselves; every other cell
   gets its column header's text here, on load and whenever htmx puts new rows in. */
(function () {
  function label(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table.table") : [];
    if (root.matches && root.matches("table.table")) tables = [root];
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      var names = Array.prototype.map.call(heads, function (th) {
        return th.getAttribute("data-label") || th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName !== "TD" || cell.hasAttribute("data-label") ||
              cell.hasAttribute("colspan") || !names[index]) return;
          cell.setAttribute("data-label", names[index]);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:load", function (event) {
    var table = event.target.closest ? event.target.closest("table.table") : null;
    label(table || event.target);
  });
})();
