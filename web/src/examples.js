// Example SPARQL queries for the SPARQL page: the questions the other pages answer.
const PREFIXES = `PREFIX qz: <https://w3id.org/quanze/ns#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX level: <https://w3id.org/quanze/id/level/>
PREFIX type: <https://w3id.org/quanze/id/instrument-type/>
`;

// Where a level assignment bears on a cited provision: its own, those of the paragraphs and items
// inside a cited article or paragraph, the lead-in of a cited item (as quanze/queries/basis_assignments.rq);
// a level review (层级校核) of a paragraph, and a role reading (a body receiving a filing or a notice,
// publishing, hearing a re-appraisal), bear the same way.
const BEARING = `  { ?cited qz:assigns|qz:levelReview|qz:namesInRole ?a . BIND(?cited AS ?provision) }
  UNION { ?provision eli:is_part_of ?cited ; qz:assigns|qz:levelReview|qz:namesInRole ?a }
  UNION { ?cited a qz:Article . ?provision eli:is_part_of/eli:is_part_of ?cited ; qz:assigns|qz:levelReview|qz:namesInRole ?a }
  UNION { ?cited a qz:Point ; eli:is_part_of ?provision . ?provision qz:assigns|qz:levelReview|qz:namesInRole ?a }`;

// The readings that hold: a current level review (its paragraph's text is the one reviewed) replaces
// the extracted levels of its paragraph; a stale one counts for nothing (as quanze.review.effective).
// A role reading holds for an item whose name ends with its act (…备案, …告知, …公布/公告, …再次鉴定,
// as quanze.devolution.item_role reads it), whatever a review says of the rulebook's reading. An
// assignment whose body is named only as the one another may entrust (甲或者其委托的乙) is read at 甲's
// level (qz:entrustingLevel on the assignment).
const HOLDS = `  ?a qz:level ?levelRead . OPTIONAL { ?a qz:evidence ?evidence }
  OPTIONAL { ?a a qz:LevelAssignment ; qz:entrustingLevel ?holder }
  BIND(COALESCE(?holder, ?levelRead) AS ?level)
  FILTER (IF(EXISTS { ?a a qz:RoleReading },
             EXISTS { ?a qz:act ?roleAct .
                      FILTER(REGEX(?name, CONCAT(IF(?roleAct = "公布", "(公布|公告)",
                                                    IF(?roleAct = "再鉴定", "(再次鉴定|再鉴定|重新鉴定)", ?roleAct)),
                                                 "([（(][^）)]*[）)])?$"))) },
          IF(EXISTS { ?a qz:reviewedText ?any },
             EXISTS { ?a qz:reviewedText ?read . ?provision qz:text ?read },
             NOT EXISTS { ?provision qz:levelReview ?r . ?r qz:reviewedText ?seen . ?provision qz:text ?seen })))`;

// Items that need the law changed, as the dashboard counts them: exercised above the county (one
// exercised nowhere above it has nothing to move), not excluded for security (不予下放) nor to be
// cancelled (应予取消: a 取消 action recorded, or a licence every legal basis of which is a city's
// instrument), as quanze.devolution decides their status.
const NEEDING = `  FILTER EXISTS { ?item qz:exercisedAt ?exercised . ?exercised qz:above level:county }
  FILTER NOT EXISTS { ?item qz:securityCategory ?security }
  FILTER NOT EXISTS { ?cancel qz:onItem ?item ; qz:actionType <https://w3id.org/quanze/id/action-type/cancel> }
  FILTER NOT EXISTS { ?item a qz:AdministrativeLicence ; qz:legalBasis ?someBasis .
    FILTER NOT EXISTS { ?item qz:legalBasis ?basis .
      BIND(IRI(REPLACE(STR(?basis), "^(.*/law/[^/]+/[^/]+).*$", "$1")) AS ?version)
      FILTER NOT EXISTS { ?version qz:issuingLevel level:municipal } } }`;

// Who must amend a blocking provision, from its instrument (as quanze.devolution decides, in the
// dashboard's words): the centre for 宪法, 法律, 行政法规, 部门规章 and anything national, and for a
// local unit whose readings fix the national level alone (a central competence restated); the
// province for Shandong's own, the city for a city's; an instrument the store does not describe is
// counted as central.
const AUTHORITY = `  BIND(IRI(REPLACE(STR(?provision), "^(.*/law/[^/]+/[^/]+).*$", "$1")) AS ?provisionVersion)
  OPTIONAL { ?provisionVersion qz:issuingLevel ?issuing ; eli:type_document ?instrumentType }
  BIND(?level = level:national && NOT EXISTS {
         ?provision qz:assigns|qz:levelReview ?other . ?other qz:level ?otherLevel FILTER(?otherLevel != level:national)
         FILTER (IF(EXISTS { ?other qz:reviewedText ?anyText },
                    EXISTS { ?other qz:reviewedText ?otherRead . ?provision qz:text ?otherRead },
                    NOT EXISTS { ?provision qz:levelReview ?review . ?review qz:reviewedText ?seenText .
                                 ?provision qz:text ?seenText })) } AS ?nationalAlone)
  BIND(IF(?nationalAlone || !BOUND(?issuing) || ?issuing = level:national
          || ?instrumentType IN (type:constitution, type:law, type:administrative-regulation, type:departmental-rule),
          "中央层面（提出建议按程序上报）",
          IF(?issuing = level:provincial, "省级层面（提出立改废意见）", "市级层面（由设区的市修改或废止）")) AS ?authority)`;

// The two answers to "which items need the law changed before devolution to the county": one row
// per item (as many rows as the dashboard counts), then one row per blocking provision (for an
// export; an item blocked by three provisions takes three rows). Their labels say which is which.
export const EXAMPLES = [
  {
    id: "needs-change", key: "exNeedsChange",
    query: `# 需修改法律依据才能下放至县级的事项，每个事项一行：行数即下放分析页（目标：县级）“需修改法律依据”的事项数
# blocking：阻碍下放的条文数；provisions：这些条文（所引条文规定的层级高于县级；结果表中显示为引文，下载时为 IRI，以空格分隔）；
# authorities：修改机关。逐条列出条文（一个事项可占多行）见下一个示例“需修改法律依据的条文明细”。
# Items needing legal change before devolution to county level, one row per item: as many rows as the
# devolution dashboard counts (target: county). blocking: how many provisions block it; provisions: those
# provisions (a cited provision fixes a higher level; citations in the table, IRIs separated by spaces in
# downloads); authorities: who must amend them. One row per provision: the next example.
${PREFIXES}
SELECT ?code ?name (GROUP_CONCAT(DISTINCT ?body; separator="、") AS ?department)
       (COUNT(DISTINCT ?provision) AS ?blocking)
       (GROUP_CONCAT(DISTINCT STR(?provision); separator=" ") AS ?provisions)
       (GROUP_CONCAT(DISTINCT ?authority; separator="、") AS ?authorities) WHERE {
  ?item qz:code ?code ; qz:name ?name ; qz:legalBasis|qz:implementationBasis ?cited .
${BEARING}
${HOLDS}
  FILTER EXISTS { ?level qz:above level:county }
${NEEDING}
  OPTIONAL { ?item qz:implementingBodyName ?body }
${AUTHORITY}
}
GROUP BY ?item ?code ?name
ORDER BY ?department ?code
`,
  },
  {
    id: "needs-change-provisions", key: "exNeedsChangeProvisions",
    query: `# 需修改法律依据的条文明细（目标：县级）：阻碍条文规定的每个层级一行（同一条文规定省级和市级时为两行），
# 一个事项可占多行，所以行数多于下放分析页“需修改法律依据”的事项数；每个事项一行见第一个示例。证据为条文原话。
# Blocking provisions of the items needing legal change before devolution to county level: one row per
# provision and level it fixes, so an item may take several rows, and there are more rows than the
# dashboard's items (one row per item: the first example). The evidence is the provision's own words.
${PREFIXES}
SELECT DISTINCT ?code ?name ?department ?instrument ?provision ?levelLabel ?evidence ?authority WHERE {
  ?item qz:code ?code ; qz:name ?name ; qz:legalBasis|qz:implementationBasis ?cited .
${BEARING}
${HOLDS}
  FILTER EXISTS { ?level qz:above level:county }
${NEEDING}
  OPTIONAL { ?level skos:prefLabel ?levelLabel FILTER(lang(?levelLabel) = "zh") }
  OPTIONAL { ?item qz:implementingBodyName ?department }
  BIND(REPLACE(STR(?cited), "^.*/law/([^/]+)/.*$", "$1") AS ?instrument)
${AUTHORITY}
}
ORDER BY ?department ?code ?provision
`,
  },
  {
    id: "top-provisions", key: "exTopProvisions",
    query: `# 阻碍事项最多的条文（目标：县级；需修改法律依据的事项）/ Provisions blocking most items (target: county; items needing legal change)
${PREFIXES}
SELECT ?provision (COUNT(DISTINCT ?item) AS ?items) (SAMPLE(?evidence) AS ?evidence_example) WHERE {
  ?item qz:code ?code ; qz:name ?name ; qz:legalBasis|qz:implementationBasis ?cited .
${BEARING}
${HOLDS}
  FILTER EXISTS { ?level qz:above level:county }
${NEEDING}
}
GROUP BY ?provision
ORDER BY DESC(?items) ?provision
LIMIT 50
`,
  },
  {
    id: "by-department", key: "exByDepartment",
    query: `# 各实施主体、各类型的事项数 / Items per department and type
${PREFIXES}
SELECT ?department ?type (COUNT(?item) AS ?items) WHERE {
  ?item qz:code ?code ; a ?class .
  ?class rdfs:subClassOf* qz:Item ; rdfs:label ?type .
  FILTER(lang(?type) = "zh" && ?class != qz:Item && ?class != qz:AdministrativePower)
  OPTIONAL { ?item qz:implementingBodyName ?department }
}
GROUP BY ?department ?type
ORDER BY ?department DESC(?items)
`,
  },
  {
    id: "entrustments", key: "exEntrust",
    query: `# 规定可以委托的条文：委托机关层级、受委托机关可在的层级（空：条文未写明层级）、原文
# Provisions that allow entrustment: the entrusting level, the levels the entrusted body may be at
# (none: the text names no level), the words
${PREFIXES}
SELECT ?provision ?from (GROUP_CONCAT(?toLabel; separator="、") AS ?to) ?evidence WHERE {
  ?provision qz:providesEntrustment ?e .
  ?e qz:entrustingLevel/skos:prefLabel ?from ; qz:evidence ?evidence .
  FILTER(lang(?from) = "zh")
  OPTIONAL { ?e qz:entrustedLevel/skos:prefLabel ?toLabel FILTER(lang(?toLabel) = "zh") }
}
GROUP BY ?provision ?from ?evidence
ORDER BY ?provision
`,
  },
  {
    id: "actions", key: "exActions",
    query: `# 已记录的调整事项（调整方式、承接层级、完成时限）/ Recorded devolution actions
${PREFIXES}
SELECT ?code ?name ?action ?toLevel ?toBody ?deadline WHERE {
  ?a a qz:DevolutionAction ; qz:onItem ?item ; qz:actionType ?type .
  ?item qz:code ?code ; qz:name ?name .
  ?type skos:prefLabel ?action FILTER(lang(?action) = "zh")
  OPTIONAL { ?a qz:toLevel/skos:prefLabel ?toLevel FILTER(lang(?toLevel) = "zh") }
  OPTIONAL { ?a qz:toBodyName ?toBody }
  OPTIONAL { ?a qz:deadline ?deadline }
}
ORDER BY ?deadline ?code
`,
  },
];
