// Interface strings in Chinese (default) and English. Data (item names, article text) stay as stored.

const STRINGS = {
  zh: {
    skip: "跳到主要内容", nav: "主导航", navSearch: "事项检索", navDevolution: "下放看板", navProvision: "条文",
    navValidation: "校验报告", navSparql: "SPARQL 查询", navLoads: "载入清单", footer: "山东省行政权力事项、法律依据与下放障碍知识图谱",
    apiDocs: "API 文档", licences: "第三方许可", langSwitch: "English", langSwitchLabel: "Switch to English",
    loading: "正在加载…", error: "出错了", notFound: "未找到", retry: "重试", none: "无", yes: "是", no: "否",
    // search
    searchTitle: "事项检索", searchIntro: "按名称、编码、实施主体、类型、行使层级和下放结论查找行政权力事项。",
    searchForm: "检索条件", q: "名称或编码", qPlaceholder: "如：药品生产许可 或 37YJ-XK-0001", department: "实施主体",
    type: "事项类型", level: "行使层级", statusFilter: "下放结论", statusTarget: "结论所对目标层级",
    sensitive: "仅涉及安全的事项", any: "（全部）", search: "检索", reset: "清空",
    results: "检索结果", total: (n) => `共 ${n} 项`, noResults: "没有符合条件的事项。",
    code: "事项编码", name: "事项名称", levels: "行使层级", statusTo: (lv) => `下放至${lv}`,
    page: (p, n) => `第 ${p} / ${n} 页`, prev: "上一页", next: "下一页", pagination: "分页",
    pageSize: "每页条数",
    // item
    itemTitle: "事项", overview: "概况", assessment: "下放评估", target: "目标层级", status: "结论",
    bases: "法律依据", role: "依据类别", instrument: "法律文件", instrumentType: "文件类型", issuer: "制定机关",
    version: "版本", current: "现行有效", notCurrent: "非现行版本", paragraphText: "条文原文", evidence: "证据",
    levelAssigned: "条文规定的层级", act: "行为", openProvision: "查看条文及影响", noBases: "未登记法律依据。",
    chain: "一链办理关联事项", noChain: "没有关联事项。", ownStatus: "自身结论（不计关联事项）",
    ownStatusHint: "各关联事项按其自身法律依据得出的结论，未计入一链办理的影响；计入后的结论见该事项的页面。", actions: "已记录的调整", noActions: "没有记录的调整。",
    actionType: "调整方式", toLevel: "承接层级", toBody: "承接单位", entrusting: "委托机关", deadline: "完成时限",
    findings: "校验发现", noFindings: "没有校验发现。", severity: "严重程度", rule: "规则", message: "说明",
    graph: "依赖关系图", graphHelp: "点击节点打开对应的事项或条文；同样的链接也列在上方各节中，可用键盘访问。",
    graphItem: "事项", graphProvision: "条款", graphInstrument: "法律文件", graphRelated: "关联事项",
    blocking: "阻碍下放的条文", noBlocking: "没有阻碍下放的条文。", authority: "修改主体", chainBlockedBy: "一链办理受阻于",
    alternatives: "过渡办法", sensitiveYes: "涉及安全", securityCategory: "安全类别", relatedItems: "关联事项",
    backToSearch: "返回检索", handling: "办理方式", note: "备注", relation: "关联方式", recorded: "已记录", unavailable: "（不可用）", levelOpen: "条文未写明层级", entrustments: "委托规定", entrustingLevel: "委托机关层级", entrustedLevels: "受委托机关层级", basisDocument: "依据文件", transitive: "经由其他关联事项", subItem: "子项",
    acceptedAt: "受理层级", approvedAt: "审批层级", implementingBody: "实施机关",
    levelReviews: "层级校核", reviewedLevels: "校核层级", extractedLevels: "自动识别", reviewer: "校核人", reviewDate: "校核日期",
    reviewState: "状态", reviewCurrent: "有效", reviewStale: "已失效（原文已改变）", reviewedBy: "校核", noLevel: "无",
    // devolution
    devTitle: "下放看板", devBadTarget: "不支持的目标层级“{to}”（可选：{targets}），以下为县级。", devIntro: "选择目标层级，查看各实施主体的事项下放结论和需由哪一层级修改法律依据。",
    devForm: "看板条件", devTarget: "目标层级", devDepartment: "实施主体", show: "显示",
    byStatus: "按结论统计", byDepartment: "按实施主体与结论统计", byAuthority: "按修改主体统计（需修改法律依据的事项）",
    chartHelp: "点击柱条列出其中的事项；图下的表格给出同样的数字，表格中的数字也可点击。",
    count: "数量", totalItems: "合计", list: "事项清单", listAll: "全部事项", selection: "选中",
    exportCsv: "导出 CSV", exportXlsx: "导出 XLSX", exportHint: "导出当前清单（每个阻碍条文一行）。",
    exportReviewSheet: "导出层级校核表", reviewSheetHint: "阻碍下放的款项，按现行判读预填；逐项确认或更正、填写校核人后，以新文件名载入。",
    clearSelection: "显示全部", firstRows: (n) => `只显示前 ${n} 项；导出的文件包含全部。`, dataTable: "数据表（与图中数字相同）",
    // provision
    provTitle: "条文", provIntro: "查看条文所在的条及其上下文，以及依据该条文的事项（影响清单）。",
    cite: "引用", citePlaceholder: "如：《中华人民共和国药品管理法》第四十一条第一款", lookup: "查找",
    provForm: "查找条文", articleInContext: "条文及上下文", impact: "依据该条文的事项", noImpact: "没有事项依据该条文。",
    statusNow: "当前结论", statusIfAmended: "若修改该条文后的结论", impactTarget: "评估目标层级",
    assignments: "层级规定", citedAs: "引用方式", provisionIri: "条文标识",
    // validation
    valTitle: "校验报告", valIntro: "最近一次 SHACL 校验的结果，按规则和事项分组。", valNone: "尚无校验报告。",
    conforms: "全部通过", violations: "违规", warnings: "警告", infos: "提示", violation: "违规", warning: "警告", info: "提示", validated: "已校验节点",
    groupBy: "分组方式", contents: "目录", latestReport: "最近的报告", reviewedReading: "人工校核", superseded: "已被后续载入取代", unvalidated: "未经校验的载入", staleOffline: "无法连接服务：本页数据可能已过时。", staleChanged: "数据已有变更（如载入或删除了清单）：本页显示的是变更前的数据。", reload: "刷新", unvalidatedHint: "其问题不在任何报告中；不带 --no-validate 重新载入即可校验。", supersededHint: "后续载入重新校验了这些节点，其结论以新报告为准。", reportsIncluded: "包含的报告", byRule: "按规则", byItem: "按事项", value: "取值", path: "属性", noItem: "（非事项）",
    // loads (upload)
    loadsTitle: "载入清单",
    loadsIntro: "上传权责清单、调整事项目录或层级校核表（CSV 或 XLSX）。每个文件成为独立的命名图并记录来源；存入前先经 SHACL 校验，整个文件要么全部存入，要么什么也不存。下方列出已载入的数据。",
    uploadTitle: "上传文件", uploadFile: "文件（.csv / .xlsx）",
    uploadFileHint: "载入名称默认取文件名（不含扩展名）；与已有载入同名时，新文件替换原有的载入。",
    loadName: "载入名称（可选）", loadNamePlaceholder: "默认：文件名", loadBy: "载入人", loadByHint: "记入该载入的来源记录，如：法规处",
    skipBadRows: "跳过错误行", skipBadRowsHint: "存入正确的行，舍弃并列出有错误的行。不勾选时，只要有一行出错，整个文件都不存入。",
    acceptViolations: "接受校验违规", acceptViolationsHint: "SHACL 校验发现违规时仍然存入，并在载入记录中注明接受的违规数，违规列入校验报告。不勾选时，有违规即拒绝，库不改变。",
    token: "写入令牌", tokenHint: "启动服务时设定的令牌（QUANZE_TOKEN），请向运行服务的人索取。它只保存在本标签页的 sessionStorage 中，关闭标签页即清除；不写入 localStorage，也从不出现在网址中。",
    forgetToken: "清除令牌", upload: "载入", uploading: "正在上传并校验…", removing: "正在删除…",
    tokenNotAscii: "令牌只能由 ASCII 可见字符组成（不含空格和中文）；未发送。",
    storedTitle: "已载入", storedSummary: (name) => `载入“${name}”已存入。`, kind: "类型", file: "文件", storedRows: "存入行数（共几行）",
    triples: "三元组", inserted: "新增", deleted: "删除", validationState: "校验",
    problemsTitle: "警告与未存入的行", rejectedTitle: "载入被拒绝：什么也没有存入", nothingStored: "什么也没有存入，库未改变。", nothingRemoved: "什么也没有删除，库未改变。",
    problemsHintErrors: "更正这些行后重新上传；或勾选“跳过错误行”，只存入正确的行。",
    problemsHintViolations: "其中的违规来自校验：更正后重新上传；或勾选“接受校验违规”仍然存入（记入载入记录）。",
    problems: "问题", row: "行", column: "列", problemKind: "类别", sev_error: "错误", sev_violation: "违规", sev_warning: "警告",
    reportViolations: "校验报告中的违规", acceptedViolations: (n) => `已接受 ${n} 处违规（已记入载入记录）`,
    tokenRefused: "令牌未被接受",
    tokenExplained: "写入令牌是运行服务的人启动服务时设定的口令（环境变量 QUANZE_TOKEN），不是个人的登录密码；请检查是否填写完整、没有多余的字符。服务启动时若没有设定令牌，服务就是只读的，任何令牌都不能写入（答复 403）。",
    readOnlyTitle: "此服务为只读",
    readOnlyExplained: "服务启动时没有设定写入令牌（QUANZE_TOKEN），因此不接受上传或删除，填写什么令牌都一样。请运行服务的人设定 QUANZE_TOKEN 后重新启动 quanze serve；或停止服务，在命令行用 quanze load 载入。",
    notLoadedTitle: "未载入", notRemovedTitle: "未删除", tooLarge: "文件超过服务接受的请求大小上限（QUANZE_MAX_BODY，默认 20 MiB）。",
    loadsList: "已载入的数据", loadsCount: (n) => `共 ${n} 个载入`, loadCol: "名称", rows: "行数", time: "时间（UTC）", by: "载入人",
    unvalidatedState: "未校验", validatedState: "已校验", acceptedState: (n) => `已校验，接受 ${n} 处违规`,
    notAListHint: "不是清单：由 quanze init 或 quanze laws import 写入，不像清单那样校验，也不能在此删除。",
    noLoads: "尚无载入。", unrecorded: "无来源记录的图（中断的载入或手工写入）", actionsCol: "操作",
    remove: "删除", removeLabel: (name) => `删除载入 ${name}`,
    confirmRemove: (name) => `删除载入“${name}”？它的图、校验报告和载入记录都将删除。`,
    removedTitle: "已删除", removedSummary: (name) => `载入“${name}”已删除（图、校验报告和载入记录）。`,
    leftPointing: "其节点现已无所指的载入", renewedReports: "重新生成了校验报告的载入",
    removeRefusedTitle: "未删除：其他载入指向它的事项", dependents: "以下载入指向只有它定义的事项，删除后将无所指：", nodes: "节点数",
    forceRemove: "仍然删除（强制）",
    confirmForce: (name, list) => `强制删除“${name}”？以下载入将指向不存在的事项：${list}。它们的校验报告会在同一次写入中重新生成。`,
    loadReviewSheet: "载入校核后的校核表", valLoadsHint: "上传或删除清单、查看载入记录：", reloadHere: "在“载入清单”页重新上传即可校验",
    kind_items: "权责清单", kind_adjustments: "调整事项目录", kind_reviews: "层级校核表", kind_laws: "法规库", kind_ontology: "本体",
    kind_reference: "参考数据", kind_plan: "实施方案",
    // sparql
    sparqlTitle: "SPARQL 查询", sparqlIntro: "在本系统的 SPARQL 端点上运行查询。示例查询回答上面各页的问题；结果可用表格右上方的按钮下载。",
    examples: "示例查询", run: "运行", endpoint: "端点",
    examplesRows: "“每个事项一行”的示例，行数等于下放分析页（县级）“需修改法律依据”的事项数；“条文明细”每个阻碍条文一行，一个事项可占多行，所以行数更多。",
    exNeedsChange: "需修改法律依据才能下放至县级的事项（每个事项一行）", exNeedsChangeProvisions: "需修改法律依据的条文明细（县级，一个事项可占多行）",
    exTopProvisions: "阻碍事项最多的条文（县级）",
    exByDepartment: "各实施主体的事项数", exEntrust: "规定可以委托的条文", exActions: "已记录的调整事项",
    // statuses and authorities
    st_excluded: "不予下放（涉及安全）", st_cancel: "应予取消", st_needs_legal_change: "需修改法律依据",
    st_chain_blocked: "关联事项受阻", st_devolvable: "可直接下放", st_at_or_below_target: "已在目标层级或以下",
    st_outside_zone_scope: "不属于功能区赋权范围",
    // a zone receives powers by 赋权 the government decides (方案二（四）), not by devolution
    stz_devolvable: "可赋权（按程序）",
    zoneNotEconomic: (fn) => `非经济管理权限${fn ? `（${fn}）` : ""}`, zoneNotOurs: "非省市两级权限",
    devZoneHint: "功能区按方案二（四）承接省市两级各项经济管理权限，由功能区提出赋权意见、按程序提请同级政府研究后予以公布：“可赋权（按程序）”指法律依据不妨碍赋权，并非可以直接下放。社会管理、公共服务等事项和仅由县级行使的权限不属于赋权范围，单独列出。",
    au_central: "中央层面（提出建议按程序上报）", au_provincial: "省级层面（提出立改废意见）",
    au_municipal: "市级层面（由设区的市修改或废止）",
    // the columns of `quanze blockers --format csv` (quanze/reports.py FLAT_HEADER), one for one
    csvHeader: ["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "目标层级", "结论", "涉及安全", "市级设定许可", "需修改依据",
      "法律文件", "条", "款", "项", "文件类型", "制定机关", "依据原文（证据）", "规定层级", "修改主体", "条文", "关联受阻", "委托"],
  },
  en: {
    skip: "Skip to main content", nav: "Main navigation", navSearch: "Search items", navDevolution: "Devolution",
    navProvision: "Provisions", navValidation: "Validation", navSparql: "SPARQL", navLoads: "Loads",
    footer: "Knowledge graph of Shandong's administrative power items, their legal bases and devolution blockers",
    apiDocs: "API docs", licences: "Third-party licences", langSwitch: "中文", langSwitchLabel: "切换到中文",
    loading: "Loading…", error: "Something went wrong", notFound: "Not found", retry: "Retry", none: "none", yes: "yes", no: "no",
    searchTitle: "Search items", searchIntro: "Find administrative power items by name, code, department, type, level and devolution status.",
    searchForm: "Search criteria", q: "Name or code", qPlaceholder: "e.g. 药品生产许可 or 37YJ-XK-0001", department: "Department",
    type: "Item type", level: "Level exercised", statusFilter: "Devolution status", statusTarget: "Status for target level",
    sensitive: "Security-sensitive items only", any: "(any)", search: "Search", reset: "Clear",
    results: "Results", total: (n) => `${n} item${n === 1 ? "" : "s"}`, noResults: "No item matches.",
    code: "Code", name: "Name", levels: "Levels", statusTo: (lv) => `To ${LEVEL_EN[lv] || lv}`,
    page: (p, n) => `Page ${p} of ${n}`, prev: "Previous", next: "Next", pagination: "Pagination", pageSize: "Rows per page",
    itemTitle: "Item", overview: "Overview", assessment: "Devolution assessment", target: "Target level", status: "Status",
    bases: "Legal bases", role: "Role", instrument: "Instrument", instrumentType: "Instrument type", issuer: "Issuer",
    version: "Version", current: "in force", notCurrent: "not the current version", paragraphText: "Text", evidence: "Evidence",
    levelAssigned: "Level the text assigns", act: "Act", openProvision: "Open the provision and its impact", noBases: "No legal basis recorded.",
    chain: "Related items (一链办理)", noChain: "No related items.", ownStatus: "Own status (before the chain)",
    ownStatusHint: "Each related item's status from its own legal bases, before the 一链办理 chain is taken into account; its own page gives the status with the chain.", actions: "Recorded actions", noActions: "No action recorded.",
    actionType: "Action", toLevel: "To level", toBody: "Receiving body", entrusting: "Entrusting body", deadline: "Deadline",
    findings: "Validation findings", noFindings: "No validation findings.", severity: "Severity", rule: "Rule", message: "Message",
    graph: "Dependency graph", graphHelp: "Click a node to open its item or provision; the same links are listed in the sections above for keyboard use.",
    graphItem: "Item", graphProvision: "Provision", graphInstrument: "Instrument", graphRelated: "Related item",
    blocking: "Provisions blocking devolution", noBlocking: "No provision blocks devolution.", authority: "Who must amend",
    chainBlockedBy: "Chain blocked by", alternatives: "Interim options", sensitiveYes: "Security-sensitive",
    securityCategory: "Security category", relatedItems: "Related items", backToSearch: "Back to search",
    handling: "Handling", note: "Note", relation: "Relation", recorded: "Recorded", unavailable: " (not available)", levelOpen: "no level named in the text", entrustments: "Entrustment provisions", entrustingLevel: "Entrusting level", entrustedLevels: "Entrusted levels", basisDocument: "Basis document", transitive: "through another related item", subItem: "Sub-item", acceptedAt: "Accepted at",
    approvedAt: "Approved at", implementingBody: "Implementing body",
    levelReviews: "Level reviews", reviewedLevels: "Reviewed levels", extractedLevels: "Extracted", reviewer: "Reviewer", reviewDate: "Date",
    reviewState: "Status", reviewCurrent: "current", reviewStale: "stale (the text has changed)", reviewedBy: "reviewed by", noLevel: "none",
    devTitle: "Devolution dashboard", devBadTarget: "Unsupported target level “{to}” (choose {targets}); showing 县级 (county).", devIntro: "Choose a target level to see each department's devolution status and who must amend the law.",
    devForm: "Dashboard settings", devTarget: "Target level", devDepartment: "Department", show: "Show",
    byStatus: "By status", byDepartment: "By department and status", byAuthority: "By amending authority (items needing legal change)",
    chartHelp: "Click a bar to list its items; the table below each chart gives the same figures, and its numbers are links too.",
    count: "Count", totalItems: "Total", list: "Items", listAll: "All items", selection: "Selected",
    exportCsv: "Export CSV", exportXlsx: "Export XLSX", exportHint: "Exports the list shown (one row per blocking provision).",
    exportReviewSheet: "Level review worksheet", reviewSheetHint: "The paragraphs blocking devolution, pre-filled with the readings in force; confirm or correct each, sign, and load it under a new file name.",
    clearSelection: "Show all", firstRows: (n) => `Only the first ${n} are shown; the export has them all.`, dataTable: "Data table (the chart's figures)",
    provTitle: "Provision", provIntro: "The article in its context, and the items relying on it (impact list).",
    cite: "Citation", citePlaceholder: "e.g. 《中华人民共和国药品管理法》第四十一条第一款", lookup: "Look up",
    provForm: "Find a provision", articleInContext: "Article in context", impact: "Items relying on this provision",
    noImpact: "No item relies on this provision.", statusNow: "Status now", statusIfAmended: "Status if amended",
    impactTarget: "Target level assessed", assignments: "Level assignments", citedAs: "Cited as", provisionIri: "Provision IRI",
    valTitle: "Validation report", valIntro: "The latest SHACL validation, grouped by rule and by item.", valNone: "No validation report yet.",
    conforms: "Conforms", violations: "Violations", warnings: "Warnings", infos: "Info", violation: "Violation", warning: "Warning", info: "Info", validated: "Nodes validated",
    groupBy: "Group by", contents: "Contents", latestReport: "Latest report", reviewedReading: "reviewed", superseded: "Superseded by later loads", unvalidated: "Loaded without validation", staleOffline: "The service cannot be reached: the data on this page may be out of date.", staleChanged: "The data has changed (a list loaded or removed, say): this page shows it as it was before.", reload: "Reload", unvalidatedHint: "Their problems are in no report; load them again without --no-validate to validate them.", supersededHint: "Later loads validated these nodes again; their newer reports are the current word.", reportsIncluded: "Reports included", byRule: "Rule", byItem: "Item", value: "Value", path: "Property", noItem: "(not an item)",
    loadsTitle: "Load lists",
    loadsIntro: "Upload a 权责清单 (list of powers), 调整事项目录 (adjustments) or 层级校核表 (level reviews) as CSV or XLSX. Each file becomes its own named graph with a provenance record; it is validated (SHACL) before it is stored, and goes in whole or not at all. What is loaded is listed below.",
    uploadTitle: "Upload a file", uploadFile: "File (.csv / .xlsx)",
    uploadFileHint: "The load is named after the file (without its extension) unless a name is given; a load of the same name is replaced by the new file.",
    loadName: "Load name (optional)", loadNamePlaceholder: "default: the file name", loadBy: "Loaded by", loadByHint: "Recorded in the load's provenance, e.g. 法规处",
    skipBadRows: "Skip bad rows", skipBadRowsHint: "Store the good rows; leave out and list the bad ones. Unchecked, one bad row rejects the whole file.",
    acceptViolations: "Accept violations", acceptViolationsHint: "Store the file even when SHACL validation finds violations, recording how many were accepted; they stay in the validation report. Unchecked, a violation rejects the file and the store is unchanged.",
    token: "Write token", tokenHint: "The token the service was started with (QUANZE_TOKEN); ask whoever runs it. It is kept in this tab's sessionStorage only and goes when the tab is closed; never in localStorage, never in an address.",
    forgetToken: "Forget the token", upload: "Load", uploading: "Uploading and validating…", removing: "Removing…",
    tokenNotAscii: "A token holds visible ASCII characters only (no spaces, no Chinese); nothing was sent.",
    storedTitle: "Loaded", storedSummary: (name) => `The load “${name}” is stored.`, kind: "Kind", file: "File", storedRows: "Rows stored (of)",
    triples: "Triples", inserted: "Added", deleted: "Removed", validationState: "Validation",
    problemsTitle: "Warnings and rows left out", rejectedTitle: "Load rejected: nothing was stored", nothingStored: "Nothing was stored; the store is unchanged.", nothingRemoved: "Nothing was removed; the store is unchanged.",
    problemsHintErrors: "Correct these rows and upload the file again, or check “Skip bad rows” to store only the good ones.",
    problemsHintViolations: "The violations come from validation: correct them and upload again, or check “Accept violations” to store the file anyway (recorded with the load).",
    problems: "Problems", row: "Row", column: "Column", problemKind: "Kind", sev_error: "error", sev_violation: "violation", sev_warning: "warning",
    reportViolations: "Violations in the validation report", acceptedViolations: (n) => `${n} violation${n === 1 ? "" : "s"} accepted (recorded with the load)`,
    tokenRefused: "The token was not accepted",
    tokenExplained: "The write token is the secret the service was started with (the environment variable QUANZE_TOKEN), not a personal password: check it is complete, with nothing added. A service started without a token is read-only and takes no token at all (it answers 403).",
    readOnlyTitle: "This service is read-only",
    readOnlyExplained: "The service was started without a write token (QUANZE_TOKEN), so it takes no upload or removal, whatever token is given. Ask whoever runs it to set QUANZE_TOKEN and start quanze serve again, or stop the service and load with quanze load on the command line.",
    notLoadedTitle: "Not loaded", notRemovedTitle: "Not removed", tooLarge: "The file is larger than the service accepts (QUANZE_MAX_BODY, 20 MiB unless set).",
    loadsList: "What is loaded", loadsCount: (n) => `${n} load${n === 1 ? "" : "s"}`, loadCol: "Name", rows: "Rows", time: "Time (UTC)", by: "Loaded by",
    unvalidatedState: "not validated", validatedState: "validated", acceptedState: (n) => `validated, ${n} violation${n === 1 ? "" : "s"} accepted`,
    notAListHint: "Not a list: written by quanze init or quanze laws import, not validated as lists are, and not removed here.",
    noLoads: "Nothing loaded yet.", unrecorded: "Graphs without a record (an interrupted load or a manual write)", actionsCol: "Actions",
    remove: "Remove", removeLabel: (name) => `Remove the load ${name}`,
    confirmRemove: (name) => `Remove the load “${name}”? Its graph, its validation report and its record go.`,
    removedTitle: "Removed", removedSummary: (name) => `The load “${name}” is removed (its graph, validation report and record).`,
    leftPointing: "Loads whose nodes now point at nothing", renewedReports: "Loads whose validation report was made again",
    removeRefusedTitle: "Not removed: other loads point at its items", dependents: "These loads point at items only it defines, and would point at nothing:", nodes: "Nodes",
    forceRemove: "Remove anyway (force)",
    confirmForce: (name, list) => `Force the removal of “${name}”? These loads will point at items that no longer exist: ${list}. Their validation reports are made again in the same write.`,
    loadReviewSheet: "Load a signed worksheet", valLoadsHint: "Upload or remove lists, see what is loaded: ", reloadHere: "upload them again on the Loads page to validate them",
    kind_items: "list of powers (权责清单)", kind_adjustments: "adjustments (调整事项目录)", kind_reviews: "level reviews (层级校核表)",
    kind_laws: "law corpus", kind_ontology: "ontology", kind_reference: "reference data", kind_plan: "the plan (实施方案)",
    sparqlTitle: "SPARQL query", sparqlIntro: "Run queries on this service's SPARQL endpoint. The examples answer the questions of the other pages; download results with the buttons above the table.",
    examples: "Example queries", run: "Run", endpoint: "Endpoint",
    examplesRows: "The example with one row per item gives as many rows as the devolution dashboard (county) counts items needing legal change; the provision-by-provision one gives a row per blocking provision, so an item may take several rows and there are more rows than items.",
    exNeedsChange: "Items needing legal change before devolution to county level (one row per item)",
    exNeedsChangeProvisions: "Items needing legal change, provision by provision (county; an item may take several rows)", exTopProvisions: "Provisions blocking most items (county)",
    exByDepartment: "Items per department", exEntrust: "Provisions that allow entrustment", exActions: "Recorded devolution actions",
    st_excluded: "Excluded (security)", st_cancel: "To be cancelled", st_needs_legal_change: "Needs legal change",
    st_chain_blocked: "Blocked by related item", st_devolvable: "Devolvable", st_at_or_below_target: "At or below target",
    st_outside_zone_scope: "Not among the powers the plan gives zones",
    stz_devolvable: "Can be empowered, by the government's decision",
    zoneNotEconomic: (fn) => `not an economic management power${fn ? ` (${fn})` : ""}`, zoneNotOurs: "not a provincial or city power",
    devZoneHint: "Under section 2(4) of the plan a zone receives the province's and the cities' economic management powers: the zone proposes, and the government at that level decides and publishes the empowerment (赋权). “Can be empowered” means the legal basis does not stand in the way; it is not a devolution. Social management, public services and powers exercised at county level only are outside that scope and counted apart.",
    au_central: "Central (propose via channels)", au_provincial: "Provincial (propose amendment)", au_municipal: "Municipal (city amends)",
    csvHeader: ["Code", "Name", "Type", "Department", "Levels", "Target", "Status", "Sensitive", "City-set licence", "Needs legal change",
      "Instrument", "Article", "Paragraph", "Item", "Instrument type", "Issuer", "Evidence", "Level fixed", "Who must amend", "Text",
      "Chain blocked by", "Entrust (委托)"],
  },
};

export const LEVEL_EN = { 国家级: "national", 省级: "provincial", 市级: "city", 县级: "county", 乡镇级: "township", 功能区: "zone" };
export const LEVELS = ["国家级", "省级", "市级", "县级", "乡镇级"];
export const TARGETS = ["市级", "县级", "功能区"];
export const STATUSES = ["excluded", "cancel", "outside_zone_scope", "needs_legal_change", "chain_blocked", "devolvable", "at_or_below_target"];
/** Statuses only the zone target (功能区) gives (the plan's 二（四） scope), and those it never gives: a
 * zone sits beside the hierarchy, so no item is at or below it (quanze.devolution). */
const ZONE_ONLY = ["outside_zone_scope"];
const NOT_ZONE = ["at_or_below_target"];
export const AUTHORITIES = ["central", "provincial", "municipal"];
export const TYPES = ["行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励",
  "行政裁决", "其他行政权力", "公共服务", "行政事业性收费"];

let lang = "zh";
try {
  const saved = localStorage.getItem("quanze.lang");
  if (saved === "en" || saved === "zh") lang = saved;
} catch { /* storage may be disabled */ }

export function getLang() { return lang; }

export function setLang(next) {
  lang = next === "en" ? "en" : "zh";
  try { localStorage.setItem("quanze.lang", lang); } catch { /* ignore */ }
}

/** The interface string ``key`` in the current language (a function is called with ``args``). */
export function t(key, ...args) {
  const v = STRINGS[lang][key] ?? STRINGS.zh[key] ?? key;
  return typeof v === "function" ? v(...args) : v;
}

/** The statuses a target can give (the others would be rows of zeros). */
export function statusesFor(target) {
  const never = target === "功能区" ? NOT_ZONE : ZONE_ONLY;
  return STATUSES.filter((s) => !never.includes(s));
}

/** A status as the target reads it: for a zone, devolvable is 可赋权（按程序）, as quanze.devolution.status_label. */
export function statusLabel(status, target) {
  const zoneKey = `stz_${status}`;
  if (target === "功能区" && (STRINGS[lang][zoneKey] ?? STRINGS.zh[zoneKey])) return t(zoneKey);
  return t(`st_${status}`);
}

export function authorityLabel(a) { return t(`au_${a}`); }

/** A list joined as the interface language writes it. */
export function joinList(list) { return (list || []).join(lang === "en" ? ", " : "、"); }

/** "label：value" with the interface language's colon. */
export function colon(label) { return `${label}${lang === "en" ? ": " : "："}`; }

/** A level name as stored (Chinese) shown in the interface language. */
export function levelLabel(lv) { return lang === "en" ? (LEVEL_EN[lv] || lv) : lv; }

/** The half of a "中文 / English" message for the current language. */
export function bilingual(message) {
  if (typeof message !== "string") return String(message ?? "");
  const i = message.indexOf(" / ");
  if (i < 0) return message;
  return lang === "en" ? message.slice(i + 3) : message.slice(0, i);
}

const TYPE_EN = {
  行政许可: "licensing", 行政处罚: "penalty", 行政强制: "enforcement", 行政征收: "levy", 行政给付: "benefit",
  行政检查: "inspection", 行政确认: "confirmation", 行政奖励: "reward", 行政裁决: "adjudication",
  其他行政权力: "other power", 公共服务: "public service", 行政事业性收费: "administrative fee",
};

/** An item type as stored (Chinese), with its English gloss in English. */
export function typeLabel(type) { return lang === "en" && TYPE_EN[type] ? `${type} (${TYPE_EN[type]})` : type; }

// The fixed vocabularies the data is written in (instrument types and statuses, basis roles, handling).
const TERM_EN = {
  宪法: "constitution", 法律: "law", 行政法规: "administrative regulation", 部门规章: "departmental rule",
  地方性法规: "local regulation", 地方政府规章: "local government rule", 规范性文件: "normative document",
  设定依据: "legal basis", 实施依据: "implementation basis", 依申请: "on application", 依职权: "ex officio",
  有效: "in force", 已修改: "amended", 废止: "repealed",
};

/** A term of those vocabularies in the interface language; any other word as written. */
export function termLabel(word) { return lang === "en" ? TERM_EN[word] || word : word; }

/**
 * A version's standing, said once: for a version in force the instrument's status (有效) and its
 * being the current version say the same thing, and a repeal outweighs both.
 */
export function versionStanding(current, status) {
  if (status === "废止") return termLabel(status);
  if (current === false) return t("notCurrent");
  if (status && status !== "有效") return termLabel(status);
  return current === true || status ? t("current") : null;
}
