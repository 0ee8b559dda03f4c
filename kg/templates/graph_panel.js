/* kg graph page, part 2 of 3: the details panel.
 *
 * A node: type, name, aliases, papers; for a dataset or benchmark its
 * leaderboard (models evaluated on it, score, metric, paper, evidence); for a
 * paper what it proposes, beats, evaluates on and scores. An edge: every
 * claim with its paper and evidence sentence. Text only (textContent).
 */
(function () {
  "use strict";
  var kg = window.kg;
  var data = kg.data, details = kg.details, state = kg.state, network = kg.network;
  var el = kg.el, fmt = kg.fmt, styleOf = kg.styleOf;
  var nodeStyle = data.style.nodes, edgeStyle = data.style.edges;
  var panel = document.getElementById("kg-panel");

  function paperTitle(pid) {
    return Object.prototype.hasOwnProperty.call(data.papers, pid) ? data.papers[pid] : pid;
  }
  function nodeLink(id, text) {
    if (!kg.nodeType.has(id)) return el("span", null, text);
    var b = el("button", "kg-link", text);
    b.type = "button";
    b.addEventListener("click", function () { select(id); });
    return b;
  }
  function paperLink(pid, title, evidenceText) {
    if (kg.nodeType.has("paper:" + pid)) return nodeLink("paper:" + pid, title || paperTitle(pid));
    var b = el("button", "kg-link", title || paperTitle(pid));
    b.type = "button";
    b.addEventListener("click", function () { showPaperStub(pid, title || paperTitle(pid), evidenceText); });
    return b;
  }
  /* A paper that is not in the page (beyond --html-max-nodes): what the page knows of it. */
  function showPaperStub(pid, title, evidenceText) {
    state.pinned = { kind: "stub", id: pid, title: title, evidence: evidenceText };
    panel.replaceChildren();
    panel.appendChild(chip("PAPER", nodeStyle));
    panel.appendChild(el("h3", "kg-name", title));
    var dl = el("dl", "kg-dl");
    panel.appendChild(dl);
    field(dl, "paper id", pid);
    if (evidenceText) field(dl, "evidence", evidence(evidenceText));
    panel.appendChild(el("p", "kg-muted",
      "This paper is not in the page; rebuild with a larger --html-max-nodes to draw it."));
  }
  function paperItem(pid) {
    var li = el("li");
    li.appendChild(paperLink(pid));
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
  function evidence(text) {
    var q = el("blockquote", "kg-evidence", text);
    return q;
  }

  function showHelp() {
    panel.replaceChildren();
    panel.appendChild(el("h3", null, "Details"));
    if (kg.nodeItems.length === 0) {
      panel.appendChild(el("p", null, "The graph is empty: no node matched the selection."));
      return;
    }
    panel.appendChild(el("p", "kg-muted",
      "Hover or click a node or an edge to see its type, name, aliases, papers and evidence. " +
      "Click a dataset or benchmark for its leaderboard, a paper for what it proposes and beats."));
  }

  /* Models evaluated on a dataset/benchmark: one row per model, paper and metric. */
  function leaderboard(rows) {
    var box = el("div", "kg-leaderboard");
    var table = el("table", "kg-table");
    var head = el("tr");
    ["#", "model", "score", "metric", "paper"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    rows.forEach(function (r, i) {
      var tr = el("tr");
      tr.appendChild(el("td", "kg-num", String(i + 1)));
      var m = el("td");
      m.appendChild(nodeLink(r.model, r.name));
      tr.appendChild(m);
      tr.appendChild(el("td", "kg-num", r.value === null ? "–" : r.value));
      tr.appendChild(el("td", null, r.metric || ""));
      var p = el("td");
      p.appendChild(paperLink(r.paper, r.title, r.evidence));
      tr.appendChild(p);
      table.appendChild(tr);
      if (r.evidence) {
        var ev = el("tr", "kg-ev-row");
        var td = el("td");
        td.colSpan = 5;
        td.appendChild(evidence(r.evidence));
        ev.appendChild(td);
        table.appendChild(ev);
      }
    });
    box.appendChild(table);
    return box;
  }

  var CLAIM_TITLES = {
    proposes: "Proposes", outperforms: "Beats", evaluates_on: "Evaluated on", uses_metric: "Scores"
  };
  function paperClaims(dl, claims) {
    var groups = {};
    claims.forEach(function (c) { (groups[c.type] = groups[c.type] || []).push(c); });
    Object.keys(groups).forEach(function (type) {
      var title = CLAIM_TITLES[type] || styleOf(edgeStyle, type).label;
      field(dl, title, list(groups[type], 40, function (c) {
        var li = el("li", "kg-claim");
        if (type === "proposes") {
          li.appendChild(nodeLink(c.tail, c.tail_name));
        } else {
          li.appendChild(nodeLink(c.head, c.head_name));
          li.appendChild(el("span", null, " " + (type === "outperforms" ? "beats" :
            type === "uses_metric" ? "–" : "on") + " "));
          li.appendChild(nodeLink(c.tail, c.tail_name));
          if (c.value !== null) {
            li.appendChild(el("span", "kg-score", " " + c.value + (c.metric ? " " + c.metric : "")));
          }
        }
        if (c.evidence) li.appendChild(evidence(c.evidence));
        return li;
      }));
    });
  }

  function showNode(id) {
    var d = details.nodes[id];
    if (!d) return showHelp();
    panel.replaceChildren();
    panel.appendChild(chip(d.type, nodeStyle));
    panel.appendChild(el("h3", "kg-name", d.name));
    var actions = el("div", "kg-row");
    var expand = el("button", null, "Expand neighbours");
    expand.type = "button";
    expand.id = "kg-expand";
    expand.addEventListener("click", function () { kg.expand(id); });
    actions.appendChild(expand);
    panel.appendChild(actions);
    var dl = el("dl", "kg-dl");
    panel.appendChild(dl);
    field(dl, "id", id);
    field(dl, "degree", fmt(d.degree) + " drawn edges");
    if (d.type === "PAPER") {
      field(dl, "paper id", d.paper_id);
      field(dl, "year", d.year);
      field(dl, "date", d.date);
      if (d.authors && d.authors.length) field(dl, "authors", d.authors.join(", "));
      field(dl, "arXiv", d.arxiv_id);
      field(dl, "DOI", d.doi);
      field(dl, "source", d.source);
      if (d.claims && d.claims.length) paperClaims(dl, d.claims);
    } else {
      var others = (d.aliases || []).filter(function (a) { return a !== d.name; });
      if (others.length) field(dl, "aliases", others.join(" · "));
      if (d.leaderboard) {
        field(dl, "leaderboard: " + fmt(d.leaderboard.length) + " result" +
          (d.leaderboard.length === 1 ? "" : "s"),
          d.leaderboard.length ? leaderboard(d.leaderboard) : el("span", "kg-muted", "no model is evaluated on it"));
      }
      if (d.introduced_by && d.introduced_by.length) {
        field(dl, "introduced by", list(d.introduced_by, 20, paperItem));
      }
      field(dl, "mentioned in " + fmt(d.papers.length) + " paper" + (d.papers.length === 1 ? "" : "s"),
        list(d.papers, 50, paperItem));
    }
    var rels = (kg.adjacency.get(id) || []).filter(function (e) {
      return e.kgType !== "mentions" && e.kgType !== "co_mentions";
    });
    if (rels.length) {
      field(dl, "relations in the page", list(rels, 50, function (e) {
        var li = el("li");
        var out = e.from === id;
        li.appendChild(el("span", null, (out ? "" : "← ") + styleOf(edgeStyle, e.kgType).label +
          (out ? " → " : " ")));
        li.appendChild(nodeLink(out ? e.to : e.from, kg.nodeName.get(out ? e.to : e.from)));
        return li;
      }));
    }
    if (d.type === "PAPER" && d.abstract) field(dl, "abstract", el("div", "kg-abstract", d.abstract));
  }

  function showEdge(id) {
    var d = details.edges[id];
    var e = kg.edges.get(id);
    if (!d || !e) return showHelp();
    panel.replaceChildren();
    panel.appendChild(chip(d.type, edgeStyle));
    var h = el("h3");
    h.appendChild(nodeLink(e.from, kg.nodeName.get(e.from)));
    h.appendChild(el("span", null, " → " + styleOf(edgeStyle, d.type).label + " → "));
    h.appendChild(nodeLink(e.to, kg.nodeName.get(e.to)));
    panel.appendChild(h);
    var dl = el("dl", "kg-dl");
    panel.appendChild(dl);
    if (d.type === "mentions") {
      field(dl, "mentions", fmt(d.count || 0) + " time" + (d.count === 1 ? "" : "s") + " in the paper");
      return;
    }
    if (d.type === "co_mentions") {
      field(dl, "named together in " + fmt(d.count) + " papers", list(d.papers, 50, paperItem));
      return;
    }
    field(dl, "support", fmt(d.support) + " paper" + (d.support === 1 ? "" : "s") +
      ((d.claims || []).length < d.support ? " (the first " + fmt(d.claims.length) + " below)" : ""));
    field(dl, "confidence", d.confidence);
    (d.claims || []).forEach(function (c) {
      var box = el("div");
      var ul = el("ul", "kg-list");
      ul.appendChild(paperItem(c.paper));
      box.appendChild(ul);
      if (c.evidence) box.appendChild(evidence(c.evidence));
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
    else if (state.pinned.kind === "stub") showPaperStub(state.pinned.id, state.pinned.title, state.pinned.evidence);
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

  /* Select a node from anywhere (panel links, search): make it visible first. */
  function select(id) {
    if (!kg.nodeType.has(id)) return;
    if (!kg.nodeShown(id)) {
      if (!kg.typeShown(id)) state.revealed.add(id);
      if (state.focus !== null && !state.focus.has(id)) {
        state.focus.add(id);
        state.path = null;
      }
      kg.refresh();
    }
    state.pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    showPinned();
  }

  kg.select = select;
  kg.showPinned = showPinned;
  kg.showNode = showNode;
  showHelp();
})();
