// kg query cookbook for Neo4j Browser or cypher-shell.
//
// Model (see README.md): (:Paper)-[:MENTIONS {count}]->(:Entity),
// (:Paper)-[:PROPOSES]->(:Entity), (:Entity)-[:EVALUATES_ON|OUTPERFORMS|USES_METRIC]->(:Entity).
// Entities carry a second label: :Model :Method :Dataset :Benchmark :Metric :Task.
// Claim relationships hold parallel lists: paper papers[i] stated the relation in
// sentence evidence[i] with confidences[i] (and values[i] / metrics[i], "" when none).
//
// Each query below starts with the :param lines that give its inputs a default;
// edit them, run them, then run the query. Names match case-insensitively.
// Queries tagged "neo4j-only" use syntax other openCypher servers may lack.

// ---------------------------------------------------------------------------
// 1. How big is the graph? Nodes per label.
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY nodes DESC, label;

// ---------------------------------------------------------------------------
// 2. Relationships per type.
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS relationships
ORDER BY relationships DESC, type;

// ---------------------------------------------------------------------------
// 3. Which models and methods were evaluated on benchmark or dataset X?
:param target => 'MMLU'
MATCH (m:Entity)-[r:EVALUATES_ON]->(b:Entity)
WHERE toLower(b.name) = toLower($target) OR b.id = $target
RETURN b.name AS evaluatedOn, m.name AS model, m.type AS type, r.support AS papers, r.papers AS paperIds
ORDER BY papers DESC, model;

// ---------------------------------------------------------------------------
// 4. Who outperforms whom on dataset or benchmark D (the paper that claims the win
//    also evaluates the winner on D)?
:param target => 'ImageNet'
MATCH (d:Entity)<-[e:EVALUATES_ON]-(winner:Entity)-[o:OUTPERFORMS]->(loser:Entity)
WHERE toLower(d.name) = toLower($target) OR d.id = $target
WITH d, winner, loser, o, [p IN o.papers WHERE p IN e.papers] AS papers
WHERE size(papers) > 0
RETURN d.name AS on, winner.name AS winner, loser.name AS loser, papers
ORDER BY winner, loser;

// ---------------------------------------------------------------------------
// 5. Who outperforms whom, anywhere, with how many papers saying so.
:param limit => 25
MATCH (winner:Entity)-[o:OUTPERFORMS]->(loser:Entity)
RETURN winner.name AS winner, loser.name AS loser, o.support AS papers, o.confidence AS confidence
ORDER BY papers DESC, confidence DESC, winner, loser
LIMIT $limit;

// ---------------------------------------------------------------------------
// 6. Most used datasets and benchmarks (number of papers that mention them).
:param limit => 20
MATCH (p:Paper)-[:MENTIONS]->(d:Entity)
WHERE d:Dataset OR d:Benchmark
RETURN d.name AS name, d.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, name
LIMIT $limit;

// ---------------------------------------------------------------------------
// 7. Most used metrics, and what they measure.
:param limit => 20
MATCH (m:Metric)
OPTIONAL MATCH (x:Entity)-[:USES_METRIC]->(m)
RETURN m.name AS metric, m.paperCount AS papers, collect(DISTINCT x.name) AS usedWith
ORDER BY papers DESC, metric
LIMIT $limit;

// ---------------------------------------------------------------------------
// 8. Papers that propose a benchmark or dataset.
MATCH (p:Paper)-[:PROPOSES]->(b:Entity)
WHERE b:Benchmark OR b:Dataset
RETURN p.paperId AS paper, p.title AS title, collect(b.name) AS proposes
ORDER BY paper;

// ---------------------------------------------------------------------------
// 9. Entities shared by two papers (words of their titles, or their paperId).
:param paperA => 'ELECTRA'
:param paperB => 'ERNIE-Gram'
MATCH (a:Paper)-[:MENTIONS]->(e:Entity)<-[:MENTIONS]-(b:Paper)
WHERE (a.paperId = $paperA OR toLower(a.title) CONTAINS toLower($paperA))
  AND (b.paperId = $paperB OR toLower(b.title) CONTAINS toLower($paperB)) AND a <> b
RETURN a.title AS paperA, b.title AS paperB, e.name AS entity, e.type AS type
ORDER BY type, entity;

// ---------------------------------------------------------------------------
// 10. The evidence behind a claim: every sentence (and its paper) stating any
//     relation from X to Y.
:param head => 'Llama-3 8B'
:param tail => 'MMLU'
MATCH (a:Entity)-[r]->(b:Entity)
WHERE toLower(a.name) = toLower($head) AND toLower(b.name) = toLower($tail)
UNWIND range(0, size(r.papers) - 1) AS i
RETURN type(r) AS relation, r.papers[i] AS paper, r.evidence[i] AS evidence,
       r.confidences[i] AS confidence, r.values[i] AS value, r.metrics[i] AS metric
ORDER BY relation, paper;

// ---------------------------------------------------------------------------
// 11. Find an entity by any of its surface forms (aliases).
:param alias => 'GPT-4o'
MATCH (e:Entity)
WHERE any(a IN e.aliases WHERE toLower(a) = toLower($alias))
RETURN e.id AS id, e.name AS name, e.type AS type, e.aliases AS aliases, e.papers AS papers;

// ---------------------------------------------------------------------------
// 12. Everything a paper states: what it proposes, evaluates and compares
//     (words of its title, or its paperId).
:param paper => 'ELECTRA'
MATCH (p:Paper)-[:MENTIONS]->(e:Entity)
WHERE p.paperId = $paper OR toLower(p.title) CONTAINS toLower($paper)
OPTIONAL MATCH (e)-[r]->(o:Entity)
WHERE p.paperId IN r.papers
RETURN p.title AS paper, e.name AS entity, e.type AS type, p.paperId IN e.introducedBy AS proposed,
       collect(DISTINCT type(r) + ' ' + o.name) AS claims
ORDER BY paper, proposed DESC, type, entity;

// ---------------------------------------------------------------------------
// 13. The neighbourhood of one entity: every relationship in and out.
:param name => 'BERT'
MATCH (e:Entity)-[r]-(other)
WHERE toLower(e.name) = toLower($name)
RETURN type(r) AS relation, startNode(r) = e AS outgoing, other.name AS other,
       labels(other) AS labels
ORDER BY relation, other;

// ---------------------------------------------------------------------------
// 14. Best-supported claims: relations stated by the most papers.
:param limit => 20
MATCH (a)-[r]->(b:Entity)
WHERE r.support IS NOT NULL
RETURN a.name AS head, type(r) AS relation, b.name AS tail, r.support AS papers,
       r.confidence AS confidence
ORDER BY papers DESC, confidence DESC, head, tail
LIMIT $limit;

// ---------------------------------------------------------------------------
// 15. Reported scores: claims that quote a number, with the metric when given.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE r.values IS NOT NULL
UNWIND range(0, size(r.values) - 1) AS i
WITH a, r, b, i
WHERE r.values[i] <> ''
RETURN a.name AS head, type(r) AS relation, b.name AS tail, r.values[i] AS value,
       r.metrics[i] AS metric, r.papers[i] AS paper
ORDER BY head, tail, paper;

// ---------------------------------------------------------------------------
// 16. Methods and models that papers on task T talk about (co-mentions).
:param task => 'question answering'
MATCH (t:Task)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(m:Entity)
WHERE toLower(t.name) CONTAINS toLower($task) AND (m:Model OR m:Method)
RETURN t.name AS task, m.name AS name, count(DISTINCT p) AS papers
ORDER BY papers DESC, name
LIMIT 25;

// ---------------------------------------------------------------------------
// 17. Entities mentioned in at least N papers (the cross-paper hubs).
:param minPapers => 2
MATCH (e:Entity)
WHERE e.paperCount >= $minPapers
RETURN e.name AS name, e.type AS type, e.paperCount AS papers
ORDER BY papers DESC, name;

// ---------------------------------------------------------------------------
// 18. How are two entities connected? Shortest path through papers and claims.
// neo4j-only
:param fromName => 'BERT'
:param toName => 'MMLU'
MATCH (a:Entity), (b:Entity)
WHERE toLower(a.name) = toLower($fromName) AND toLower(b.name) = toLower($toName)
MATCH path = shortestPath((a)-[*..6]-(b))
RETURN [n IN nodes(path) | coalesce(n.name, n.id)] AS hops, [r IN relationships(path) | type(r)] AS via;

// ---------------------------------------------------------------------------
// 19. The constraints kg created.
// neo4j-only
SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties
WHERE name STARTS WITH 'kg_'
RETURN name, labelsOrTypes, properties
ORDER BY name;
