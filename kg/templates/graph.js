/* kg graph page: search, filters, physics toggle and the details panel.
 *
 * Every string that comes from papers (titles, names, evidence sentences) is
 * put into the page with textContent, never as HTML. The data arrive as JSON
 * in <script type="application/json"> blocks and are read with JSON.parse.
 * The page state is exposed as window.kg for tests and the console.
 */
(function () {
  "use strict";

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var data = readJson("kg-data");
  var nodeItems = readJson("kg-nodes");
  var edgeItems = readJson("kg-edges");
  var details = data.details;
  var nodeStyle = data.style.nodes;
  var edgeStyle = data.style.edges;

  var state = {
    hiddenNodeTypes: new Set(),
    hiddenEdgeTypes: new Set(),
    focus: null, // Set of node ids shown by a search, or null
    focusId: null,
    pinned: null // {kind: "node"|"edge", id}
  };

  // ---- indexes -------------------------------------------------------------
  var nodeType = new Map();
  var nodeName = new Map();
  nodeItems.forEach(function (n) {
    nodeType.set(n.id, n.kgType);
    nodeName.set(n.id, details.nodes[n.id].name);
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

  // ---- filtering -----------------------------------------------------------
  function nodeShown(id) {
    if (state.hiddenNodeTypes.has(nodeType.get(id))) return false;
    return state.focus === null || state.focus.has(id);
  }
  function edgeShown(e) {
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
    typeInputs[item.type] = legendRow(nodeBox, sw, st.label, item.count, true, function (on) {
      if (on) state.hiddenNodeTypes.delete(item.type);
      else state.hiddenNodeTypes.add(item.type);
      refresh();
    });
    typeInputs[item.type].dataset.type = item.type;
  });
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

  // ---- details panel ---------------------------------------------------------
  var panel = document.getElementById("kg-panel");

  function paperTitle(pid) {
    return Object.prototype.hasOwnProperty.call(data.papers, pid) ? data.papers[pid] : pid;
  }
  function nodeLink(id, text) {
    if (!nodeType.has(id)) return el("span", null, text);
    var b = el("button", "kg-link", text);
    b.type = "button";
    b.addEventListener("click", function () { select(id); });
    return b;
  }
  function paperItem(pid) {
    var li = el("li");
    li.appendChild(nodeLink("paper:" + pid, paperTitle(pid)));
    return li;
  }
  function chip(type, styles) {
    var st = styleOf(styles, type);
    var c = el("span", "kg-chip", st.label);
    c.style.background = st.color;
    return c;
  }
  function field(dl, name, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", null, name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }
  function list(items, limit, make) {
    var ul = el("ul", "kg-list");
    items.slice(0, limit).forEach(function (x) { ul.appendChild(make(x)); });
    if (items.length > limit) {
      ul.appendChild(el("li", "kg-muted", "and " + fmt(items.length - limit) + " more"));
    }
    return ul;
  }

  function showHelp() {
    panel.replaceChildren();
    panel.appendChild(el("h3", null, "Details"));
    if (nodeItems.length === 0) {
      panel.appendChild(el("p", null, "The graph is empty: no node matched the selection."));
      return;
    }
    panel.appendChild(el("p", "kg-muted",
      "Hover or click a node or an edge to see its type, name, aliases, papers and evidence."));
  }

  function showNode(id) {
    var d = details.nodes[id];
    if (!d) return showHelp();
    panel.replaceChildren();
    panel.appendChild(chip(d.type, nodeStyle));
    panel.appendChild(el("h3", "kg-name", d.name));
    var dl = el("dl", "kg-dl");
    panel.appendChild(dl);
    field(dl, "id", id);
    field(dl, "degree", fmt(d.degree) + " edges in the graph");
    if (d.type === "PAPER") {
      field(dl, "paper id", d.paper_id);
      field(dl, "year", d.year);
      field(dl, "date", d.date);
      if (d.authors && d.authors.length) field(dl, "authors", d.authors.join(", "));
      field(dl, "arXiv", d.arxiv_id);
      field(dl, "DOI", d.doi);
      field(dl, "source", d.source);
    } else {
      var others = (d.aliases || []).filter(function (a) { return a !== d.name; });
      if (others.length) field(dl, "aliases", others.join(" · "));
      if (d.introduced_by && d.introduced_by.length) {
        field(dl, "introduced by", list(d.introduced_by, 20, paperItem));
      }
      field(dl, "mentioned in " + fmt(d.papers.length) + " paper" + (d.papers.length === 1 ? "" : "s"),
        list(d.papers, 50, paperItem));
    }
    var rels = (adjacency.get(id) || []).filter(function (e) { return e.kgType !== "mentions"; });
    if (rels.length) {
      field(dl, "relations drawn", list(rels, 50, function (e) {
        var li = el("li");
        var out = e.from === id;
        li.appendChild(el("span", null, (out ? "" : "← ") + styleOf(edgeStyle, e.kgType).label +
          (out ? " → " : " ")));
        li.appendChild(nodeLink(out ? e.to : e.from, nodeName.get(out ? e.to : e.from)));
        return li;
      }));
    }
    if (d.type === "PAPER") {
      var ments = (adjacency.get(id) || []).filter(function (e) { return e.kgType === "mentions"; });
      if (ments.length) {
        field(dl, "names " + fmt(ments.length) + " entities (drawn)", list(ments, 60, function (e) {
          var li = el("li");
          li.appendChild(nodeLink(e.to, nodeName.get(e.to)));
          return li;
        }));
      }
      if (d.abstract) field(dl, "abstract", el("div", "kg-abstract", d.abstract));
    }
  }

  function showEdge(id) {
    var d = details.edges[id];
    var e = edges.get(id);
    if (!d || !e) return showHelp();
    panel.replaceChildren();
    panel.appendChild(chip(d.type, edgeStyle));
    var h = el("h3");
    h.appendChild(nodeLink(e.from, nodeName.get(e.from)));
    h.appendChild(el("span", null, " → " + styleOf(edgeStyle, d.type).label + " → "));
    h.appendChild(nodeLink(e.to, nodeName.get(e.to)));
    panel.appendChild(h);
    var dl = el("dl", "kg-dl");
    panel.appendChild(dl);
    if (d.type === "mentions") {
      field(dl, "mentions", fmt(d.count || 0) + " time" + (d.count === 1 ? "" : "s") + " in the paper");
      return;
    }
    field(dl, "support", fmt(d.support) + " paper" + (d.support === 1 ? "" : "s"));
    field(dl, "confidence", d.confidence);
    (d.claims || []).forEach(function (c) {
      var box = el("div");
      var ul = el("ul", "kg-list");
      ul.appendChild(paperItem(c.paper));
      box.appendChild(ul);
      if (c.evidence) box.appendChild(el("blockquote", "kg-evidence", c.evidence));
      var extra = [];
      if (c.value !== null && c.value !== undefined) extra.push("value " + c.value);
      if (c.metric) extra.push("metric " + c.metric);
      if (c.rule) extra.push("rule " + c.rule);
      if (c.confidence !== null && c.confidence !== undefined) extra.push("confidence " + c.confidence);
      if (extra.length) box.appendChild(el("div", "kg-muted", extra.join(" · ")));
      field(dl, "stated by", box);
    });
  }

  function showPinned() {
    if (state.pinned === null) showHelp();
    else if (state.pinned.kind === "node") showNode(state.pinned.id);
    else showEdge(state.pinned.id);
  }

  network.on("hoverNode", function (p) { showNode(p.node); });
  network.on("blurNode", showPinned);
  network.on("hoverEdge", function (p) { showEdge(p.edge); });
  network.on("blurEdge", showPinned);
  network.on("click", function (p) {
    if (p.nodes.length) state.pinned = { kind: "node", id: p.nodes[0] };
    else if (p.edges.length) state.pinned = { kind: "edge", id: p.edges[0] };
    else state.pinned = null;
    showPinned();
  });

  function select(id) {
    if (!nodeShown(id)) {
      state.hiddenNodeTypes.delete(nodeType.get(id));
      if (typeInputs[nodeType.get(id)]) typeInputs[nodeType.get(id)].checked = true;
      if (state.focus !== null && !state.focus.has(id)) focusOn(id);
      refresh();
    }
    state.pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    showPinned();
  }

  // ---- search ----------------------------------------------------------------
  var searchIndex = nodeItems.map(function (n) {
    var d = details.nodes[n.id];
    var names = [d.name].concat(d.aliases || []).map(function (s) { return String(s).toLowerCase(); });
    return { id: n.id, names: names, degree: d.degree };
  });
  var datalist = document.getElementById("kg-names");
  var seen = new Set();
  nodeItems.forEach(function (n) {
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
    var q = query.trim().toLowerCase();
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
        if (best === null || entry.degree > best.degree ||
            (entry.degree === best.degree && entry.id < best.id)) best = entry;
      });
      if (best !== null) return best.id;
    }
    return null;
  }

  function focusOn(id) {
    var keep = new Set([id]);
    (adjacency.get(id) || []).forEach(function (e) {
      if (!state.hiddenEdgeTypes.has(e.kgType)) keep.add(e.from === id ? e.to : e.from);
    });
    state.focus = keep;
    state.focusId = id;
    return keep;
  }

  var status = document.getElementById("kg-search-status");
  var searchInput = document.getElementById("kg-search");
  function search(query) {
    var id = findNode(query);
    if (id === null) {
      status.textContent = "No node matches “" + query.trim() + "”.";
      return null;
    }
    state.hiddenNodeTypes.delete(nodeType.get(id));
    if (typeInputs[nodeType.get(id)]) typeInputs[nodeType.get(id)].checked = true;
    var keep = focusOn(id);
    refresh();
    state.pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    network.fit({ nodes: Array.from(keep).filter(nodeShown), animation: false });
    showPinned();
    status.textContent = "Showing “" + nodeName.get(id) + "” and " + fmt(keep.size - 1) +
      " neighbour" + (keep.size === 2 ? "" : "s") + ". Clear shows every node.";
    return id;
  }
  function clearSearch() {
    state.focus = null;
    state.focusId = null;
    searchInput.value = "";
    status.textContent = "";
    refresh();
    network.fit({ animation: false });
  }
  document.getElementById("kg-search-go").addEventListener("click", function () {
    search(searchInput.value);
  });
  document.getElementById("kg-search-clear").addEventListener("click", clearSearch);
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); search(searchInput.value); }
    if (ev.key === "Escape") { clearSearch(); }
  });

  // ---- physics and layout ------------------------------------------------------
  var physicsBox = document.getElementById("kg-physics");
  physicsBox.checked = !!data.stabilize;
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked } });
  });
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: false });
  });

  function ready() {
    document.body.setAttribute("data-kg-state", "ready");
  }
  if (data.stabilize && nodeItems.length) {
    var progress = el("div", null, "laying out…");
    progress.id = "kg-progress";
    container.appendChild(progress);
    network.on("stabilizationProgress", function (p) {
      progress.textContent = "laying out… " + Math.round((100 * p.iterations) / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      physicsBox.checked = false;
      progress.remove();
      network.fit({ animation: false });
      ready();
    });
  } else {
    network.once("afterDrawing", ready);
    if (!nodeItems.length) ready();
  }

  refresh();
  showHelp();

  window.kg = {
    network: network,
    nodes: nodes,
    edges: edges,
    nodesView: nodesView,
    edgesView: edgesView,
    state: state,
    search: search,
    clearSearch: clearSearch,
    select: select,
    visibleCounts: function () { return { nodes: nodesView.length, edges: edgesView.length }; }
  };
})();
