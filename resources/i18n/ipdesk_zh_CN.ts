<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="216"/>
        <source>Data directory: {dir}</source>
        <translation>数据目录：{dir}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="217"/>
        <source>Store: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="218"/>
        <source>Store schema {found} (this ipdesk: {known}) · catalogue {cat} · regions {reg}</source>
        <translation>数据库结构版本 {found}（本程序：{known}）· 指标目录 {cat} · 行政区划 {reg}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="221"/>
        <source>Font: WenQuanYi Micro Hei (Apache-2.0)</source>
        <translation>字体：文泉驿微米黑（Apache-2.0）</translation>
    </message>
</context>
<context>
    <name>AddTaskDialog</name>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="54"/>
        <source>Add an own task</source>
        <translation>添加本级任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="57"/>
        <source>(none: a task of this office&apos;s own)</source>
        <translation>（无：本单位自有任务）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="64"/>
        <source>What is to be done, e.g. 组织开展全省专利申请质量分析</source>
        <translation>要做什么，如 组织开展全省专利申请质量分析</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="66"/>
        <source>Default: this region&apos;s IP office</source>
        <translation>默认：本地区知识产权局</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="71"/>
        <source>Decomposed from</source>
        <translation>分解自</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="72"/>
        <source>Task</source>
        <translation>任务内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="73"/>
        <source>Responsible</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="74"/>
        <source>Due</source>
        <translation>完成期限</translation>
    </message>
</context>
<context>
    <name>AggregateDialog</name>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="22"/>
        <source>Sum up from subordinate regions</source>
        <translation>由下级地区汇总</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="26"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="26"/>
        <source>Change</source>
        <translation>变动</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="26"/>
        <source>Now</source>
        <translation>现值</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="27"/>
        <source>Sum of subordinate regions</source>
        <translation>下级地区合计</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="27"/>
        <source>Own figure written by</source>
        <translation>本级数填报人</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="33"/>
        <source>Write the sums</source>
        <translation>写入合计</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="60"/>
        <source>{region} {year} ← sum of {n} subordinate regions: {new} new, {changed} changed, {unchanged} unchanged, {conflict} own figures differ from the sum. Nothing is written yet.</source>
        <translation>{region} {year} 年 ← {n} 个下级地区合计：新增 {new}，修改 {changed}，未变 {unchanged}，本级自填数与合计不一致 {conflict} 项。尚未写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="67"/>
        <source>{n} indicators are not summed: not every subordinate region has a value.</source>
        <translation>{n} 个指标未汇总：并非所有下级地区都已填报。</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="70"/>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="70"/>
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="70"/>
        <source>own figure (kept)</source>
        <translation>本级自填（保留）</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="82"/>
        <source>Also replace the region&apos;s own figures that differ from the sum ({n}) with the sums (their notes are cleared)</source>
        <translation>同时以下级合计覆盖与合计不一致的本级自填数（{n} 项，其备注一并清除）</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="101"/>
        <source>{n} values written.</source>
        <translation>已写入 {n} 个数值。</translation>
    </message>
    <message>
        <location filename="../../app/ui/aggregate_dialog.py" line="103"/>
        <source>{n} own figures differ from the sum and were kept.</source>
        <translation>{n} 个本级自填数与合计不一致，已保留未覆盖。</translation>
    </message>
</context>
<context>
    <name>AnswerDialog</name>
    <message>
        <location filename="../../app/ui/questions.py" line="110"/>
        <source>Questions from the office above</source>
        <translation>上级单位的查询</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="112"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="112"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="112"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="113"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="113"/>
        <source>Question</source>
        <translation>查询内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="113"/>
        <location filename="../../app/ui/questions.py" line="124"/>
        <source>Answer</source>
        <translation>答复</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="120"/>
        <source>corrected value, as you would type it (optional)</source>
        <translation>订正后的数值，按平时填报的写法（可选）</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="121"/>
        <source>Save the answer</source>
        <translation>保存答复</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="125"/>
        <source>Correct the value</source>
        <translation>订正数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="126"/>
        <source>Answers go up with the next package you export.</source>
        <translation>答复将随下一次导出的数据包一并上报。</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="170"/>
        <source>Answer saved; it goes up with the next package you export.</source>
        <translation>答复已保存，将随下一次导出的数据包一并上报。</translation>
    </message>
</context>
<context>
    <name>AskDialog</name>
    <message>
        <location filename="../../app/ui/questions.py" line="32"/>
        <source>Questions about the package of {region} {year}</source>
        <translation>对 {region} {year} 年数据包的查询</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="42"/>
        <source>Add the question</source>
        <translation>添加查询</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="45"/>
        <location filename="../../app/ui/questions.py" line="50"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="46"/>
        <location filename="../../app/ui/questions.py" line="50"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="47"/>
        <location filename="../../app/ui/questions.py" line="50"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="48"/>
        <location filename="../../app/ui/questions.py" line="50"/>
        <source>Question</source>
        <translation>查询内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="54"/>
        <location filename="../../app/ui/questions.py" line="90"/>
        <source>Save the signed question file…</source>
        <translation>保存签名查询文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="75"/>
        <source>Write the question first.</source>
        <translation>请先填写查询内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/questions.py" line="98"/>
        <source>Saved {path}: send it back to the office that sent the package.</source>
        <translation>已保存 {path}：请发回报送该数据包的单位。</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="94"/>
        <source>Assign a task</source>
        <translation>分解下达任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="103"/>
        <source>A region below, or a division such as 战略规划处</source>
        <translation>下级地区，或处室名称，如 战略规划处</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="107"/>
        <source>Assign to</source>
        <translation>下达给</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_dialogs.py" line="108"/>
        <source>Due</source>
        <translation>完成期限</translation>
    </message>
</context>
<context>
    <name>ChartsPage</name>
    <message>
        <location filename="../../app/ui/charts.py" line="54"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="55"/>
        <location filename="../../app/ui/charts.py" line="303"/>
        <source>Export chart as PNG…</source>
        <translation>导出图表为 PNG…</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="113"/>
        <source>{name} — trend and target</source>
        <translation>{name} — 趋势与目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="114"/>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="120"/>
        <source>Reported</source>
        <translation>填报值</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="129"/>
        <source>Target {cmp} {value:g} ({year})</source>
        <translation>目标 {cmp} {value:g}（{year}年）</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="135"/>
        <source>Target path</source>
        <translation>目标路径</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="139"/>
        <source>Projection (linear trend)</source>
        <translation>预测（线性趋势）</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="143"/>
        <source>Lower is better for this indicator.</source>
        <translation>该指标越低越好。</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="146"/>
        <source>No data or target for {region} on this indicator</source>
        <translation>{region}暂无该指标的数据和目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="242"/>
        <source>Regions under {parent} ranked, {year}</source>
        <translation>{parent}下级地区排名（{year} 年）</translation>
    </message>
    <message>
        <location filename="../../app/ui/charts.py" line="269"/>
        <source>No region under {region} has data on this indicator</source>
        <translation>{region}的下级地区暂无该指标数据</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../app/ui/dashboard.py" line="91"/>
        <source>Approve and lock…</source>
        <translation>审批并锁定…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="92"/>
        <source>Unlock…</source>
        <translation>解锁…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="93"/>
        <source>Targets</source>
        <translation>目标进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="94"/>
        <source>Still owed by subordinate regions</source>
        <translation>下级地区待报送情况</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="95"/>
        <source>Submission deadline</source>
        <translation>报送截止日期</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="96"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="96"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="96"/>
        <source>Latest</source>
        <translation>最新值</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="97"/>
        <location filename="../../app/ui/dashboard.py" line="99"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="97"/>
        <source>Projected</source>
        <translation>预测值</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="97"/>
        <source>Needed per year</source>
        <translation>年均需变化</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="98"/>
        <source>Source</source>
        <translation>依据</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="99"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="99"/>
        <source>Blocking findings</source>
        <translation>阻断性问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="100"/>
        <source>Values entered</source>
        <translation>已填数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="114"/>
        <source>{region} · {year} · status: {status}</source>
        <translation>{region} · {year}年 · 状态：{status}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="116"/>
        <source>Blocking: {b}   Needing explanation: {e} (unexplained {u})   Notes: {i}</source>
        <translation>阻断：{b}&#x3000;需说明：{e}（未说明 {u}）&#x3000;提示：{i}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="118"/>
        <source>Values entered: {own}   with the regions below: {below}</source>
        <translation>填报完整率：本级 {own}&#x3000;含全部下级 {below}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="119"/>
        <source>not expected to report</source>
        <translation>不需填报</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="163"/>
        <source>{n} days left</source>
        <translation>剩余 {n} 天</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="165"/>
        <source>{n} days overdue</source>
        <translation>已逾期 {n} 天</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="125"/>
        <source>Not ready for approval: {n}</source>
        <translation>尚不能审批：{n} 项</translation>
    </message>
    <message>
        <location filename="../../app/ui/dashboard.py" line="149"/>
        <source>Still owed by subordinate regions: {n} of {total}</source>
        <translation>下级地区尚未报送：{n} / {total}</translation>
    </message>
</context>
<context>
    <name>DataExportDialog</name>
    <message>
        <location filename="../../app/ui/data_export.py" line="22"/>
        <source>Export data (long format)</source>
        <translation>导出数据（长表格式）</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="27"/>
        <source>{name} only</source>
        <translation>仅{name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="27"/>
        <source>{name} and the regions directly below</source>
        <translation>{name}及其直属下级地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="28"/>
        <source>{name} and every region below</source>
        <translation>{name}及其全部下级地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="44"/>
        <source>{code}_{name}_{start}-{end}_data.xlsx</source>
        <translation>{code}_{name}_{start}-{end}_数据.xlsx</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="46"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="54"/>
        <source>Regions</source>
        <translation>地区范围</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="55"/>
        <source>Years</source>
        <translation>年度</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="56"/>
        <source>File (.xlsx or .csv)</source>
        <translation>文件（.xlsx 或 .csv）</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="59"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="88"/>
        <source>{path} exists. Replace it?</source>
        <translation>{path} 已存在，要替换吗？</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="102"/>
        <source>{n} values written to {path}</source>
        <translation>已导出 {n} 个数值：{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/data_export.py" line="109"/>
        <source>Exporting data…</source>
        <translation>正在导出数据…</translation>
    </message>
</context>
<context>
    <name>DiffDialog</name>
    <message>
        <location filename="../../app/ui/report_page.py" line="46"/>
        <source>{title}: the draft has changed</source>
        <translation>{title}：草稿已变化</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="54"/>
        <source>Your text is kept unless you take the new draft. Red: only in your text; green: only in the new draft.</source>
        <translation>除非选择采用草稿，否则保留已编辑的文字。红色：仅在已编辑文字中；绿色：仅在新草稿中。</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="58"/>
        <source>Keep mine</source>
        <translation>保留我的文字</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="59"/>
        <source>Take the draft</source>
        <translation>采用草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="65"/>
        <source>Your text</source>
        <translation>已编辑的文字</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="66"/>
        <source>New draft</source>
        <translation>重新生成的草稿</translation>
    </message>
</context>
<context>
    <name>EntryPage</name>
    <message>
        <location filename="../../app/ui/entry.py" line="282"/>
        <source>Findings for this year</source>
        <translation>本年度核查结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="283"/>
        <source>Explanation for the selected finding</source>
        <translation>所选问题的情况说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="284"/>
        <source>Save explanation</source>
        <translation>保存说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="285"/>
        <source>Mark as complete</source>
        <translation>标记为填报完成</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="286"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="287"/>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="288"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="289"/>
        <source>History of this value…</source>
        <translation>查看修改记录…</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="290"/>
        <source>Note and source of this value…</source>
        <translation>数值的备注与来源…</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="291"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="292"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="293"/>
        <source>Why is this figure right? (stored with your name and time)</source>
        <translation>请说明该数值为何合理（将与您的姓名和时间一并保存）</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="336"/>
        <source>{region} · {year} · status: {status}</source>
        <translation>{region} · {year}年 · 状态：{status}</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="340"/>
        <source>Checking…</source>
        <translation>正在核查…</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="348"/>
        <source>Blocking</source>
        <translation>阻断</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="348"/>
        <source>Explain</source>
        <translation>需说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="348"/>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="366"/>
        <source>Still blocking submission: {n}</source>
        <translation>仍阻碍报送：{n} 项</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="372"/>
        <source>Nothing blocks submission.</source>
        <translation>无阻碍报送的问题。</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="407"/>
        <source>Edit {indicator} {period}</source>
        <translation>修改 {indicator} {period}</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="416"/>
        <source>The store is open read-only: nothing can be changed here</source>
        <translation>数据库以只读方式打开，不能在此修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="418"/>
        <source>This cell is a computed value and cannot be typed in: it follows its components</source>
        <translation>该单元格为计算值，不能直接填写（由组成指标自动计算）</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="420"/>
        <source>{region} {year} is approved and locked: an office head must unlock it before it can be changed</source>
        <translation>{region} {year} 年已审批锁定，须单位负责人解锁后才能修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="444"/>
        <source>Copied {n} cells</source>
        <translation>已复制 {n} 个单元格</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="458"/>
        <source>Nothing was pasted</source>
        <translation>未粘贴任何数据</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="461"/>
        <source>Paste {n} values</source>
        <translation>粘贴 {n} 个数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="463"/>
        <source>{n} cells on computed indicators were left alone: they follow their components</source>
        <translation>已跳过 {n} 个计算得出的指标单元格：它们按组成指标自动计算</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="478"/>
        <source>Clear {n} values</source>
        <translation>清除 {n} 个数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="486"/>
        <source>… and {n} more</source>
        <translation>……另有 {n} 项</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="488"/>
        <source>Value not saved</source>
        <translation>数值未保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="522"/>
        <source>Explanation saved</source>
        <translation>说明已保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="535"/>
        <source>Notes are kept with an entered, editable value.</source>
        <translation>备注只能附在已填报且可修改的数值上。</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="542"/>
        <source>Note and source: {indicator} {period}</source>
        <translation>备注与来源：{indicator} {period}</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="548"/>
        <source>Note on the value</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="549"/>
        <source>Source of the figure</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="561"/>
        <source>Note for {indicator} {period}</source>
        <translation>{indicator} {period} 的备注</translation>
    </message>
    <message>
        <location filename="../../app/ui/entry.py" line="369"/>
        <source>Approved: values and explanations are frozen until an office head unlocks the year.</source>
        <translation>已审批：在单位负责人解锁前，数值和说明均不能修改。</translation>
    </message>
</context>
<context>
    <name>EvidenceBox</name>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="41"/>
        <source>Evidence files</source>
        <translation>佐证材料</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="42"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="42"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="42"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="43"/>
        <source>Add file…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="44"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="45"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="55"/>
        <source>Not carried</source>
        <translation>未随包传送</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="74"/>
        <source>This file did not travel with the package (only its SHA-256 {sha} and size {size} did): ask the sender for “{name}”.</source>
        <translation>该文件未随数据包传送（仅有 SHA-256 {sha} 和文件大小 {size}），请向报送单位索取“{name}”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="82"/>
        <source>File not in this store</source>
        <translation>本库中没有该文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="105"/>
        <source>Save evidence file as…</source>
        <translation>佐证材料另存为…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_evidence.py" line="109"/>
        <source>Saved: {path}</source>
        <translation>已保存：{path}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../app/ui/export.py" line="43"/>
        <source>Export the submission documents</source>
        <translation>导出报送材料</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="47"/>
        <location filename="../../app/ui/export.py" line="102"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="49"/>
        <source>PDF for the paper copy (printed, signed and sealed)</source>
        <translation>PDF 纸质版（打印、签字、盖章）</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="50"/>
        <source>XLSX for the electronic copy</source>
        <translation>XLSX 电子版</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="51"/>
        <source>Include the subordinate regions</source>
        <translation>包含下级地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="54"/>
        <source>Signed package (.ipdx) for the next office up — marks the year submitted</source>
        <translation>上报用签名数据包（.ipdx）——同时标记本年度为已报送</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="58"/>
        <location filename="../../app/ui/export.py" line="156"/>
        <source>Office key: {fp}</source>
        <translation>本单位密钥指纹：{fp}</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="59"/>
        <source>Office key: made at the first package export</source>
        <translation>本单位密钥：首次导出数据包时生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="65"/>
        <source>Region and year</source>
        <translation>地区与年度</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="66"/>
        <source>Reporting office</source>
        <translation>填报单位</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="67"/>
        <source>Contact</source>
        <translation>联系人及电话</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="68"/>
        <source>Folder</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="71"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="74"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="75"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="76"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="146"/>
        <source>Writing the submission documents…</source>
        <translation>正在生成报送材料…</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="165"/>
        <source>Package: {path} (version {seq}, {kb} KB)</source>
        <translation>数据包：{path}（第 {seq} 版，{kb} KB）</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="168"/>
        <source>PDF: {path} ({pages} pages, {kb} KB)</source>
        <translation>PDF：{path}（{pages} 页，{kb} KB）</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="171"/>
        <source>XLSX: {path} ({kb} KB)</source>
        <translation>XLSX：{path}（{kb} KB）</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="172"/>
        <source>Data fingerprint: {fp}</source>
        <translation>数据指纹：{fp}</translation>
    </message>
    <message>
        <location filename="../../app/ui/export.py" line="181"/>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
</context>
<context>
    <name>GridModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="396"/>
        <source>Other indicators</source>
        <translation>其他指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="480"/>
        <source>Blocking</source>
        <translation>阻断</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="480"/>
        <source>Needs explanation</source>
        <translation>需说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="481"/>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="486"/>
        <source>Explanation: </source>
        <translation>说明：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="489"/>
        <source>Target met</source>
        <translation>已达目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="493"/>
        <source>Computed from {formula}</source>
        <translation>由 {formula} 计算得出</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="495"/>
        <source>Entered: {value}</source>
        <translation>填报值：{value}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="497"/>
        <source>Note: </source>
        <translation>备注：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="499"/>
        <source>Source: </source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="503"/>
        <source>Last change: {who}, {when}</source>
        <translation>最后修改：{who}，{when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="505"/>
        <location filename="../../app/ui/models.py" line="546"/>
        <source>Approved and locked: read-only</source>
        <translation>已审批锁定：只读</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="513"/>
        <source>allowed values</source>
        <translation>取值范围</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="517"/>
        <source>last year below {n}: a change is judged from {n} up</source>
        <translation>上年数值小于 {n}，达到 {n} 及以上才判断变化</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="519"/>
        <source>last year ±{band} percentage points</source>
        <translation>较上年 ±{band} 个百分点</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="520"/>
        <source>last year ±{band} points</source>
        <translation>较上年 ±{band} 分</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="522"/>
        <source>last year ±{band}%</source>
        <translation>较上年 ±{band}%</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="523"/>
        <source>Plausible range: {lo} – {hi} ({basis})</source>
        <translation>合理范围：{lo} – {hi}（{basis}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="552"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="555"/>
        <source>Formula: </source>
        <translation>计算公式：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="557"/>
        <source>Definition: </source>
        <translation>指标说明：</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="558"/>
        <source>Source: indicator catalogue (CNIPA guideline 2022, 14th FYP)</source>
        <translation>来源：指标目录（国家知识产权局 2022 年工作指引、“十四五”规划）</translation>
    </message>
</context>
<context>
    <name>HeadDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="76"/>
        <source>Office head</source>
        <translation>单位负责人</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="77"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="80"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="22"/>
        <source>ipdesk help: keys and workflow</source>
        <translation>ipdesk 帮助：快捷键与报送流程</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="24"/>
        <source>This help</source>
        <translation>本帮助</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="25"/>
        <source>Type a figure</source>
        <translation>输入数字</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="25"/>
        <source>Starts editing the selected cell (as in Excel)</source>
        <translation>直接开始填写所选单元格（与 Excel 相同）</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="26"/>
        <source>Saves the figure and moves down</source>
        <translation>保存数值并下移一行</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="27"/>
        <source>Moves right / left</source>
        <translation>向右／向左移动</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="28"/>
        <source>Cancels the figure being typed</source>
        <translation>取消正在输入的数值</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="29"/>
        <source>Clears the selected cells</source>
        <translation>清除所选单元格</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="30"/>
        <source>Copies / pastes a block of cells (with Excel and WPS; all or nothing)</source>
        <translation>复制／粘贴一块单元格（与 Excel、WPS 互通；要么全部粘贴，要么都不粘贴）</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="31"/>
        <source>Undoes / redoes a change (a whole paste at once)</source>
        <translation>撤销／重做一次修改（一次粘贴整体撤销）</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="32"/>
        <source>推进中 60%</source>
        <translation>推进中 60%</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="32"/>
        <source>Tasks page: a state (未开始 / 推进中 / 已完成 / 滞后 / 取消) and/or a percentage; 滞后 and 取消 ask for a reason</source>
        <translation>任务页：输入状态（未开始 / 推进中 / 已完成 / 滞后 / 取消）和/或百分比；滞后和取消须说明原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="34"/>
        <source>Report page: saves the section being edited</source>
        <translation>报告页：保存正在编辑的部分</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="35"/>
        <source>Enter / double-click</source>
        <translation>回车 / 双击</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="35"/>
        <source>Findings page: opens the finding&apos;s cell in the entry grid</source>
        <translation>核查问题页：跳转到该问题所在的填报单元格</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="36"/>
        <source>Note and source of the value</source>
        <translation>数值的备注与来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="37"/>
        <source>History of the value: who changed it, when and why</source>
        <translation>数值的修改记录：谁、何时、为何修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="38"/>
        <source>Finds a region by name or code</source>
        <translation>按名称或代码查找地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="39"/>
        <source>Imports a spreadsheet</source>
        <translation>导入电子表格</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="40"/>
        <source>Exports the submission documents (PDF, XLSX)</source>
        <translation>导出报送材料（PDF、XLSX）</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="41"/>
        <source>Opens another store</source>
        <translation>打开另一个数据库</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="42"/>
        <source>Quits</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="45"/>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="45"/>
        <source>What it does</source>
        <translation>作用</translation>
    </message>
    <message>
        <location filename="../../app/ui/help_dialog.py" line="56"/>
        <source>&lt;b&gt;How a year&apos;s figures go up&lt;/b&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Draft&lt;/b&gt;: the clerk types or imports the figures. Cells in red must be fixed; cells in yellow need a written explanation (one explanation per cell, in the panel on the right).&lt;/li&gt;&lt;li&gt;&lt;b&gt;Complete&lt;/b&gt;: when nothing blocks, the clerk presses “Mark as complete”.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Submitted&lt;/b&gt;: the package is sent to the office above (Packages tab).&lt;/li&gt;&lt;li&gt;&lt;b&gt;Approved&lt;/b&gt;: an office head approves with a password; the year is locked. Only an office head can unlock it, with a reason kept in the audit trail.&lt;/li&gt;&lt;/ol&gt;Cells with a small red triangle carry a note; a padlock on a year means it is locked; grey italic figures are computed from other indicators.</source>
        <translation>&lt;b&gt;一年数据的报送流程&lt;/b&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;草稿&lt;/b&gt;：填报人录入或导入数据。红色单元格须修正；黄色单元格须填写情况说明（每个单元格只需说明一次，在右侧面板填写）。&lt;/li&gt;&lt;li&gt;&lt;b&gt;填报完成&lt;/b&gt;：没有阻碍报送的问题时，填报人点击“标记为填报完成”。&lt;/li&gt;&lt;li&gt;&lt;b&gt;已报送&lt;/b&gt;：数据包报送至上级单位（“数据包收发”页）。&lt;/li&gt;&lt;li&gt;&lt;b&gt;已审批&lt;/b&gt;：单位负责人凭密码审批，该年度数据即锁定；只有单位负责人可以解锁，解锁原因记入审计记录。&lt;/li&gt;&lt;/ol&gt;单元格右上角的红色小三角表示该数值有备注；年份旁的锁形图标表示该年已锁定；灰色斜体数字由其他指标计算得出。</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="20"/>
        <source>History of {name} {period}</source>
        <translation>{name} {period} 修改记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="23"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="23"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="23"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="23"/>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="24"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="24"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="39"/>
        <source>{n} changes, oldest first</source>
        <translation>共 {n} 次修改，按时间先后排列</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="46"/>
        <source>Entered</source>
        <translation>填报</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="46"/>
        <source>Imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="46"/>
        <source>Received</source>
        <translation>接收</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="47"/>
        <source>Summed up</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="47"/>
        <source>Cleared</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="47"/>
        <source>Explained</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="48"/>
        <source>Status changed</source>
        <translation>状态变更</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="48"/>
        <source>Unlocked</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="48"/>
        <source>Let go ahead</source>
        <translation>放行</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="25"/>
        <location filename="../../app/ui/import_dialog.py" line="65"/>
        <source>Import a spreadsheet</source>
        <translation>导入表格</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="28"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="33"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="33"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="33"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="34"/>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="34"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="34"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="41"/>
        <source>Write these changes</source>
        <translation>写入这些修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="65"/>
        <source>Spreadsheets (*.xlsx *.xls *.csv)</source>
        <translation>表格文件 (*.xlsx *.xls *.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="81"/>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="83"/>
        <source>Reading cancelled.</source>
        <translation>已取消读取。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="89"/>
        <source>{new} new, {changed} changed, {unchanged} unchanged, {skipped} empty cells skipped; {problems} problems</source>
        <translation>新增 {new} 个，修改 {changed} 个，未变 {unchanged} 个，跳过空单元格 {skipped} 个；问题 {problems} 个</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="95"/>
        <source>row {n}</source>
        <translation>第 {n} 行</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="107"/>
        <source>Problems ({n}) and notes</source>
        <translation>问题（{n} 个）与提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="126"/>
        <source>Write {n} values from {name}? All of them are written, or none.</source>
        <translation>写入 {name} 中的 {n} 个数值？要么全部写入，要么一个也不写。</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="134"/>
        <source>Writing…</source>
        <translation>正在写入…</translation>
    </message>
    <message>
        <location filename="../../app/ui/import_dialog.py" line="138"/>
        <source>{n} values written.</source>
        <translation>已写入 {n} 个数值。</translation>
    </message>
</context>
<context>
    <name>InboxPage</name>
    <message>
        <location filename="../../app/ui/inbox.py" line="84"/>
        <location filename="../../app/ui/inbox.py" line="188"/>
        <source>Open a package…</source>
        <translation>打开数据包…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="85"/>
        <location filename="../../app/ui/inbox.py" line="202"/>
        <source>Scan a USB stick or folder…</source>
        <translation>扫描U盘或文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="86"/>
        <source>Ask about the selected package…</source>
        <translation>对所选数据包发起查询…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="87"/>
        <source>Questions to answer…</source>
        <translation>待答复的查询…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="88"/>
        <source>Sum up from subordinate regions</source>
        <translation>由下级地区汇总</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="89"/>
        <source>Show what summing the subordinate regions would write into this region (ratios are recomputed, not averaged), then write it; the region&apos;s own figures are kept unless you choose the sums; audited</source>
        <translation>先显示由下级地区汇总将写入本地区的数值（比率类指标按汇总后的组成重新计算，不取平均），确认后再写入；本级自填数默认保留，除非选择以合计覆盖；记入审计</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="92"/>
        <source>Who has sent for the year</source>
        <translation>本年度报送情况</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="93"/>
        <source>Received packages</source>
        <translation>已接收的数据包</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="94"/>
        <location filename="../../app/ui/inbox.py" line="96"/>
        <location filename="../../app/ui/inbox.py" line="218"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="94"/>
        <source>Sent</source>
        <translation>是否报送</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="94"/>
        <source>Package</source>
        <translation>数据包</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="95"/>
        <source>Status here</source>
        <translation>本地状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="95"/>
        <source>Questions</source>
        <translation>查询（未答/已答）</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="96"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="96"/>
        <source>State</source>
        <translation>处理状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="97"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="97"/>
        <source>Sender</source>
        <translation>发送单位</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="97"/>
        <source>Changes</source>
        <translation>变动</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="108"/>
        <source>{region} · {year} · packages from subordinate regions</source>
        <translation>{region} · {year}年 · 下级地区数据包</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="111"/>
        <source>{n} days left</source>
        <translation>剩余 {n} 天</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="112"/>
        <source>{n} days overdue</source>
        <translation>已逾期 {n} 天</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="113"/>
        <source>{sent} of {total} have sent · deadline {deadline} · {left}</source>
        <translation>{total} 个下级地区中已报送 {sent} 个 · 截止 {deadline} · {left}</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="116"/>
        <source>This office&apos;s key: {fp} (read it out when a receiver asks)</source>
        <translation>本单位密钥指纹：{fp}（接收方电话核对时请念出）</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="117"/>
        <source>This office has no key yet: it is made at the first package export.</source>
        <translation>本单位尚无密钥：首次导出数据包时生成。</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="120"/>
        <source>sent</source>
        <translation>已报送</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="120"/>
        <source>not sent</source>
        <translation>未报送</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="133"/>
        <source>{new} new, {changed} changed, {removed} removed</source>
        <translation>新增 {new}，修改 {changed}，删除 {removed}</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="157"/>
        <source>Select a received package first.</source>
        <translation>请先选择一个已接收的数据包。</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="188"/>
        <source>ipdesk packages (*.ipdx)</source>
        <translation>ipdesk 数据包 (*.ipdx)</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="209"/>
        <source>Checking the packages in {folder}…</source>
        <translation>正在核验 {folder} 中的数据包…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="216"/>
        <source>Packages found</source>
        <translation>找到的数据包</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="218"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="218"/>
        <source>Check</source>
        <translation>核验</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="218"/>
        <source>Here</source>
        <translation>本地</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="221"/>
        <source>signature valid</source>
        <translation>签名有效</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="221"/>
        <source>trusted</source>
        <translation>已信任</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="221"/>
        <source>unknown sender</source>
        <translation>未知发送方</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="229"/>
        <source>Double-click a package to receive it.</source>
        <translation>双击数据包以接收。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="47"/>
        <source>No region matches “{text}”</source>
        <translation>没有与“{text}”相符的地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="247"/>
        <source>ipdesk — IP indicator entry and verification</source>
        <translation>ipdesk — 知识产权指标填报与核查</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="248"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="249"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="250"/>
        <source>&amp;Review</source>
        <translation>审核(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="251"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="252"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="253"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="254"/>
        <source>&amp;Export submission documents (PDF, XLSX)…</source>
        <translation>导出报送材料（PDF、XLSX）(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="255"/>
        <source>&amp;Import spreadsheet…</source>
        <translation>导入表格(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="256"/>
        <source>This &amp;office…</source>
        <translation>本单位设置(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="257"/>
        <source>Make fill-in &amp;template…</source>
        <translation>生成填报模板(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="258"/>
        <source>Export &amp;data (long format)…</source>
        <translation>导出数据（长表格式）(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="259"/>
        <source>Approve and lock…</source>
        <translation>审批并锁定…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="260"/>
        <source>Unlock…</source>
        <translation>解锁…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="262"/>
        <location filename="../../app/ui/main_window.py" line="575"/>
        <source>About ipdesk</source>
        <translation>关于 ipdesk</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="263"/>
        <source>Keys and workflow…</source>
        <translation>快捷键与报送流程…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="264"/>
        <source>&amp;Open store…</source>
        <translation>打开数据库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="265"/>
        <source>Recent stores</source>
        <translation>最近打开的数据库</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="266"/>
        <source>Check this region and all below…</source>
        <translation>核查本地区及全部下级地区…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="267"/>
        <source>All findings below this region</source>
        <translation>本地区及全部下级的核查问题清单</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="268"/>
        <location filename="../../app/ui/main_window.py" line="421"/>
        <source>Findings</source>
        <translation>核查问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="269"/>
        <source>Targets…</source>
        <translation>目标管理…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="270"/>
        <source>&amp;Find a region…</source>
        <translation>查找地区(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="271"/>
        <source>Find a region: name or code (Ctrl+F)</source>
        <translation>查找地区：名称或代码（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="273"/>
        <source>Read-only</source>
        <translation>只读</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="275"/>
        <source>Year </source>
        <translation>年度 </translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="276"/>
        <source>Annual (last 5 years)</source>
        <translation>年度（近 5 年）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="276"/>
        <source>Quarterly</source>
        <translation>季度</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="276"/>
        <source>Monthly</source>
        <translation>月度</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="278"/>
        <source>Entry</source>
        <translation>数据填报</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="279"/>
        <location filename="../../app/ui/main_window.py" line="403"/>
        <source>Dashboard</source>
        <translation>目标看板</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="280"/>
        <location filename="../../app/ui/main_window.py" line="474"/>
        <source>Charts</source>
        <translation>图表分析</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="281"/>
        <location filename="../../app/ui/main_window.py" line="412"/>
        <source>Packages</source>
        <translation>数据包收发</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="282"/>
        <location filename="../../app/ui/main_window.py" line="429"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="283"/>
        <location filename="../../app/ui/main_window.py" line="437"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="457"/>
        <source>ipdesk cannot open {name}</source>
        <translation>ipdesk 无法打开 {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="101"/>
        <source>Approve and lock</source>
        <translation>审批并锁定</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="102"/>
        <source>Approving locks {region} {year}: values become read-only until an office head unlocks them.</source>
        <translation>审批将锁定 {region} {year} 年数据：在单位负责人解锁之前，数值为只读。</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="114"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="115"/>
        <source>Unlocking lets clerks change {region} {year} again. The reason is kept in the audit trail.</source>
        <translation>解锁后可重新修改 {region} {year} 年数据，解锁原因将记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="506"/>
        <source>Make fill-in template…</source>
        <translation>生成填报模板…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="512"/>
        <source>Writing the template…</source>
        <translation>正在生成模板…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="514"/>
        <source>Template written: {path}</source>
        <translation>模板已生成：{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="140"/>
        <source>Checking {region} and all regions below…</source>
        <translation>正在核查 {region} 及全部下级地区…</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="141"/>
        <source>Check cancelled</source>
        <translation>核查已取消</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="261"/>
        <source>Go ahead without subordinate regions…</source>
        <translation>下级未完成时放行…</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="129"/>
        <source>Go ahead without subordinate regions</source>
        <translation>下级未完成时放行</translation>
    </message>
    <message>
        <location filename="../../app/ui/review_actions.py" line="130"/>
        <source>Lets {region} {year} be completed and approved while subordinate regions are not complete. The reason is kept in the audit trail.</source>
        <translation>允许{region} {year} 年在下级地区尚未完成时完成并审批。原因将记入审计记录。</translation>
    </message>
</context>
<context>
    <name>NewHeadDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="120"/>
        <source>Create the office head&apos;s account</source>
        <translation>创建单位负责人账户</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="127"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="128"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="129"/>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="134"/>
        <source>Approving locks a region-year; only an office head can approve or unlock.</source>
        <translation>审批会锁定地区年度数据；只有单位负责人可以审批或解锁。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="142"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>OfficeDialog</name>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="23"/>
        <source>This office</source>
        <translation>本单位设置</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="32"/>
        <source>e.g. 江苏省知识产权局</source>
        <translation>如：江苏省知识产权局</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="37"/>
        <source>made at the first package export</source>
        <translation>首次导出数据包时生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="42"/>
        <source>Our region</source>
        <translation>本单位所属地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="43"/>
        <source>Office name</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="44"/>
        <source>Contact</source>
        <translation>联系人及电话</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="45"/>
        <source>Submission deadline (MM-DD)</source>
        <translation>报送截止日期（月-日）</translation>
    </message>
    <message>
        <location filename="../../app/ui/office_dialog.py" line="46"/>
        <source>Key fingerprint</source>
        <translation>密钥指纹</translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <location filename="../../app/ui/preview.py" line="78"/>
        <source>Print preview — {name}</source>
        <translation>打印预览 — {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/preview.py" line="92"/>
        <source>{n} pages, A4</source>
        <translation>共 {n} 页，A4</translation>
    </message>
    <message>
        <location filename="../../app/ui/preview.py" line="93"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../app/ui/preview.py" line="96"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../app/ui/preview.py" line="99"/>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <location filename="../../app/ui/preview.py" line="101"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../app/ui/preview.py" line="103"/>
        <source>Open with system viewer</source>
        <translation>用系统程序打开</translation>
    </message>
</context>
<context>
    <name>ProgressGridModel</name>
    <message>
        <location filename="../../app/ui/task_models.py" line="208"/>
        <source>Q1</source>
        <translation>一季度</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="208"/>
        <source>Q2</source>
        <translation>二季度</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="208"/>
        <source>First half</source>
        <translation>上半年</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="208"/>
        <source>Q3</source>
        <translation>三季度</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="209"/>
        <source>Q4</source>
        <translation>四季度</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="209"/>
        <source>Second half</source>
        <translation>下半年</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="209"/>
        <source>Year</source>
        <translation>全年</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="236"/>
        <source>{n} files</source>
        <translation>附 {n} 份</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="248"/>
        <source>This task does not apply to {region}</source>
        <translation>该任务不适用于{region}</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="250"/>
        <source>Type a state (未开始 / 推进中 / 已完成 / 滞后 / 取消) and/or a percentage, e.g. 推进中 60%</source>
        <translation>输入状态（未开始 / 推进中 / 已完成 / 滞后 / 取消）和/或百分比，如 推进中 60%</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="252"/>
        <source>Milestone</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="252"/>
        <source>Progress</source>
        <translation>进展情况</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="253"/>
        <source>Person</source>
        <translation>责任人</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="253"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="257"/>
        <source>Evidence: {n} file(s)</source>
        <translation>佐证材料：{n} 份</translation>
    </message>
</context>
<context>
    <name>ReceiveDialog</name>
    <message>
        <location filename="../../app/ui/inbox.py" line="288"/>
        <source>Receive {name}</source>
        <translation>接收 {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="293"/>
        <source>the fingerprint the sender read out, e.g. ABCD-EF01-…</source>
        <translation>发送方在电话中念出的指纹，如 ABCD-EF01-…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="294"/>
        <source>Trust this sender</source>
        <translation>信任该发送方</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="297"/>
        <source>Confirmed fingerprint</source>
        <translation>已核对的指纹</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="306"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="306"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="306"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="307"/>
        <source>Change</source>
        <translation>变动</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="307"/>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="307"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="307"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="311"/>
        <source>Keep mine for all</source>
        <translation>全部保留本单位的值</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="313"/>
        <source>Take theirs for all</source>
        <translation>全部采用对方的值</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="324"/>
        <source>Receive: write all of it</source>
        <translation>接收：全部写入</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="354"/>
        <source>trusted as {name}</source>
        <translation>已信任（{name}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="355"/>
        <source>UNKNOWN sender: confirm the fingerprint by phone before trusting it</source>
        <translation>未知发送方：请先电话核对指纹再信任</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="356"/>
        <source>a DIFFERENT key than the one trusted for this office</source>
        <translation>与该单位已信任的密钥不同</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="357"/>
        <source>Signed by {name} ({office}) · key {fp} · {trust}
{region} {year}, version {seq}, created {created}</source>
        <translation>签名单位：{name}（{office}）· 密钥 {fp} · {trust}
{region} {year}年，第 {seq} 版，生成于 {created}</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="371"/>
        <source>{new} new, {changed} changed, {removed} removed, {unchanged} unchanged; {explanations} explanations, {answers} answers</source>
        <translation>新增 {new}，修改 {changed}，删除 {removed}，未变 {unchanged}；情况说明 {explanations} 条，答复 {answers} 条</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="374"/>
        <source>Task ledger: {ledger_tasks} tasks, {ledger_assignments} assignments, {ledger_progress} progress reports, {ledger_evidence} evidence files ({ledger_evidence_not_carried} not carried), {ledger_sections} report sections</source>
        <translation>任务台账：任务 {ledger_tasks} 项，任务分解 {ledger_assignments} 项，推进情况 {ledger_progress} 条，佐证材料 {ledger_evidence} 份（未随包传送 {ledger_evidence_not_carried} 份），报告文字 {ledger_sections} 部分</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="379"/>
        <source>; {ledger_progress_cleared} progress reports taken back by the sender</source>
        <translation>；发送方撤回推进情况 {ledger_progress_cleared} 条</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="381"/>
        <source>; {ledger_sections_cleared} report sections the sender returned to the draft</source>
        <translation>；发送方撤回编辑、恢复为草稿的报告文字 {ledger_sections_cleared} 部分</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="384"/>
        <source>This package was received already; receiving it again changes nothing.</source>
        <translation>该数据包已接收过，再次接收不会有任何变化。</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="399"/>
        <source>conflict: changed here by {who} {at}</source>
        <translation>冲突：本单位 {who} 于 {at} 修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="417"/>
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="418"/>
        <source>Keep mine</source>
        <translation>保留本单位的值</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="419"/>
        <source>Take theirs</source>
        <translation>采用对方的值</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="424"/>
        <source>{n} values, progress reports or report texts were changed in this office since the sender&apos;s last package: choose for each whether to keep this office&apos;s or take the package&apos;s.</source>
        <translation>有 {n} 项（数值、推进情况或报告文字）在上次收到该单位数据包后已被本单位修改：请逐项选择保留本单位的内容还是采用数据包中的内容。</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="464"/>
        <source>Received: {new} new, {changed} changed, {removed} removed.</source>
        <translation>已接收：新增 {new}，修改 {changed}，删除 {removed}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="466"/>
        <source>Conflicts: kept mine {mine}, took theirs {theirs}.</source>
        <translation>冲突项：保留本单位的值 {mine} 项，采用对方的值 {theirs} 项。</translation>
    </message>
</context>
<context>
    <name>RegionTreeModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="299"/>
        <source>own values {n} / {m} ({p})</source>
        <translation>本级 {n} / {m}（{p}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="301"/>
        <source>not expected to report</source>
        <translation>不需填报</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="303"/>
        <source>with the regions below {n} / {m} ({p})</source>
        <translation>含下级 {n} / {m}（{p}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="305"/>
        <source>Values entered: </source>
        <translation>填报完整率：</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <location filename="../../app/ui/report_page.py" line="157"/>
        <source>Sections</source>
        <translation>报告各部分</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="158"/>
        <source>Text of the report (yours where edited)</source>
        <translation>报告正文（已编辑处为您的文字）</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="159"/>
        <source>Draft from the store now (read-only)</source>
        <translation>按当前数据生成的草稿（只读）</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="160"/>
        <location filename="../../app/ui/report_page.py" line="161"/>
        <source>Save section</source>
        <translation>保存本部分</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="162"/>
        <source>Re-draft…</source>
        <translation>重新起草…</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="163"/>
        <source>Draft every section again from the store; an edited section is never replaced without asking</source>
        <translation>按数据库重新起草各部分；已编辑的部分不经确认不会被替换</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="209"/>
        <source>Drafting the report…</source>
        <translation>正在起草报告…</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="238"/>
        <source>{region} · {year} · drafting the report…</source>
        <translation>{region} · {year} · 正在起草报告…</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="248"/>
        <source>The store is open read-only: nothing can be changed here</source>
        <translation>数据库以只读方式打开，不能修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="250"/>
        <source>{region} {year} is {status}: the report&apos;s text is frozen until an office head unlocks the year.</source>
        <translation>{region} {year} 年{status}：报告文字已冻结，须由单位负责人解锁后才能修改。</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="264"/>
        <source>✎ edited</source>
        <translation>✎ 已编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="264"/>
        <source>draft changed</source>
        <translation>草稿已变化</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="270"/>
        <source>Edited by {who} at {at}</source>
        <translation>{who} 于 {at} 编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="287"/>
        <source>Follows the draft: not edited</source>
        <translation>未编辑：随草稿更新</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="289"/>
        <source>Edited by {who}; the draft has changed since — Re-draft shows the difference</source>
        <translation>已由 {who} 编辑；此后草稿已变化，点击“重新起草”查看差异</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="292"/>
        <source>Edited by {who}; differs from the draft</source>
        <translation>已由 {who} 编辑，与草稿不同</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="294"/>
        <source>Edited by {who}</source>
        <translation>已由 {who} 编辑</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="319"/>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="341"/>
        <source>{title}: saved</source>
        <translation>{title}：已保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/report_page.py" line="388"/>
        <source>Re-drafted: {n} sections follow the new draft, {kept} edited sections kept</source>
        <translation>已重新起草：{n} 个部分采用新草稿，保留 {kept} 个已编辑部分</translation>
    </message>
</context>
<context>
    <name>Start</name>
    <message>
        <location filename="../../app/ui/main.py" line="130"/>
        <source>The store is on a read-only medium or you may not change it, so it is open read-only:
{path}</source>
        <translation>数据库位于只读介质上或您无权修改，已以只读方式打开：
{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main.py" line="136"/>
        <source>Another ipdesk window ({holder}) has this store open, so it is open read-only here:
{path}</source>
        <translation>另一个 ipdesk 窗口（{holder}）已打开该数据库，此处以只读方式打开：
{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main.py" line="158"/>
        <source>A new store was created at
{path}

Load the demo data (Jiangsu and its 13 cities, 2016–2024) to try ipdesk?</source>
        <translation>已新建数据库：
{path}

是否载入示例数据（江苏省及其 13 个设区市，2016–2024 年）以便试用？</translation>
    </message>
    <message>
        <location filename="../../app/ui/main.py" line="177"/>
        <source>The store was upgraded for this version of ipdesk; the copy from before is {backup}</source>
        <translation>数据库已升级以适配当前版本的 ipdesk；升级前的副本保存在 {backup}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main.py" line="208"/>
        <source>Upgrading the store for this version of ipdesk (a copy is kept)…
{path}</source>
        <translation>正在升级数据库以适配当前版本的 ipdesk（原数据库会先备份）……
{path}</translation>
    </message>
</context>
<context>
    <name>Stores</name>
    <message>
        <location filename="../../app/ui/stores.py" line="38"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location filename="../../app/ui/stores.py" line="51"/>
        <source>Open store…</source>
        <translation>打开数据库…</translation>
    </message>
    <message>
        <location filename="../../app/ui/stores.py" line="51"/>
        <source>ipdesk stores (*.sqlite *.db);;All files (*)</source>
        <translation>ipdesk 数据库 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/stores.py" line="57"/>
        <source>There is no store at {path}</source>
        <translation>找不到数据库：{path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/stores.py" line="66"/>
        <source>{path} is not an ipdesk store: {error}</source>
        <translation>{path} 不是 ipdesk 数据库：{error}</translation>
    </message>
</context>
<context>
    <name>SweepDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="157"/>
        <source>Regions with findings</source>
        <translation>存在问题的地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="160"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="160"/>
        <source>Blocking</source>
        <translation>阻断</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="160"/>
        <source>Unexplained</source>
        <translation>未说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="161"/>
        <source>Notes</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="161"/>
        <source>Findings</source>
        <translation>核查问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="164"/>
        <source>… and {n} more</source>
        <translation>……另有 {n} 项</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="191"/>
        <source>{n} regions have findings; double-click one to open it.</source>
        <translation>共 {n} 个地区存在问题；双击可打开该地区。</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="199"/>
        <source>[Blocking]</source>
        <translation>［阻断］</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="199"/>
        <source>[Explain]</source>
        <translation>［需说明］</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="199"/>
        <source>[Note]</source>
        <translation>［提示］</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="203"/>
        <source> (explained)</source>
        <translation>（已说明）</translation>
    </message>
</context>
<context>
    <name>TargetsDialog</name>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="40"/>
        <source>Targets</source>
        <translation>目标进度</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="42"/>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="42"/>
        <source>Clause</source>
        <translation>条款</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="42"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="43"/>
        <source>Applies to</source>
        <translation>适用范围</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="43"/>
        <source>Comparator</source>
        <translation>比较方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="43"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="44"/>
        <source>Target year</source>
        <translation>目标年</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="44"/>
        <source>Certainty</source>
        <translation>核实情况</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="50"/>
        <source>Add an own target for the selected region…</source>
        <translation>为所选地区添加自定目标…</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="52"/>
        <location filename="../../app/ui/targets_dialog.py" line="141"/>
        <source>Import a target pack (CSV)…</source>
        <translation>导入目标包（CSV）…</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="61"/>
        <source>Double-click a target figure to change it; every change is audited.</source>
        <translation>双击目标值即可修改；每次修改都记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="79"/>
        <source>the nation</source>
        <translation>全国</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="79"/>
        <source>every region</source>
        <translation>各地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="80"/>
        <source> and below</source>
        <translation>及下级</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="110"/>
        <source>Target changed; the change is in the audit trail.</source>
        <translation>目标已修改，修改已记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="132"/>
        <source>Own target added for {region}.</source>
        <translation>已为 {region} 添加自定目标。</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="149"/>
        <source>{n} targets imported from {name}.</source>
        <translation>已从 {name} 导入 {n} 条目标。</translation>
    </message>
</context>
<context>
    <name>TaskPage</name>
    <message>
        <location filename="../../app/ui/task_page.py" line="143"/>
        <source>Add own task…</source>
        <translation>添加本级任务…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="144"/>
        <source>Assign…</source>
        <translation>分解下达…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="145"/>
        <source>Explain overdue…</source>
        <translation>说明逾期原因…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="146"/>
        <source>Add an own task decomposed from this one…</source>
        <translation>从该任务分解本级任务…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="147"/>
        <source>Assign to a division or a region below…</source>
        <translation>分解下达给处室或下级地区…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="148"/>
        <source>Explain why it is overdue…</source>
        <translation>说明逾期原因…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="149"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="150"/>
        <source>Type a state — 未开始, 推进中, 已完成, 滞后 or 取消 — and/or a percentage (推进中 60%); Enter saves, Delete clears. 滞后 and 取消 ask for a reason.</source>
        <translation>输入状态（未开始、推进中、已完成、滞后、取消）和/或百分比（如 推进中 60%）；回车保存，Delete 清除。滞后和取消须说明原因。</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="152"/>
        <source>Details of the selected cell</source>
        <translation>所选单元格的详情</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="153"/>
        <source>Milestone</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="153"/>
        <source>Progress</source>
        <translation>进展情况</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="153"/>
        <source>Person</source>
        <translation>责任人</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="153"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="155"/>
        <source>Save details</source>
        <translation>保存详情</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="174"/>
        <source>{region} · {year} · tasks</source>
        <translation>{region} · {year} · 任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="176"/>
        <source>{n} tasks apply here; {done} done, {late} overdue (red)</source>
        <translation>适用任务 {n} 项，已完成 {done} 项，逾期 {late} 项（红色）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="213"/>
        <source>Progress of “{task}” by region</source>
        <translation>“{task}”各地区推进情况</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="275"/>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="297"/>
        <source>Not saved: no reason given</source>
        <translation>未保存：未说明原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="303"/>
        <location filename="../../app/ui/task_page.py" line="357"/>
        <source>Progress saved: {region} {period}</source>
        <translation>推进情况已保存：{region} {period}</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="311"/>
        <source>Reason for {state}</source>
        <translation>“{state}”的原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="312"/>
        <source>{region} {period}: why is the task {state}? (kept with the progress and in the audit trail)</source>
        <translation>{region} {period}：任务为何“{state}”？（与推进情况一并保存，并记入审计日志）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="330"/>
        <source>Cleared {n} cells</source>
        <translation>已清除 {n} 个单元格</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="335"/>
        <source>The store is open read-only: nothing can be changed here</source>
        <translation>数据库以只读方式打开，不能修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="337"/>
        <source>This task does not apply to {region}</source>
        <translation>该任务不适用于{region}</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="339"/>
        <source>{region} {year} is approved and locked: an office head must unlock it before it can be changed</source>
        <translation>{region} {year} 年已审批锁定，须单位负责人解锁后才能修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="370"/>
        <source>Add evidence files…</source>
        <translation>添加佐证材料…</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="371"/>
        <source>Evidence (*.pdf *.png *.jpg *.jpeg *.docx *.xlsx)</source>
        <translation>佐证材料 (*.pdf *.png *.jpg *.jpeg *.docx *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="379"/>
        <source>{n} files attached to {region} {period}</source>
        <translation>已为{region} {period}添加 {n} 份佐证材料</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="413"/>
        <source>Task {id} added (due {due})</source>
        <translation>任务 {id} 已添加（期限 {due}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="422"/>
        <source>Choose a task first</source>
        <translation>请先选择一项任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="439"/>
        <source>Task assigned to {to} (due {due})</source>
        <translation>任务已下达{to}（期限 {due}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="453"/>
        <source>Overdue task</source>
        <translation>逾期任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="453"/>
        <source>“{task}” was due {due}: why is it not done?</source>
        <translation>“{task}”已于 {due} 到期，为何尚未完成？</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_page.py" line="464"/>
        <source>Explanation saved</source>
        <translation>说明已保存</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <location filename="../../app/ui/tasks.py" line="80"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>TaskTreeModel</name>
    <message>
        <location filename="../../app/ui/task_models.py" line="82"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="82"/>
        <source>Responsible</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="82"/>
        <source>Assigned to</source>
        <translation>分解下达</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="82"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="83"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="89"/>
        <source>Part {n}</source>
        <translation>第{n}部分</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="91"/>
        <source>Clause {clause}</source>
        <translation>第 {clause} 项</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="93"/>
        <source>Own tasks</source>
        <translation>本级任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="95"/>
        <source>Assigned from above</source>
        <translation>上级下达任务</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="101"/>
        <source>{text} (own task)</source>
        <translation>{text}（本级）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="102"/>
        <source>{text} (assigned)</source>
        <translation>{text}（上级下达）</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="121"/>
        <source>Task id: {id}</source>
        <translation>任务编号：{id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="123"/>
        <source>Last reported: {period}</source>
        <translation>最近报送：{period}</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="125"/>
        <source>Overdue: due {due}, not done</source>
        <translation>逾期：期限 {due}，尚未完成</translation>
    </message>
    <message>
        <location filename="../../app/ui/task_models.py" line="156"/>
        <source> (overdue)</source>
        <translation>（逾期）</translation>
    </message>
</context>
<context>
    <name>TrustPrompt</name>
    <message>
        <location filename="../../app/ui/inbox.py" line="246"/>
        <source>Trust this sender</source>
        <translation>信任该发送方</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="251"/>
        <source>the fingerprint the sender read out, e.g. ABCD-EF01-…</source>
        <translation>发送方在电话中念出的指纹，如 ABCD-EF01-…</translation>
    </message>
    <message>
        <location filename="../../app/ui/inbox.py" line="260"/>
        <source>Confirmed fingerprint</source>
        <translation>已核对的指纹</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="54"/>
        <source>Check documents</source>
        <translation>核对报送材料</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="55"/>
        <source>Choose or drop the PDF and the XLSX of one report: their data fingerprints are compared, and every cell changed since the export is named.</source>
        <translation>选择或拖入同一份报告的 PDF 和 XLSX：比对两者的数据指纹，并列出导出后被改动的每个单元格。</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="57"/>
        <source>Paper copy (PDF)</source>
        <translation>纸质件（PDF）</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="58"/>
        <source>Electronic copy (XLSX)</source>
        <translation>电子件（XLSX）</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="59"/>
        <location filename="../../app/ui/verify_dialog.py" line="60"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="61"/>
        <source>Check</source>
        <translation>核对</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="66"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="99"/>
        <source>Choose both files first.</source>
        <translation>请先选择两个文件。</translation>
    </message>
</context>
<context>
    <name>VerifyMenuEntry</name>
    <message>
        <location filename="../../app/ui/verify_dialog.py" line="126"/>
        <source>Check documents (PDF + XLSX)…</source>
        <translation>核对报送材料（PDF + XLSX）…</translation>
    </message>
</context>
<context>
    <name>ViolationsModel</name>
    <message>
        <location filename="../../app/ui/violations.py" line="25"/>
        <source>Value out of range</source>
        <translation>超出取值范围</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="26"/>
        <source>Part larger than its whole</source>
        <translation>部分大于整体</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="27"/>
        <source>Computed value differs</source>
        <translation>与计算值不符</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="28"/>
        <source>Required value missing</source>
        <translation>必填缺失</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="29"/>
        <source>Quarters disagree with the year</source>
        <translation>季度与全年不符</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="30"/>
        <source>Months disagree with the year</source>
        <translation>月度与全年不符</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="31"/>
        <source>Change beyond the plausible band</source>
        <translation>同比变化超出合理区间</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="32"/>
        <source>Unusual against past changes</source>
        <translation>与历年变化相比异常</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="33"/>
        <source>Differs from the sum of the regions below</source>
        <translation>与下级合计不符</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="34"/>
        <source>Fell where a target asks for growth</source>
        <translation>目标要求增长但下降</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="35"/>
        <source>First digits unusual (Benford)</source>
        <translation>首位数字分布异常（本福特定律）</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="36"/>
        <source>Task overdue</source>
        <translation>任务逾期未完成</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="41"/>
        <source>Blocking</source>
        <translation>阻断</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="42"/>
        <source>Needs explanation</source>
        <translation>需说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="43"/>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="125"/>
        <source>Explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="126"/>
        <source>Not yet</source>
        <translation>未说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="147"/>
        <source>Explanation: </source>
        <translation>说明：</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="157"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="158"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="159"/>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="160"/>
        <source>Rule</source>
        <translation>核查规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="161"/>
        <source>Severity</source>
        <translation>性质</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="162"/>
        <source>What was found</source>
        <translation>问题内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="163"/>
        <source>Explained?</source>
        <translation>是否已说明</translation>
    </message>
</context>
<context>
    <name>ViolationsPage</name>
    <message>
        <location filename="../../app/ui/violations.py" line="268"/>
        <source>Region: name or code</source>
        <translation>地区：名称或代码</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="269"/>
        <source>Unexplained only</source>
        <translation>仅看未说明</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="285"/>
        <source>All severities</source>
        <translation>全部性质</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="287"/>
        <source>All rules</source>
        <translation>全部规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="289"/>
        <source>All indicators</source>
        <translation>全部指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="315"/>
        <source>Findings of {region} and every region below · {year}</source>
        <translation>{region}及全部下级地区 · {year}年 · 核查问题</translation>
    </message>
    <message>
        <location filename="../../app/ui/violations.py" line="317"/>
        <source>{shown} of {n} findings shown; Enter or a double-click opens the cell</source>
        <translation>共 {n} 项问题，显示 {shown} 项；按回车或双击可跳转到对应单元格</translation>
    </message>
</context>
<context>
    <name>_OwnTargetDialog</name>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="160"/>
        <source>Own target for {region}</source>
        <translation>{region} 自定目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="172"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="173"/>
        <source>Comparator</source>
        <translation>比较方式</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="174"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../app/ui/targets_dialog.py" line="175"/>
        <source>Target year</source>
        <translation>目标年</translation>
    </message>
</context>
</TS>
