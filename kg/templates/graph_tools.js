/* kg graph page, part 3 of 3: search with depth, path between two entities,
 * explore from the top entities (expand by double-click), view toggles, and
 * export of the current view as PNG or SVG (built client-side, offline).
 */
(function () {
  "use strict";
  var kg = window.kg;
  var data = kg.data, details = kg.details, state = kg.state, network = kg.network;
  var el = kg.el, fmt = kg.fmt;

  // ---- names and search ------------------------------------------------------
  var searchIndex = kg.nodeItems.map(function (n) {
    var d = details.nodes[n.id];
    var names = [d.name].concat(d.aliases || []).map(function (s) { return String(s).toLowerCase(); });
    return { id: n.id, names: names, degree: d.degree, entity: n.kgType !== "PAPER" };
  });
  var datalist = document.getElementById("kg-names");
  var seen = new Set();
  kg.nodeItems.forEach(function (n) {
    var d = details.nodes[n.id];
    [d.name].concat(d.aliases || []).forEach(function (s) {
      if (seen.size < 20000 && !seen.has(s)) {
        seen.add(s);
        var o = el("option");
        o.value = s;
        datalist.appendChild(o);
      }
    });
  });

  function findNode(query) {
    if (kg.nodeType.has(query)) return query; // a node id
    var q = String(query || "").trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (s) { return s === q; },
      function (s) { return s.indexOf(q) === 0; },
      function (s) { return s.indexOf(q) >= 0; }
    ];
    for (var i = 0; i < tests.length; i++) {
      var best = null;
      searchIndex.forEach(function (entry) {
        if (!entry.names.some(tests[i])) return;
        if (best === null || entry.entity > best.entity ||
            (entry.entity === best.entity && (entry.degree > best.degree ||
              (entry.degree === best.degree && entry.id < best.id)))) best = entry;
      });
      if (best !== null) return best.id;
    }
    return null;
  }

  /* Neighbours through edges of shown types, to nodes of shown types. */
  function neighbours(id) {
    var out = [];
    (kg.adjacency.get(id) || []).forEach(function (e) {
      if (state.hiddenEdgeTypes.has(e.kgType)) return;
      var other = e.from === id ? e.to : e.from;
      if (kg.typeShown(other)) out.push({ id: other, edge: e });
    });
    return out;
  }
  function around(id, depth) {
    var keep = new Set([id]);
    var frontier = [id];
    for (var d = 0; d < depth; d++) {
      var next = [];
      frontier.forEach(function (n) {
        neighbours(n).forEach(function (m) {
          if (!keep.has(m.id)) { keep.add(m.id); next.push(m.id); }
        });
      });
      frontier = next;
    }
    return keep;
  }

  var status = document.getElementById("kg-search-status");
  var searchInput = document.getElementById("kg-search");
  var depthInput = document.getElementById("kg-depth");
  function search(query, depth) {
    var id = findNode(query);
    if (id === null) {
      status.textContent = "No node matches “" + String(query).trim() + "”.";
      return null;
    }
    depth = depth || Number(depthInput.value) || 1;
    depthInput.value = String(Math.min(3, depth));
    if (!kg.typeShown(id)) kg.setTypeShown(kg.nodeType.get(id), true);
    state.path = null;
    var keep = around(id, depth);
    state.focusId = id;
    kg.showOnly(keep, "search");
    state.pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    kg.showPinned();
    status.textContent = "Showing “" + kg.nodeName.get(id) + "” and " + fmt(keep.size - 1) +
      " neighbour" + (keep.size === 2 ? "" : "s") + " up to " + depth + " step" +
      (depth === 1 ? "" : "s") + ". Clear shows every node.";
    return id;
  }
  function clearSearch() {
    searchInput.value = "";
    status.textContent = "";
    pathStatus.textContent = "";
    exploreStatus.textContent = "";
    state.revealed.clear();
    kg.showOnly(null);
  }
  document.getElementById("kg-search-go").addEventListener("click", function () {
    search(searchInput.value);
  });
  document.getElementById("kg-search-clear").addEventListener("click", clearSearch);
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); search(searchInput.value); }
    if (ev.key === "Escape") { clearSearch(); }
  });
  depthInput.addEventListener("change", function () {
    if (state.focusKind === "search" && state.focusId) {
      search(kg.nodeName.get(state.focusId), Number(depthInput.value));
    }
  });

  // ---- path between two entities -------------------------------------------------
  var pathStatus = document.getElementById("kg-path-status");
  /* Shortest path (fewest edges, ignoring direction) through shown types; null if none. */
  function shortestPath(a, b) {
    var prev = new Map([[a, null]]);
    var queue = [a];
    for (var i = 0; i < queue.length && !prev.has(b); i++) {
      var n = queue[i];
      var next = neighbours(n).sort(function (x, y) { return x.id < y.id ? -1 : x.id > y.id ? 1 : 0; });
      next.forEach(function (m) {
        if (!prev.has(m.id)) { prev.set(m.id, { from: n, edge: m.edge }); queue.push(m.id); }
      });
    }
    if (!prev.has(b)) return null;
    var nodesOnPath = [b], edgesOnPath = [];
    for (var cur = b; prev.get(cur) !== null; cur = prev.get(cur).from) {
      edgesOnPath.unshift(prev.get(cur).edge);
      nodesOnPath.unshift(prev.get(cur).from);
    }
    return { nodes: nodesOnPath, edges: edgesOnPath };
  }
  function path(fromQuery, toQuery) {
    var a = findNode(fromQuery), b = findNode(toQuery);
    if (a === null || b === null) {
      pathStatus.textContent = "No node matches “" + String(a === null ? fromQuery : toQuery).trim() + "”.";
      return null;
    }
    var p = shortestPath(a, b);
    if (p === null) {
      pathStatus.textContent = "No path between “" + kg.nodeName.get(a) + "” and “" +
        kg.nodeName.get(b) + "” through the types shown.";
      return null;
    }
    state.focusId = null;
    state.path = { nodes: p.nodes, edges: new Set(p.edges.map(function (e) { return e.id; })) };
    kg.showOnly(new Set(p.nodes), "path");
    network.selectNodes([a, b]);
    pathStatus.replaceChildren();
    pathStatus.appendChild(el("span", null, fmt(p.edges.length) + " step" +
      (p.edges.length === 1 ? "" : "s") + ": "));
    p.nodes.forEach(function (id, i) {
      if (i) {
        var e = p.edges[i - 1];
        var label = kg.styleOf(data.style.edges, e.kgType).label;
        pathStatus.appendChild(el("span", "kg-muted", e.from === id ? " ← " + label + " ← " : " → " + label + " → "));
      }
      var b2 = el("button", "kg-link", kg.nodeName.get(id));
      b2.type = "button";
      b2.addEventListener("click", function () { kg.select(id); });
      pathStatus.appendChild(b2);
    });
    return p.nodes;
  }
  document.getElementById("kg-path-go").addEventListener("click", function () {
    path(document.getElementById("kg-path-from").value, document.getElementById("kg-path-to").value);
  });

  // ---- explore: start small, grow by click ---------------------------------------
  var exploreStatus = document.getElementById("kg-explore-status");
  function support(id) {
    var d = details.nodes[id];
    return d.papers ? d.papers.length : d.degree;
  }
  function explore(k) {
    k = Math.max(1, Number(k) || 25);
    var ranked = kg.nodeItems.filter(function (n) { return n.kgType !== "PAPER" && kg.typeShown(n.id); })
      .map(function (n) { return n.id; })
      .sort(function (a, b) { return support(b) - support(a) || (a < b ? -1 : a > b ? 1 : 0); });
    var top = ranked.slice(0, k);
    state.path = null;
    state.focusId = null;
    kg.showOnly(new Set(top), "explore");
    exploreStatus.textContent = "Showing the " + fmt(top.length) +
      " entities named by the most papers; double-click one to add its neighbours.";
    return top;
  }
  function expand(id) {
    var keep = state.focus === null ? new Set() : new Set(state.focus);
    keep.add(id);
    var added = 0;
    neighbours(id).forEach(function (m) { if (!keep.has(m.id)) { keep.add(m.id); added++; } });
    state.path = null;
    state.focusKind = "explore";
    state.focus = keep;
    kg.refresh();
    var ids = [id].concat(neighbours(id).map(function (m) { return m.id; }));
    network.fit({ nodes: Array.from(keep).filter(kg.nodeShown), animation: false });
    network.selectNodes([id]);
    exploreStatus.textContent = "Added " + fmt(added) + " neighbour" + (added === 1 ? "" : "s") +
      " of “" + kg.nodeName.get(id) + "”; " + fmt(keep.size) + " nodes shown.";
    return ids.length - 1;
  }
  document.getElementById("kg-explore-go").addEventListener("click", function () {
    explore(document.getElementById("kg-explore-k").value);
  });
  network.on("doubleClick", function (p) { if (p.nodes.length) expand(p.nodes[0]); });

  // ---- view toggles ----------------------------------------------------------------
  var physicsBox = document.getElementById("kg-physics");
  physicsBox.checked = false;
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked } });
  });
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: false });
  });
  var commBox = document.getElementById("kg-communities");
  commBox.addEventListener("change", function () {
    state.communities = commBox.checked;
    network.redraw();
  });
  var colourBox = document.getElementById("kg-colour-community");
  colourBox.addEventListener("change", function () { kg.setColourByCommunity(colourBox.checked); });

  // ---- export the current view -------------------------------------------------------
  function download(url, name) {
    var a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function pngDataUrl() {
    var src = container().querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out.toDataURL("image/png");
  }
  function container() { return document.getElementById("kg-network"); }

  var SVG = "http" + ":" + "//www.w3.org/2000/svg"; // a name, never fetched
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function shapePoints(shape, x, y, r) {
    var pts = [];
    function add(a, rr) { pts.push((x + rr * Math.cos(a)).toFixed(1) + "," + (y + rr * Math.sin(a)).toFixed(1)); }
    var i;
    if (shape === "diamond") for (i = 0; i < 4; i++) add(-Math.PI / 2 + i * Math.PI / 2, r);
    else if (shape === "triangle") for (i = 0; i < 3; i++) add(-Math.PI / 2 + i * 2 * Math.PI / 3, r);
    else if (shape === "triangleDown") for (i = 0; i < 3; i++) add(Math.PI / 2 + i * 2 * Math.PI / 3, r);
    else if (shape === "hexagon") for (i = 0; i < 6; i++) add(i * Math.PI / 3, r);
    else if (shape === "star") for (i = 0; i < 10; i++) add(-Math.PI / 2 + i * Math.PI / 5, i % 2 ? r * 0.45 : r);
    return pts.join(" ");
  }
  /* The current view as an SVG document: shown edges and nodes inside it, and the labels drawn now. */
  function svgText() {
    var box = kg.viewBox();
    var scale = network.getScale();
    var w = box.x1 - box.x0, h = box.y1 - box.y0;
    var svg = svgEl("svg", { xmlns: SVG, width: Math.round(w * scale), height: Math.round(h * scale),
      viewBox: [box.x0, box.y0, w, h].map(function (v) { return v.toFixed(1); }).join(" ") });
    svg.appendChild(svgEl("rect", { x: box.x0, y: box.y0, width: w, height: h, fill: "#ffffff" }));
    var pos = network.getPositions();
    function inside(p) { return p && p.x >= box.x0 && p.x <= box.x1 && p.y >= box.y0 && p.y <= box.y1; }
    var g = svgEl("g", { "stroke-linecap": "round" });
    kg.edgesView.get().forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b || !(inside(a) || inside(b))) return;
      var c = kg.edges.get(e.id).color;
      g.appendChild(svgEl("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y,
        stroke: c.color || c, "stroke-width": (e.width || 1) / Math.max(scale, 0.2) * scale }));
    });
    svg.appendChild(g);
    var labels = svgEl("g", { "font-family": "system-ui, sans-serif", "text-anchor": "middle" });
    kg.nodesView.get().forEach(function (n) {
      var p = pos[n.id];
      if (!inside(p)) return;
      var item = kg.nodes.get(n.id);
      var st = kg.styleOf(data.style.nodes, n.kgType);
      var fill = item.color && item.color.background ? item.color.background : st.color;
      var r = item.size || 10;
      var attrs = { fill: fill, stroke: st.border, "stroke-width": 1 };
      var shape;
      if (st.shape === "square") {
        shape = svgEl("rect", Object.assign({ x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r }, attrs));
      } else if (st.shape === "dot" || st.shape === "ellipse") {
        shape = svgEl("circle", Object.assign({ cx: p.x, cy: p.y, r: r }, attrs));
      } else {
        shape = svgEl("polygon", Object.assign({ points: shapePoints(st.shape, p.x, p.y, r) }, attrs));
      }
      shape.appendChild(svgEl("title", {}, kg.nodeName.get(n.id)));
      svg.appendChild(shape);
      if (item.kgLabelScale <= scale) {
        labels.appendChild(svgEl("text", { x: p.x, y: p.y + r + (item.kgFont + 2) / scale,
          "font-size": (item.kgFont / scale).toFixed(2), fill: "#1f2d3d" }, item.kgLabel));
      }
    });
    svg.appendChild(labels);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  }
  document.getElementById("kg-png").addEventListener("click", function () {
    download(pngDataUrl(), "graph.png");
  });
  document.getElementById("kg-svg").addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([svgText()], { type: "image/svg+xml" }));
    download(url, "graph.svg");
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });

  kg.search = search;
  kg.clearSearch = clearSearch;
  kg.findNode = findNode;
  kg.path = path;
  kg.shortestPath = shortestPath;
  kg.explore = explore;
  kg.expand = expand;
  kg.pngDataUrl = pngDataUrl;
  kg.svgText = svgText;
  if (!kg.nodeItems.length) document.body.setAttribute("data-kg-state", "ready");
})();
