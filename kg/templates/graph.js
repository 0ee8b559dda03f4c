/* kg graph page, part 1 of 3: data, what is shown, drawing (labels by zoom, communities).
 *
 * Every string that comes from papers (titles, names, evidence sentences) is
 * put into the page with textContent, never as HTML, and onto the canvas with
 * fillText. The data arrive as JSON in <script type="application/json">
 * blocks and are read with JSON.parse. Positions are computed at build time,
 * so physics stays off and the page opens settled. The page state is exposed
 * as window.kg for the other two scripts, tests and the console.
 */
(function () {
  "use strict";
  var t0 = performance.now();

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var data = readJson("kg-data");
  var nodeItems = readJson("kg-nodes");
  var edgeItems = readJson("kg-edges");
  var details = data.details;
  var nodeStyle = data.style.nodes;
  var edgeStyle = data.style.edges;
  var palette = data.style.communities;

  var state = {
    hiddenNodeTypes: new Set(data.hiddenTypes || []),
    hiddenEdgeTypes: new Set(),
    focus: null, // Set of node ids shown (search, path, explore), or null for all
    focusId: null,
    focusKind: null, // "search" | "path" | "explore"
    revealed: new Set(), // nodes of a hidden type shown on request (a paper opened from the panel)
    path: null, // {nodes: [ids], edges: Set of edge ids}
    pinned: null, // {kind: "node"|"edge", id}
    hover: null,
    communities: true,
    colourByCommunity: false
  };

  // ---- indexes -------------------------------------------------------------
  var nodeType = new Map();
  var nodeName = new Map();
  var nodeItem = new Map();
  nodeItems.forEach(function (n) {
    nodeType.set(n.id, n.kgType);
    nodeName.set(n.id, details.nodes[n.id].name);
    nodeItem.set(n.id, n);
  });
  var adjacency = new Map(); // node id -> [edge item]
  edgeItems.forEach(function (e) {
    [e.from, e.to].forEach(function (id) {
      if (!adjacency.has(id)) adjacency.set(id, []);
      adjacency.get(id).push(e);
    });
  });

  // ---- dom helpers (text only) ---------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function fmt(n) {
    return Number(n).toLocaleString("en-US");
  }
  function styleOf(map, type) {
    return map[type] || map.OTHER;
  }

  // ---- what is shown ---------------------------------------------------------
  function typeShown(id) {
    return !state.hiddenNodeTypes.has(nodeType.get(id)) || state.revealed.has(id);
  }
  function nodeShown(id) {
    return typeShown(id) && (state.focus === null || state.focus.has(id));
  }
  function edgeShown(e) {
    if (state.path !== null) return state.path.edges.has(e.id);
    return !state.hiddenEdgeTypes.has(e.kgType) && nodeShown(e.from) && nodeShown(e.to);
  }

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return nodeShown(n.id); } });
  var edgesView = new vis.DataView(edges, { filter: edgeShown });

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, data.options);

  var visibleLine = document.getElementById("kg-visible");
  function refresh() {
    nodesView.refresh();
    edgesView.refresh();
    visibleLine.textContent =
      "visible now: " + fmt(nodesView.length) + " nodes, " + fmt(edgesView.length) + " edges";
  }

  /* Show only `ids` (a Set; null shows everything) and fit them on screen. */
  function showOnly(ids, kind, fitIds) {
    state.focus = ids;
    state.focusKind = ids === null ? null : kind;
    if (ids === null) {
      state.focusId = null;
      state.path = null;
    }
    refresh();
    var fit = (fitIds || (ids ? Array.from(ids) : null));
    if (fit) fit = fit.filter(nodeShown);
    network.fit(fit && fit.length ? { nodes: fit, animation: false } : { animation: false });
  }

  // ---- legend and type filters ---------------------------------------------
  function legendRow(box, swatch, label, count, checked, onChange) {
    var row = el("label", "kg-check");
    var input = el("input");
    input.type = "checkbox";
    input.checked = checked;
    input.addEventListener("change", function () { onChange(input.checked); });
    row.appendChild(input);
    row.appendChild(swatch);
    row.appendChild(el("span", null, label));
    row.appendChild(el("span", "kg-count", fmt(count)));
    box.appendChild(row);
    return input;
  }
  var typeInputs = {};
  var nodeBox = document.getElementById("kg-node-types");
  data.legend.nodes.forEach(function (item) {
    var st = styleOf(nodeStyle, item.type);
    var sw = el("span", "kg-swatch kg-shape-" + st.shape);
    sw.style.background = st.color;
    var label = item.type === "PAPER" && data.view === "entities" ? st.label + "s (toggle)" : st.label;
    typeInputs[item.type] = legendRow(nodeBox, sw, label, item.count,
      !state.hiddenNodeTypes.has(item.type), function (on) {
        setTypeShown(item.type, on);
      });
    typeInputs[item.type].dataset.type = item.type;
  });
  function setTypeShown(type, on) {
    if (on) state.hiddenNodeTypes.delete(type);
    else state.hiddenNodeTypes.add(type);
    if (typeInputs[type]) typeInputs[type].checked = on;
    refresh();
  }
  var edgeBox = document.getElementById("kg-edge-types");
  data.legend.edges.forEach(function (item) {
    var st = styleOf(edgeStyle, item.type);
    var sw = el("span", "kg-line");
    sw.style.height = Math.max(1, Math.round(st.width)) + "px";
    sw.style.background = st.color;
    sw.style.color = st.color;
    var input = legendRow(edgeBox, sw, st.label, item.count, true, function (on) {
      if (on) state.hiddenEdgeTypes.delete(item.type);
      else state.hiddenEdgeTypes.add(item.type);
      refresh();
    });
    input.dataset.type = item.type;
  });

  // ---- drawing: communities under the graph, labels over it -------------------
  function viewBox() {
    var w = container.clientWidth, h = container.clientHeight;
    var a = network.DOMtoCanvas({ x: 0, y: 0 });
    var b = network.DOMtoCanvas({ x: w, y: h });
    return { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
  }
  function clusterColour(id) {
    return palette[((id % palette.length) + palette.length) % palette.length];
  }
  network.on("dragStart", function () { state.dragging = true; });
  network.on("dragEnd", function () { state.dragging = false; network.redraw(); });
  network.on("beforeDrawing", function (ctx) {
    if (!state.communities || state.focus !== null || state.dragging) return;
    var scale = network.getScale();
    ctx.save();
    data.clusters.forEach(function (c) {
      if (c.size < 3) return;
      ctx.globalAlpha = 0.07;
      ctx.fillStyle = clusterColour(c.id);
      ctx.beginPath();
      ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
      ctx.fill();
      if (c.r * scale > 110) {
        ctx.globalAlpha = 0.55;
        ctx.fillStyle = "#1f2d3d";
        ctx.font = "600 " + (13 / scale) + "px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "bottom";
        ctx.fillText(c.name, c.x, c.y - c.r - 4 / scale);
      }
    });
    ctx.restore();
  });

  /* Labels by level of detail: a node's label is drawn once the zoom reaches
     its kgLabelScale (computed at build time so that drawn labels never
     overlap); selected, hovered, searched and path nodes always get theirs. */
  function forcedLabels() {
    var s = new Set(network.getSelectedNodes());
    if (state.hover) s.add(state.hover);
    if (state.focusId) s.add(state.focusId);
    if (state.path) state.path.nodes.forEach(function (id) { s.add(id); });
    return s;
  }
  function collides(r, placed) {
    for (var i = 0; i < placed.length; i++) {
      var q = placed[i];
      if (r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h) return true;
    }
    return false;
  }
  function drawLabels(ctx) {
    var scale = network.getScale();
    var box = viewBox();
    var forced = forcedLabels();
    var small = state.focus !== null && state.focus.size <= 200;
    var body = network.body.nodes;
    var ids = network.body.nodeIndices;
    var cands = [];
    for (var i = 0; i < ids.length; i++) {
      var item = nodeItem.get(ids[i]);
      if (!item) continue;
      var f = forced.has(ids[i]);
      if (!f && !small && item.kgLabelScale > scale) continue;
      var n = body[ids[i]];
      if (n.x < box.x0 || n.x > box.x1 || n.y < box.y0 - 50 / scale || n.y > box.y1) continue;
      cands.push({ id: ids[i], item: item, n: n, forced: f });
    }
    /* Forced labels first, then the build's order of importance; a label that would
       overlap one already drawn waits for more zoom (the build computed that zoom for
       the whole graph; this also holds when a search or a path shows only a few). */
    cands.sort(function (a, b) {
      return (b.forced - a.forced) || (a.item.kgLabelScale - b.item.kgLabelScale) ||
        (b.n.options.size - a.n.options.size) || (a.id < b.id ? -1 : 1);
    });
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    var placed = [], lastFont = null;
    cands.forEach(function (c) {
      var font = (c.forced ? "600 " : "") + (c.item.kgFont / scale) + "px system-ui, sans-serif";
      if (font !== lastFont) { ctx.font = font; lastFont = font; }
      var w = ctx.measureText(c.item.kgLabel).width;
      var y = c.n.y + c.n.options.size + 2 / scale;
      var r = { id: c.id, x: c.n.x - w / 2, y: y, w: w, h: c.item.kgFont * 1.15 / scale };
      if (!c.forced && collides(r, placed)) return;
      placed.push(r);
      ctx.strokeText(c.item.kgLabel, c.n.x, y);
      ctx.fillStyle = c.item.kgType === "PAPER" ? "#4a525a" : "#1f2d3d";
      ctx.fillText(c.item.kgLabel, c.n.x, y);
    });
    kg.labelsDrawn = placed.length;
    if (kg.recordLabels) {
      kg.labelRects = placed.map(function (r) {
        return { id: r.id, x: r.x + r.w / 2, y: r.y, w: r.w, h: r.h };
      });
    }
    drawEdgeLabels(ctx, scale, placed);
    ctx.restore();
  }
  /* Relation names along the edges, only when few edges are shown (a search, a path),
     and only where they overlap no label. */
  function drawEdgeLabels(ctx, scale, placed) {
    if (edgesView.length > 80) return;
    ctx.font = (10 / scale) + "px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    edgesView.getIds().forEach(function (id) {
      var e = network.body.edges[id];
      var item = edges.get(id);
      if (!e || !item || !item.kgLabel || !e.edgeType) return;
      var p = e.edgeType.getPoint(0.5);
      var w = ctx.measureText(item.kgLabel).width, h = 12 / scale;
      var r = { x: p.x - w / 2, y: p.y - h / 2, w: w, h: h };
      if (collides(r, placed)) return;
      placed.push(r);
      ctx.strokeText(item.kgLabel, p.x, p.y);
      ctx.fillStyle = item.color.color;
      ctx.fillText(item.kgLabel, p.x, p.y);
    });
  }
  network.on("afterDrawing", drawLabels);
  network.on("hoverNode", function (p) { state.hover = p.node; });
  network.on("blurNode", function () { state.hover = null; });

  function setColourByCommunity(on) {
    state.colourByCommunity = on;
    nodes.update(nodeItems.map(function (n) {
      var st = styleOf(nodeStyle, n.kgType);
      var bg = on && n.kgCommunity >= 0 ? clusterColour(n.kgCommunity) : st.color;
      return { id: n.id, color: { background: bg, border: st.border,
        highlight: { background: bg, border: "#111111" }, hover: { background: bg, border: "#111111" } } };
    }));
  }

  var kg = {
    t0: t0,
    data: data,
    details: details,
    network: network,
    nodes: nodes,
    edges: edges,
    nodeItems: nodeItems,
    edgeItems: edgeItems,
    nodesView: nodesView,
    edgesView: edgesView,
    state: state,
    nodeType: nodeType,
    nodeName: nodeName,
    nodeItem: nodeItem,
    adjacency: adjacency,
    typeInputs: typeInputs,
    el: el,
    fmt: fmt,
    styleOf: styleOf,
    nodeShown: nodeShown,
    typeShown: typeShown,
    edgeShown: edgeShown,
    refresh: refresh,
    showOnly: showOnly,
    setTypeShown: setTypeShown,
    setColourByCommunity: setColourByCommunity,
    clusterColour: clusterColour,
    viewBox: viewBox,
    labelsDrawn: 0,
    visibleCounts: function () { return { nodes: nodesView.length, edges: edgesView.length }; }
  };
  window.kg = kg;
  refresh();

  network.once("afterDrawing", function () {
    kg.readyMs = performance.now() - t0;
    document.body.setAttribute("data-kg-state", "ready");
  });
})();
