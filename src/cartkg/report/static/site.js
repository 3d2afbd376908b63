// cartkg report: draws the charts, runs the search box and the table filters. Everything it
// needs is in the site (assets/vendor, assets/names.js): it never asks the network for anything.
"use strict";

const ROOT = document.body.dataset.root || "";

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function drawCharts() {
  const figures = document.querySelectorAll("figure.chart");
  if (!figures.length) return;
  if (typeof vegaEmbed !== "function") {
    console.error("cartkg: the chart library did not load");
    return;
  }
  // a bar's href opens in this tab, as a link would; relative addresses resolve against the page
  const loader = vega.loader({ target: "_self" });
  figures.forEach((figure) => {
    const spec = JSON.parse(figure.querySelector("script.vl-spec").textContent);
    if (spec.usermeta && spec.usermeta.world) spec.datasets = { world: window.CARTKG_WORLD };
    vegaEmbed(figure.querySelector(".vis"), spec, { actions: false, renderer: "svg", loader })
      .then((result) => {
        figure.dataset.drawn = "true";
        figure.querySelector(".save-svg").addEventListener("click", () =>
          result.view.toSVG().then((svg) => download(figure.id + ".svg", svg, "image/svg+xml")));
      })
      .catch((error) => {
        figure.dataset.drawn = "failed";
        console.error("cartkg: chart " + figure.id + " failed: " + error);
      });
  });
}

// the same folding as cartkg.names.key: case, spaces, hyphens, underscores, ^ and *, accents
function nameKey(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/µ|μ/g, "u").replace(/[\s\-_^*]+/g, "");
}

function search(text, limit = 12) {
  const k = nameKey(text);
  if (!k) return [];
  const found = [];
  for (const [label, href, kind, names] of window.CARTKG_NAMES || []) {
    let best = null;
    for (const [nameK, name] of names) {
      const rank = nameK === k ? 0 : nameK.startsWith(k) ? 1 : nameK.includes(k) ? 2 : null;
      if (rank !== null && (best === null || rank < best[0])) best = [rank, name];
    }
    if (best) found.push({ rank: best[0], via: best[1], label, href, kind });
  }
  found.sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label));
  return found.slice(0, limit);
}

function setUpSearch() {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  if (!input || !list) return;
  const show = () => {
    const hits = search(input.value);
    list.replaceChildren(...hits.map((hit) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = ROOT + hit.href;
      a.textContent = hit.label;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = hit.kind.replace(/s$/, "");
      a.appendChild(kind);
      if (nameKey(hit.via) !== nameKey(hit.label)) {
        const via = document.createElement("span");
        via.className = "via";
        via.textContent = "as " + hit.via;
        a.appendChild(via);
      }
      li.appendChild(a);
      return li;
    }));
    list.hidden = hits.length === 0;
  };
  input.addEventListener("input", show);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = list.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (event.key === "Escape") {
      list.hidden = true;
    }
  });
}

function setUpTables() {
  document.querySelectorAll("input.table-filter").forEach((input) => {
    const rows = document.querySelectorAll("#" + input.dataset.table + " tbody tr");
    input.addEventListener("input", () => {
      const k = input.value.toLowerCase();
      rows.forEach((row) => { row.hidden = k && !row.textContent.toLowerCase().includes(k); });
    });
  });
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("th").forEach((th, column) => {
      th.addEventListener("click", () => {
        const asc = !th.classList.contains("sorted-asc");
        table.querySelectorAll("th").forEach((h) => h.classList.remove("sorted-asc", "sorted-desc"));
        th.classList.add(asc ? "sorted-asc" : "sorted-desc");
        const body = table.tBodies[0];
        const rows = [...body.rows];
        rows.sort((a, b) => {
          const x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
          return (asc ? 1 : -1) * x.localeCompare(y, undefined, { numeric: true });
        });
        body.append(...rows);
      });
    });
  });
}

function setUpChangeWindows() {
  const buttons = document.querySelectorAll(".window-filter button");
  buttons.forEach((button) => button.addEventListener("click", () => {
    const days = Number(button.dataset.days);
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    document.querySelectorAll("#changes tbody tr").forEach((row) => {
      row.hidden = Number(row.dataset.age) > days;
    });
  }));
}

setUpSearch();
setUpChangeWindows();
setUpTables();
drawCharts();
