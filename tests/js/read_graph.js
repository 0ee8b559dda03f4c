// Open a kg export with a JavaScript graph library and print what it read, as one JSON line.
//   node tests/js/read_graph.js graphml|gexf|cyjs FILE
// graphml and gexf are parsed by graphology-graphml / graphology-gexf into a graphology
// MultiDirectedGraph; cyjs is loaded by cytoscape (headless, styles computed).
'use strict';
const fs = require('fs');

const [kind, file] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');

function graphologySummary(graph) {
  const nodes = {};
  graph.forEachNode((id, attrs) => {
    nodes[id] = attrs;
  });
  const edges = {};
  graph.forEachEdge((id, attrs, source, target) => {
    edges[id] = { source, target, attrs };
  });
  return { order: graph.order, size: graph.size, type: graph.type, multi: graph.multi, nodes, edges };
}

let out;
if (kind === 'graphml' || kind === 'gexf') {
  const { MultiDirectedGraph } = require('graphology');
  const parser = kind === 'graphml' ? require('graphology-graphml') : require('graphology-gexf');
  out = graphologySummary(parser.parse(MultiDirectedGraph, text));
} else if (kind === 'cyjs') {
  const cytoscape = require('cytoscape');
  const data = JSON.parse(text);
  const cy = cytoscape({ headless: true, styleEnabled: true, elements: data.elements, style: data.style });
  const nodes = {};
  cy.nodes().forEach((n) => {
    nodes[n.id()] = { data: n.data(), color: n.style('background-color') };
  });
  const edges = {};
  cy.edges().forEach((e) => {
    edges[e.id()] = { source: e.source().id(), target: e.target().id(), data: e.data(), color: e.style('line-color') };
  });
  out = { order: cy.nodes().length, size: cy.edges().length, nodes, edges };
} else {
  console.error(`unknown kind ${kind}; use graphml, gexf or cyjs`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0)); // cytoscape keeps timers alive
