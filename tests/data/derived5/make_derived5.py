#!/usr/bin/env python3
"""Deterministic generator of the derived5 held-out 派生定密 set.

Writes tests/data/derived5/docs/ (docx, pdf via LibreOffice, xlsx, pptx, eml).
Labels are in truth.tsv and links.tsv, written by hand from the rule book.

    python tests/data/derived5/make_derived5.py
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from pptx import Presentation
from pptx.util import Inches, Pt

HERE = Path(__file__).resolve().parent
OUT = HERE / "docs"
FIXED = dt.datetime(2026, 1, 1, 0, 0, 0)

STOCK = ("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，"
         "统筹发展和安全，坚持人民至上、生命至上，")


def cn(y, m, d):
    return f"{y}年{m}月{d}日"


# ----------------------------------------------------------------------------- sources
S1 = dict(
    org="青岚市铁路运输管理办公室", num="青铁发〔2025〕12号", copyno="000015", mark="机密★10年",
    title="关于春运期间重点列车调度保障方案的通知", date=(2025, 1, 10),
    main="各区县铁路护路联防办公室，市铁路公安处，青岚站、青岚东站：",
    paras=[
        STOCK + "为做好2025年春运期间重点列车运输组织和安全保障工作，经研究，现将有关调度保障方案通知如下。",
        "一、重点列车运行安排。春运期间，每日18时至次日2时在青岚东站至岚山北站区段预留两条应急运行线，"
        "编组为临客K8061次和K8063次，备用动车组两组停放于青岚东动车所第7、第9存车线，由调度所值班主任统一指挥调用。",
        "二、警卫和护卫措施。重点列车通过沿线9处公跨铁立交桥时，桥上实行不少于30分钟的临时交通管制，"
        "岚河特大桥、北岭隧道两处重点部位由市铁路公安处派驻固定岗哨，每班不少于6人，24小时轮换值守。",
        "三、应急处置。遇设备故障或突发客流时，调度所在5分钟内启动备用运行线，青岚站第三候车室作为临时滞留旅客安置点，"
        "可容纳旅客约2400人，市公交集团预备接驳车辆40台。",
        "四、各单位要严格控制本方案知悉范围，不得在公开场合和非涉密网络中传递、讨论。",
    ],
    table=[["区段", "预留运行线", "时段", "备用车底停放位置"],
           ["青岚东—岚山北", "K8061次", "18:00—次日02:00", "青岚东动车所第7存车线"],
           ["青岚东—岚山北", "K8063次", "18:00—次日02:00", "青岚东动车所第9存车线"]],
    scope="知悉范围：市铁路护路联防领导小组成员单位主要负责同志",
    cc="抄送：市委政法委，市公安局。", printer="青岚市铁路运输管理办公室",
)

S2 = dict(
    org="青岚市气象局", num="青气发〔2025〕7号", copyno="000008", mark="秘密★5年",
    title="关于汛期人工影响天气作业空域协调的通知", date=(2025, 4, 2),
    main="各区县气象局，市人工影响天气中心：",
    paras=[
        "为规范汛期人工影响天气作业空域申请和使用，确保飞行安全和作业安全，现就有关事项通知如下。",
        "一、汛期人工增雨作业须经空军青岚场站批准后方可实施，作业申请应提前40分钟通过专线报送，空域批复时限一般为20分钟，"
        "批准作业区域以西岭、南湖、石门三个固定作业点为中心半径15公里。",
        "二、各作业点火箭弹储存量原则上不超过60枚，炮弹不超过300发，弹药库钥匙实行双人双锁管理，"
        "作业点坐标和弹药存储数量不得对外提供。",
        "三、作业期间如遇民航航班临时改航，作业指挥员应立即中止作业并向市人工影响天气指挥部报告，恢复作业须重新申请空域。",
    ],
    scope="知悉范围：各作业点指挥员及以上人员",
    cc="抄送：空军青岚场站，民航青岚空管站。", printer="青岚市气象局办公室",
)

S3 = dict(
    org="青岚市卫生健康委员会", num="青卫应急〔2025〕3号", copyno="000021", mark="机密★15年",
    title="关于突发急性传染病应急物资储备布局的通知", date=(2025, 2, 18),
    main="各区县卫生健康局，市疾病预防控制中心，市急救中心：",
    paras=[
        STOCK + "为提升突发急性传染病应急处置物资保障能力，现就市级应急物资储备布局通知如下。",
        "一、市级应急物资储备库设在城东物流园区6号仓库和岚山区疾病预防控制中心地下库房两处，"
        "其中城东库储备医用防护服12万套、N95口罩80万只，岚山库储备负压救护车8台、移动方舱检测实验室2套。",
        "二、储备库实行双人双锁和24小时视频监控，调拨物资须经市卫生健康委主要负责同志签批，"
        "紧急情况下可先电话授权、后补手续，调拨记录保存不少于15年。",
        "三、各区县应在2025年6月底前完成本级储备点建设，储备规模不低于常住人口每万人防护服300套，"
        "储备点位置和储备数量按涉密信息管理。",
    ],
    scope="知悉范围：各区县卫生健康局主要负责同志",
    cc="抄送：市应急管理局，市发展改革委。", printer="青岚市卫生健康委员会办公室",
)

S4 = dict(
    org="青岚市市场监督管理局", num="青市监发〔2025〕21号", copyno="000006", mark="秘密★2年",
    title="关于重点食品专项抽检计划的通知", date=(2025, 3, 5),
    main="各区县市场监督管理局，市食品检验所：",
    paras=[
        "为切实保障群众“舌尖上的安全”，经局党组研究，决定开展重点食品专项抽检，现将计划通知如下。",
        "一、2025年第二季度对全市校园周边、农贸市场和大型商超开展不打招呼的飞行抽检，重点抽检畜禽肉、蔬菜农残和婴幼儿配方食品，"
        "计划抽检批次为1850批，其中网络销售食品不少于300批。",
        "二、抽检时间、抽检对象和抽检点位在抽检实施前严格保密，抽样人员于出发当日上午方可领取任务清单，"
        "任何单位和个人不得提前向被抽检单位透露。",
        "三、对不合格产品，各区局应在收到检验报告后24小时内启动核查处置，涉嫌犯罪的及时移送公安机关。",
    ],
    scope="知悉范围：各区县局分管负责同志及抽检科室负责人",
    cc="抄送：市公安局食品药品犯罪侦查支队。", printer="青岚市市场监督管理局办公室",
)

S5 = dict(
    org="青岚市港口管理局", num="青港发〔2025〕5号", copyno="000011", mark="机密★10年",
    title="关于港口危险货物集中区安全防护部署方案的通知", date=(2025, 5, 12),
    main="北港区管委会，港口公安分局，北港消防救援站，各港口经营企业：",
    paras=[
        "为加强港口危险货物集中区安全防护，防范化解重大安全风险，现将部署方案通知如下。",
        "一、北港区危险货物集中区现有液化烃储罐14座，总罐容28万立方米，其中3号、5号罐组毗邻主航道，"
        "列为一级防护目标，由港口公安分局和消防救援站实行联合驻守。",
        "二、集中区设置三道防护圈：外圈以疏港大道为界，设立4个固定检查卡口；中圈为罐区围墙，"
        "配置周界入侵报警和热成像监控；内圈为罐组防火堤，非作业人员一律禁止进入。",
        "三、遇重大活动或上级预警时，集中区停止液化烃装卸作业，6号、7号泊位船舶离泊至锚地待命，应急拖轮2艘在北港池值守。",
    ],
    scope="知悉范围：北港区管委会、港口公安分局主要负责同志",
    cc="抄送：青岚海事局，市应急管理局。", printer="青岚市港口管理局办公室",
)

S6 = dict(
    org="青岚市民族宗教事务局", num="青民宗发〔2025〕4号", copyno="000004", mark="秘密★10年",
    title="关于民族团结重点工作情况的通报", date=(2025, 3, 20),
    main="各区县民族宗教事务局：",
    paras=[
        "现将今年以来全市民族团结重点工作情况通报如下。",
        "一、今年以来，全市排查涉及民族因素的矛盾纠纷37起，已化解33起，尚有4起涉及跨区县土地承包和务工欠薪问题，"
        "相关当事人情绪不稳，存在集体上访风险，由属地党委政府包案化解。",
        "二、岚西街道少数民族流动人口聚居区现有登记人员2100余人，个别人员与境外有联系，"
        "公安、民宗部门已落实重点人员动态管控措施，相关名单不得外传。",
        "三、各区县要在重要节点前开展一次全面排查，发现苗头性问题及时报告，防止个案演变为群体性事件。",
    ],
    scope="知悉范围：各区县民族宗教事务局主要负责同志",
    cc="抄送：市委统战部，市公安局国内安全保卫支队。", printer="青岚市民族宗教事务局办公室",
)

P7_2 = ("二、监测平台部署于市政务云灾备中心，平台探针点位清单、告警阈值和处置联系人名单属于国家秘密，"
        "不得在互联网和非涉密信息系统中存储、处理、传输。")
P7_3 = ("三、发现高危漏洞或疑似攻击行为的，运营单位应在1小时内报告市网信办，重大事件在30分钟内电话报告，"
        "并同步保存不少于6个月的网络日志。")
S7 = dict(
    org="中共青岚市委网络安全和信息化委员会办公室", num="青网信发〔2024〕9号", copyno="000009", mark="机密★5年",
    title="关于关键信息基础设施网络安全监测预警工作的通知", date=(2024, 8, 15),
    main="各关键信息基础设施运营单位，市公安局网安支队，市通信管理办公室：",
    paras=[
        "为做好关键信息基础设施网络安全监测预警工作，现就有关事项通知如下。",
        "一、全市已认定关键信息基础设施运营单位23家，涉及能源、交通、水利、金融、医疗卫生五个行业，"
        "市网信办会同公安、通信管理部门对其互联网出口实施7×24小时流量监测。",
        P7_2, P7_3,
        "四、本年度重点做好夏季防汛期间水利、电力调度系统的专项监测，监测结果每周报送一次。",
    ],
    scope="知悉范围：各运营单位网络安全负责人",
    cc="抄送：市委保密办。", printer="中共青岚市委网信办秘书科",
)

S7B = dict(
    org="中共青岚市委网络安全和信息化委员会办公室", num="青网信发〔2025〕6号", copyno="000003", mark="机密★5年",
    title="关于进一步做好关键信息基础设施网络安全监测预警工作的通知", date=(2025, 9, 1),
    main="各关键信息基础设施运营单位，市公安局网安支队，市通信管理办公室：",
    paras=[
        "为适应关键信息基础设施认定范围调整，现对监测预警工作有关事项重新通知如下。",
        "一、全市已认定关键信息基础设施运营单位27家，涉及能源、交通、水利、金融、医疗卫生、广播电视六个行业，"
        "市网信办会同公安、通信管理部门对其互联网出口实施7×24小时流量监测。",
        P7_2, P7_3,
        "四、各运营单位每季度开展一次攻防演练，演练报告于季度结束后10日内报送市网信办。",
        "本通知自印发之日起施行。《关于关键信息基础设施网络安全监测预警工作的通知》（青网信发〔2024〕9号）同时废止。",
    ],
    scope="知悉范围：各运营单位网络安全负责人",
    cc="抄送：市委保密办。", printer="中共青岚市委网信办秘书科",
)

S8 = dict(
    org="青岚市卫生健康委员会", num="青卫应急〔2025〕11号", copyno="000002", mark="绝密★启用前",
    title="关于突发公共卫生事件应急综合演练情景设计的通知", date=(2025, 10, 20),
    main="市突发公共卫生事件应急综合演练办公室：",
    paras=[
        "根据全市应急演练工作安排，现将综合演练情景设计印发你们，请严格按要求组织。",
        "一、演练以岚山国际机场入境航班发现3名疑似输入性新发传染病病例为初始情景，于演练当日9时30分由指挥部以电话方式临机导调，"
        "参演单位事先不掌握具体航班号和发病人数。",
        "二、第二阶段情景设定为市第三人民医院发热门诊出现聚集性病例，累计报告病例升至17例，"
        "要求疾控中心在2小时内完成流调初步报告，市急救中心调派负压救护车4台转运。",
        "三、情景脚本、导调卡和评估细则在演练结束前按绝密级管理，演练结束后由演练办公室统一回收。",
    ],
    scope="知悉范围：演练办公室导调组成员",
    cc="抄送：市应急管理局。", printer="青岚市卫生健康委员会办公室",
)

S9 = dict(
    org="青岚市气象局", num="青气发〔2025〕15号", copyno="000005", mark="秘密★2026年3月31日",
    title="关于重大活动气象保障工作方案的通知", date=(2025, 9, 10),
    main="各区县气象局，市气象台，市人工影响天气中心：",
    paras=[
        "为做好重大活动气象保障工作，现将工作方案通知如下。",
        "一、第十届全国少数民族传统体育运动会开幕式定于11月8日晚在岚湖体育中心举行，市气象局自11月1日起启动开幕式气象保障一级响应，"
        "在体育中心周边加密布设6套自动气象站和1部X波段相控阵雷达。",
        "二、开幕式当日如预报降水概率超过30%，由市人工影响天气指挥部在上游西岭、石门作业点组织消减雨作业，"
        "作业方案报活动执委会主任批准后实施。",
        "三、保障期间气象预报服务产品仅向执委会安保指挥部报送，不得通过公众渠道发布开幕式时段的专项预报。",
    ],
    scope="知悉范围：局领导班子成员，市气象台台长",
    cc="抄送：运动会执委会安保指挥部。", printer="青岚市气象局办公室",
)

N4 = dict(
    org="青岚市港口管理局", num="青港发〔2025〕9号", copyno="000007", mark="机密★10年",
    title="关于北港区“7·1”船舶碰撞事故情况的报告", date=(2025, 7, 3),
    main="市委、市政府：",
    paras=[
        "现将北港区“7·1”船舶碰撞事故有关情况报告如下。",
        "一、初步查明，外籍散货船“海鸥”轮在进港过程中偏离推荐航路约300米，引航员与船长沟通不畅，"
        "导致与出港的本地油品运输船发生碰撞，油船2号舱破损，泄漏柴油约3.5吨。",
        "二、事故造成油船船员1人死亡、2人受伤，外籍船方已委托其驻华代表处与我方接触，"
        "涉及船旗国交涉事宜由市外办统一对外，相关调查材料暂不对外提供。",
        "三、下一步，我局将配合海事部门彻查引航调度环节责任，对引航站负责人的处理意见另行报告。",
    ],
    scope="知悉范围：市委、市政府领导同志",
    cc="抄送：市外办，青岚海事局。", printer="青岚市港口管理局办公室",
)


def source_blocks(d, date=True, with_mark=True):
    b = []
    if with_mark and d.get("mark"):
        b += [("p", d["copyno"]), ("p", d["mark"])]
    b += [("p", d["org"] + "文件"), ("p", d["num"]), ("title", d["title"]), ("p", d["main"])]
    b += [("p", x) for x in d["paras"]]
    if d.get("table"):
        b.append(("table", d["table"]))
    b.append(("p", d["org"]))
    if date:
        b.append(("p", cn(*d["date"])))
    if d.get("scope") and with_mark and d.get("mark"):
        b.append(("p", "（" + d["scope"] + "）"))
    b.append(("p", d["cc"]))
    if date:
        b.append(("p", f"{d['printer']}　　{cn(*d['date'])}印发"))
    return b


# ----------------------------------------------------------------------------- writers
def write_docx(path: Path, blocks):
    doc = Document()
    cp = doc.core_properties
    cp.created = FIXED
    cp.modified = FIXED
    cp.author = "derived5"
    for kind, val in blocks:
        if kind == "p":
            doc.add_paragraph(val)
        elif kind == "title":
            doc.add_paragraph(val).alignment = 1
        elif kind == "table":
            t = doc.add_table(rows=len(val), cols=len(val[0]))
            for i, row in enumerate(val):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
        elif kind == "break":
            doc.add_page_break()
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(buf.getvalue())
    return path


def docx_bytes(blocks) -> bytes:
    with tempfile.TemporaryDirectory() as td:
        p = write_docx(Path(td) / "x.docx", blocks)
        return p.read_bytes()


def write_pdf(path: Path, blocks):
    with tempfile.TemporaryDirectory() as td:
        src = write_docx(Path(td) / (path.stem + ".docx"), blocks)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", td, str(src)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(td) / (path.stem + ".pdf"), path)


def write_xlsx(path: Path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    for r in rows:
        ws.append(r)
    ws.column_dimensions["A"].width = 30
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def write_pptx(path: Path, slides):
    """slides: list of (title, [text box strings], mark or None)."""
    prs = Presentation()
    prs.core_properties.created = FIXED
    prs.core_properties.modified = FIXED
    for title, boxes, mark in slides:
        s = prs.slides.add_slide(prs.slide_layouts[5])
        if mark:
            tb = s.shapes.add_textbox(Inches(0.2), Inches(0.05), Inches(3), Inches(0.5))
            tb.text_frame.text = mark
        s.shapes.title.text = title
        top = 1.6
        for text in boxes:
            tb = s.shapes.add_textbox(Inches(0.6), Inches(top), Inches(8.8), Inches(1.5))
            tf = tb.text_frame
            tf.word_wrap = True
            tf.text = text
            for para in tf.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(16)
            top += 1.7
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(path)


def write_eml(path: Path, subject, frm, to, date, body, attachments=()):
    m = EmailMessage()
    m["From"] = frm
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = format_datetime(date)
    m["Message-ID"] = f"<{path.stem}@derived5.qinglan.example>"
    m.set_content(body, charset="utf-8")
    for name, data in attachments:
        m.add_attachment(data, maintype="application",
                         subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(m.as_bytes())


# ----------------------------------------------------------------------------- helpers
def head(copyno, mark, org, num, title, main):
    b = []
    if mark:
        b += [("p", copyno), ("p", mark)]
    b += [("p", org + "文件" if num else org)]
    if num:
        b.append(("p", num))
    b += [("title", title), ("p", main)]
    return b


def tail(org, date, scope=None, cc=None, printer=None):
    b = [("p", org)]
    if date:
        b.append(("p", cn(*date) if isinstance(date, tuple) else date))
    if scope:
        b.append(("p", "（" + scope + "）"))
    if cc:
        b.append(("p", cc))
    if printer and date:
        b.append(("p", f"{printer}　　{cn(*date) if isinstance(date, tuple) else date}印发"))
    return b


def body(s, i):
    """paragraph i of source s without its leading 一、 numbering"""
    return re.sub(r"^[一二三四五六七八九十]+、", "", s["paras"][i])


def repunct(t):
    """re-punctuate and break lines the way a retyped PDF brief would"""
    t = t.replace("，", "；", 2).replace("。", "．")
    out, n = [], 0
    for ch in t:
        out.append(ch)
        n += 1
        if n % 23 == 0:
            out.append("\n")
    return "".join(out)


# ----------------------------------------------------------------------------- build
def build():
    if OUT.exists():
        shutil.rmtree(OUT)
    D = OUT

    # ---- sources
    for rel, s in [("rail/src_dispatch.docx", S1), ("weather/src_airspace.docx", S2),
                   ("health/src_stockpile.docx", S3), ("market/src_sampling.docx", S4),
                   ("port/src_hazard.docx", S5), ("ethnic/src_briefing.docx", S6),
                   ("cyber/src_monitor_2024.docx", S7), ("cyber/src_monitor_2025.docx", S7B),
                   ("health/src_drill.docx", S8), ("weather/src_event.docx", S9),
                   ("port/incident_report.docx", N4)]:
        write_docx(D / rel, source_blocks(s))

    # ---- rail
    write_xlsx(D / "rail/summary_dispatch.xlsx", [
        ["机密★10年"],
        ["春运重点列车调度保障汇总表"],
        ["填报单位：青岚东站", None, "填报日期：2025年1月15日"],
        S1["table"][0], S1["table"][1], S1["table"][2],
        ["说明", body(S1, 1)],
        ["依据", "青铁发〔2025〕12号"],
        ["知悉范围", "站长、分管副站长、调度室主任"],
    ])
    write_docx(D / "rail/minutes_paraphrase.docx", [
        ("title", "春运运输保障工作专题会议纪要"),
        ("p", "2025年1月14日，市铁路运输管理办公室召开春运运输保障工作专题会议，传达学习青铁发〔2025〕12号文件，研究部署落实措施。纪要如下。"),
        ("p", "会议认为，今年春运客流预计同比增长一成以上，东站方向夜间压力最大，要把预案准备在前面。"),
        ("p", "会议要求，两条夜间备用线路要随时可用，车组停放位置由东动车所负责看护，调度值班主任要全程在岗。"),
        ("p", "会议强调，立交桥管控和重点桥隧值守要和公安方面提前对接，人手不足的向护路联防办申请支援。"),
        ("p", "会议明确，旅客滞留时由青岚站腾出候车室临时安置，公交集团做好接驳车辆准备，具体数量按上级文件执行。"),
        ("p", "出席：张建国、李卫东、王海燕、赵明。记录：陈晓。"),
        ("p", "青岚市铁路运输管理办公室"),
        ("p", "2025年1月15日"),
    ])
    write_pdf(D / "rail/brief_lower.pdf",
              head("000003", "秘密★10年", "青岚东站", "", "春运安全保卫工作简报（第2期）", "站内各车间、各科室：") + [
                  ("p", "现将春运期间警卫护卫工作要求摘录如下，请各车间对照落实。"),
                  ("p", body(S1, 2)),
                  ("p", "各车间要在1月20日前将值守人员名单报站安全科。"),
              ] + tail("青岚东站", (2025, 1, 18), scope="知悉范围：站内各车间主任"))
    write_docx(D / "rail/register_2025.docx", [
        ("title", "2025年度涉密文件收文登记簿"),
        ("table", [["序号", "收文日期", "来文机关", "文号", "标题", "密级", "份号", "经办人"],
                   ["1", "2025年1月11日", "青岚市铁路运输管理办公室", "青铁发〔2025〕12号",
                    "关于春运期间重点列车调度保障方案的通知", "机密", "000015", "陈晓"],
                   ["2", "2025年4月3日", "青岚市气象局", "青气发〔2025〕7号",
                    "关于汛期人工影响天气作业空域协调的通知", "秘密", "000008", "陈晓"],
                   ["3", "2025年5月13日", "青岚市港口管理局", "青港发〔2025〕5号",
                    "关于港口危险货物集中区安全防护部署方案的通知", "机密", "000011", "王磊"]]),
        ("p", "登记人：陈晓　　审核人：张建国"),
    ])

    # ---- weather
    write_eml(D / "weather/fwd_airspace.eml", "转发：汛期人工影响天气作业空域协调要求",
              "西岭作业点 <xiling@qx.qinglan.example>", "南湖作业点 <nanhu@qx.qinglan.example>",
              dt.datetime(2025, 4, 8, 9, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))),
              "各位同事：\n\n市局汛期空域协调要求摘要如下，请各作业点对照执行。\n\n"
              + body(S2, 1) + "\n\n" + body(S2, 2) + "\n\n"
              "有问题请与我联系。\n\n西岭作业点　刘强\n2025年4月8日\n")
    write_docx(D / "weather/station_cn_date.docx",
               head("000012", "秘密★5年", "青岚市石门区气象局", "石气发〔2025〕3号",
                    "关于加强人工影响天气作业点弹药管理的通知", "石门作业点，区人工影响天气办公室：") + [
                   ("p", "根据市气象局青气发〔2025〕7号文件要求，结合我区实际，现就作业点弹药管理通知如下。"),
                   ("p", S2["paras"][2]),
                   ("p", "二、石门作业点每月末对弹药库进行一次清点，清点结果由两名管理员签字后报区局。"),
               ] + tail("青岚市石门区气象局", "二〇二五年五月六日", scope="知悉范围：石门作业点全体作业人员",
                        cc="抄送：市气象局。"))
    write_docx(D / "weather/cite_only.docx",
               head("", "", "青岚市气象局办公室", "青气办〔2025〕9号", "关于做好汛期人工影响天气作业准备工作的通知",
                    "各区县气象局：") + [
                   ("p", "汛期将至，请各区县局按照青气发〔2025〕7号文件要求，抓紧做好作业人员培训、装备检修和作业点安全检查等准备工作。"),
                   ("p", "各区县局于5月10日前将准备情况报市局减灾处。"),
               ] + tail("青岚市气象局办公室", (2025, 4, 20)))
    write_docx(D / "weather/above_top.docx",
               head("000001", "绝密★30年", "青岚市南湖区气象局", "南气发〔2025〕2号",
                    "关于南湖作业点汛期作业组织的通知", "南湖作业点：") + [
                   ("p", "现将汛期作业组织要求通知如下。"),
                   ("p", S2["paras"][1]),
                   ("p", S2["paras"][3]),
               ] + tail("青岚市南湖区气象局", (2025, 4, 25), scope="知悉范围：南湖作业点指挥员"))
    write_docx(D / "weather/event_plan.docx",
               head("000009", "秘密★1年", "青岚市气象台", "青气台发〔2025〕4号",
                    "关于运动会开幕式气象服务保障的实施方案", "台内各科室：") + [
                   ("p", "根据市局工作方案，制定本实施方案。"),
                   ("p", "一、" + body(S9, 2)),
                   ("p", "二、预报科自11月5日起每日两次向市局报送开幕式时段滚动预报。"),
               ] + tail("青岚市气象台", (2025, 10, 15), scope="知悉范围：台领导，预报科科长"))
    write_pptx(D / "weather/event_slides.pptx", [
        ("运动会气象保障工作汇报", ["青岚市气象局　2026年1月"], None),
        ("一、保障部署", [body(S9, 1)], None),
        ("二、保障成效", ["开幕式期间未出现降水，各项预报服务准确及时，受到执委会表扬。"], None),
    ])

    # ---- health
    write_xlsx(D / "health/stock_table.xlsx", [
        ["应急物资储备点位汇总表"],
        ["填报单位：市疾病预防控制中心", None, "填报日期：2025年3月1日"],
        ["储备库", "物资", "数量"],
        ["城东库", "医用防护服", "12万套"],
        ["城东库", "N95口罩", "80万只"],
        ["岚山库", "负压救护车", "8台"],
        ["备注", body(S3, 1)],
    ])
    write_docx(D / "health/fwd_undated.docx",
               head("", "", "岚山区卫生健康局", "岚山卫发〔2025〕6号",
                    "关于转发《关于突发急性传染病应急物资储备布局的通知》的通知",
                    "各街道社区卫生服务中心，区疾病预防控制中心：") + [
                   ("p", "现将市卫生健康委《关于突发急性传染病应急物资储备布局的通知》（青卫应急〔2025〕3号）转发给你们，请认真贯彻执行。"),
                   ("p", "岚山区卫生健康局"),
                   ("break", None),
               ] + source_blocks(S3))
    write_pdf(D / "health/district_plan.pdf",
              head("000004", "机密★15年", "青岚市城东区卫生健康局", "城卫发〔2025〕8号",
                   "关于区级应急物资储备点建设的实施意见", "各街道社区卫生服务中心：") + [
                  ("p", "为落实市级储备布局要求，现就区级储备点建设提出如下意见。"),
                  ("p", "一、" + body(S3, 2)),
                  ("p", "二、" + body(S3, 3)),
                  ("p", "三、区级储备点由区疾控中心负责日常管理，每季度盘点一次。"),
              ] + tail("青岚市城东区卫生健康局", (2025, 3, 25), scope="知悉范围：各中心主任"))
    write_docx(D / "health/drill_notice.docx",
               head("", "", "青岚市第三人民医院", "", "关于做好应急综合演练准备工作的通知", "院内各科室：") + [
                   ("p", "市里将于近期组织突发公共卫生事件应急综合演练，我院为参演单位。为做好准备，现通知如下。"),
                   ("p", "一、演练情景：" + body(S8, 2)),
                   ("p", "二、发热门诊、感染科、急诊科于10月31日前完成人员分组和物资检查。"),
               ] + tail("青岚市第三人民医院医务科", (2025, 10, 24)))

    # ---- market
    att = docx_bytes(
        head("000010", "秘密★2年", "青岚市岚西区市场监督管理局", "岚西市监发〔2025〕5号",
             "关于落实重点食品专项抽检计划的工作方案", "局内各科室、各市场监管所：") + [
            ("p", "根据市局《关于重点食品专项抽检计划的通知》（青市监发〔2025〕21号）要求，制定本方案。"),
            ("p", S4["paras"][1]),
            ("p", S4["paras"][2]),
            ("p", "三、本区承担抽检任务210批，由食品抽检科统一调度。"),
        ] + tail("青岚市岚西区市场监督管理局", (2025, 3, 12), scope="知悉范围：局领导，食品抽检科"))
    write_eml(D / "market/mail_plan.eml", "报送：岚西区重点食品专项抽检工作方案",
              "岚西区市场监管局 <lanxi@scjg.qinglan.example>", "市市场监管局食品抽检处 <cj@scjg.qinglan.example>",
              dt.datetime(2025, 3, 12, 16, 40, tzinfo=dt.timezone(dt.timedelta(hours=8))),
              "食品抽检处：\n\n按照青市监发〔2025〕21号文件要求，我局已制定专项抽检工作方案，现报送备案，详见附件。\n\n"
              "岚西区市场监督管理局食品抽检科\n2025年3月12日\n",
              attachments=[("fangan.docx", att)])
    write_docx(D / "market/above_jimi.docx",
               head("000002", "机密★10年", "青岚市食品检验所", "青食检发〔2025〕2号",
                    "关于专项抽检任务清单管理的通知", "所内各检验室：") + [
                   ("p", "为落实市局专项抽检计划，现就任务清单管理通知如下。"),
                   ("p", S4["paras"][2]),
                   ("p", "二、任务清单由所办公室专人保管，抽检结束后统一回收销毁。"),
               ] + tail("青岚市食品检验所", (2025, 3, 18), scope="知悉范围：所领导，各检验室主任"))
    PUB = [
        "近日，青岚市市场监督管理局组织抽检粮食加工品、食用油、肉制品、乳制品等12大类食品共计1260批次，"
        "检出不合格样品15批次，总体合格率为98.8%。",
        "对抽检发现的不合格食品，市市场监督管理局已责成相关区县局立即组织核查处置，依法查处违法行为，"
        "督促企业查清产品流向、召回不合格产品、分析原因进行整改。",
        "消费者如发现不合格食品仍在销售的，可拨打投诉举报电话12315进行投诉举报。",
    ]
    write_docx(D / "market/public_notice.docx", [
        ("p", "青岚市市场监督管理局"),
        ("title", "关于2025年第一季度食品安全监督抽检情况的通告"),
        ("p", "2025年第8号"),
    ] + [("p", x) for x in PUB] + [("p", "特此通告。"), ("p", "青岚市市场监督管理局"), ("p", "2025年4月10日")])
    write_docx(D / "market/policy_explain.docx", [
        ("title", "《关于2025年第一季度食品安全监督抽检情况的通告》政策解读"),
        ("p", "一、发布背景。为保障公众知情权，市市场监督管理局按季度向社会公布食品安全监督抽检结果。"),
        ("p", "二、主要内容。" + PUB[0] + PUB[1]),
        ("p", "三、公众关注。" + PUB[2]),
        ("p", "青岚市市场监督管理局"),
        ("p", "2025年4月11日"),
    ])
    INTRO = ("青岚市市场监督管理局是市政府工作部门，为正处级，加挂市知识产权局牌子，内设办公室、法规科、登记注册科、"
             "食品生产监管科、食品经营监管科、特种设备安全监察科等18个科室，下辖9个区县市场监督管理局和市食品检验所、"
             "市特种设备检验所2个直属事业单位，共有干部职工1460余人。")
    write_docx(D / "market/intro_a.docx", [
        ("title", "青岚市市场监督管理局2024年工作总结"),
        ("p", "一、单位基本情况。" + INTRO),
        ("p", "二、主要工作成效。全年新增市场主体3.2万户，办理各类投诉举报4.1万件，为消费者挽回经济损失1800余万元。"),
        ("p", "青岚市市场监督管理局"), ("p", "2025年1月8日"),
    ])
    write_docx(D / "market/intro_b.docx", [
        ("title", "青岚市市场监督管理局2025年部门预算编制说明"),
        ("p", "一、部门职责及机构设置。" + INTRO),
        ("p", "二、收支预算总体情况。2025年部门收支预算总额2.36亿元，比上年下降3.1%，主要是一般性支出压减。"),
        ("p", "青岚市市场监督管理局"), ("p", "2025年2月14日"),
    ])

    # ---- port
    write_pptx(D / "port/report_slides.pptx", [
        ("北港区危险货物集中区安全防护工作汇报", ["北港区管委会　2025年6月"], None),
        ("一、部署依据", ["按照市港口管理局《关于港口危险货物集中区安全防护部署方案的通知》要求，我区细化了防护措施。"], None),
        ("二、防护体系", [body(S5, 2)], None),
        ("三、下一步工作", ["完成卡口智能化改造，提升热成像监控覆盖率。"], None),
    ])
    write_docx(D / "port/fwd_marked.docx",
               head("000006", "机密★10年", "青岚市北港区管理委员会", "北港管发〔2025〕14号",
                    "关于转发《关于港口危险货物集中区安全防护部署方案的通知》的通知",
                    "区应急管理局，区内各港口经营企业：") + [
                   ("p", "现将市港口管理局《关于港口危险货物集中区安全防护部署方案的通知》（青港发〔2025〕5号）转发给你们，请结合实际认真抓好落实。"),
               ] + tail("青岚市北港区管理委员会", (2025, 5, 20), scope="知悉范围：区应急管理局、各企业主要负责人")
               + [("break", None)] + source_blocks(S5))
    write_docx(D / "port/request_paraphrase.docx",
               head("", "", "青岚市北港区管理委员会", "北港管〔2025〕19号", "关于申请危险货物集中区防护设施建设资金的请示",
                    "市人民政府：") + [
                   ("p", "为落实市港口管理局《关于港口危险货物集中区安全防护部署方案的通知》，我区需对集中区防护设施进行升级改造。现将有关情况请示如下。"),
                   ("p", "按照方案，集中区要分层设防，外层依托疏港大道布设检查卡口，中间层沿罐区围墙增设报警和监控设备，最内层封闭管理。目前我区卡口设施老旧，围墙监控存在盲区。"),
                   ("p", "经测算，卡口改造、监控补盲和防火堤加固共需资金约2860万元，区财政可承担1000万元，缺口1860万元，恳请市政府予以支持。"),
                   ("p", "妥否，请批示。"),
               ] + tail("青岚市北港区管理委员会", (2025, 6, 9)) + [("p", "（联系人：周斌，电话：0591-88012345）")])
    write_pdf(D / "port/news_release.pdf", [
        ("title", "北港区水域一起船舶碰撞事故得到妥善处置"),
        ("p", "本报讯　7月1日凌晨，北港区附近水域发生一起两船碰撞事故。事故发生后，市、区两级迅速启动应急响应，海事、港口、消防等部门第一时间赶赴现场开展搜救和污染防控。"),
        ("p", "目前，受伤人员已送医救治，现场溢油已基本清除，港区通航秩序正常。事故原因正在进一步调查中。"),
        ("p", "（青岚日报记者　林晨）"),
        ("p", "2025年7月2日"),
    ])
    write_pdf(D / "port/brief_repunct.pdf",
              head("", "", "北港石化码头有限公司", "", "安全生产工作提示", "公司各部门：") + [
                  ("p", "近期集中区安全防护要求较多，现提示如下："),
                  ("p", repunct(body(S5, 1).replace("总罐容28万立方米", "总罐容约28万立方米"))),
                  ("p", repunct(body(S5, 3))),
                  ("p", "请各部门组织员工学习。"),
              ] + tail("北港石化码头有限公司安全环保部", (2025, 6, 2)))

    # ---- ethnic
    write_pptx(D / "ethnic/slides_marked.pptx", [
        ("民族团结工作形势分析", ["青岚市民族宗教事务局　2025年4月"], "000003\n秘密★10年"),
        ("一、矛盾纠纷排查化解", [body(S6, 1)], None),
        ("二、下一步工作", ["加强重点人群服务管理，深化民族团结进步创建。"], None),
    ])
    write_docx(D / "ethnic/district_a.docx",
               head("", "", "岚西街道办事处", "", "关于加强流动人口服务管理工作的通知", "各社区居委会：") + [
                   ("p", "为做好辖区流动人口服务管理，现通知如下。"),
                   ("p", "一、基本情况。" + body(S6, 2)),
                   ("p", "二、各社区要加强入户走访，做好就业、就学等服务工作。"),
               ] + tail("岚西街道办事处", (2025, 4, 2)))
    write_docx(D / "ethnic/district_b.docx",
               head("000005", "秘密★10年", "青岚市岚西区民族宗教事务局", "岚西民宗发〔2025〕2号",
                    "关于做好重要节点前民族领域风险排查的通知", "各街道统战办：") + [
                   ("p", "根据市民族宗教事务局通报精神，现通知如下。"),
                   ("p", "一、" + body(S6, 2)),
                   ("p", "二、各街道于4月15日前将排查情况报区局。"),
               ] + tail("青岚市岚西区民族宗教事务局", (2025, 4, 3), scope="知悉范围：各街道统战办主任"))
    doc_tbl = head("000008", "秘密★10年", "青岚市岚东区民族宗教事务局", "岚东民宗发〔2025〕3号",
                   "关于矛盾纠纷包案化解工作的通知", "各街道统战办：") + [
        ("p", "现就矛盾纠纷包案化解工作通知如下。"),
        ("p", "一、市局通报指出，" + body(S6, 1)),
        ("p", "二、涉及我区的1起纠纷由区委统战部牵头包案，4月底前化解到位。"),
        ("table", [["", "青岚市岚东区民族宗教事务局"], ["", "2025年4月8日"]]),
        ("p", "（知悉范围：各街道统战办主任）"),
        ("p", "抄送：区委统战部。"),
    ]
    write_docx(D / "ethnic/table_date.docx", doc_tbl)

    # ---- cyber
    write_docx(D / "cyber/ops_notice.docx",
               head("000004", "机密★5年", "青岚市大数据中心", "青数发〔2026〕1号",
                    "关于政务云灾备中心监测设施运维管理的通知", "中心各部门，各运维服务商：") + [
                   ("p", "为保障政务云灾备中心监测设施安全稳定运行，现就运维管理通知如下。"),
                   ("p", P7_2),
                   ("p", "二、运维人员进入灾备中心机房须双人进出，全程登记。"),
               ] + tail("青岚市大数据中心", (2026, 1, 12), scope="知悉范围：中心领导，运维部负责人"))
    write_docx(D / "cyber/stock_a.docx",
               head("", "", "青岚市教育局", "青教发〔2025〕30号", "关于开展2025年国家网络安全宣传周校园日活动的通知",
                    "各区县教育局，市直各学校：") + [
                   ("p", STOCK + "为提升师生网络安全意识和防护技能，现就开展网络安全宣传周校园日活动通知如下。"),
                   ("p", "一、活动时间为9月15日至21日，各学校要组织开展主题班会、知识竞赛和网络安全进课堂等活动。"),
               ] + tail("青岚市教育局", (2025, 9, 5)))

    # ---- misc
    write_docx(D / "misc/stock_b.docx",
               head("", "", "青岚市文化和旅游局", "青文旅发〔2025〕11号", "关于做好2025年国庆假期旅游安全工作的通知",
                    "各区县文化和旅游局，各A级旅游景区：") + [
                   ("p", STOCK + "为确保国庆假期全市旅游市场安全有序，现就有关工作通知如下。"),
                   ("p", "一、各景区要严格落实限量、预约、错峰要求，做好游客流量监测和疏导。"),
               ] + tail("青岚市文化和旅游局", (2025, 9, 22)))
    write_docx(D / "misc/law_quote.docx", [
        ("title", "保密宣传月学习材料：机关工作人员保密义务"),
        ("p", "《中华人民共和国保守国家秘密法》第十五条规定：“国家秘密的保密期限，应当根据事项的性质和特点，"
              "按照维护国家安全和利益的需要，限定在必要的期限内；不能确定期限的，应当确定解密的条件。”"),
        ("p", "机关工作人员在派生定密时，应当以所依据的国家秘密事项的密级、保密期限和知悉范围为准，不得擅自改变。"),
        ("p", "青岚市国家保密局"), ("p", "2025年5月8日"),
    ])
    comp_ok = [("p", "000002"), ("p", "机密★10年"), ("title", "2025年度重要涉密文件汇编（第一辑）"),
               ("p", "（知悉范围：本局领导班子成员）"), ("p", "青岚市人民政府办公室秘书一科编"),
               ("p", "目　录"),
               ("p", "1．关于春运期间重点列车调度保障方案的通知（青铁发〔2025〕12号）"),
               ("p", "2．关于民族团结重点工作情况的通报（青民宗发〔2025〕4号）"),
               ("break", None)] + source_blocks(S1) + [("break", None)] + source_blocks(S6)
    write_docx(D / "misc/compilation_ok.docx", comp_ok)
    comp_short = [("p", "000001"), ("p", "机密★5年"), ("title", "港口和市场监管涉密文件选编"),
                  ("p", "（知悉范围：市政府分管副秘书长）"), ("p", "青岚市人民政府办公室秘书二科编"),
                  ("p", "目　录"),
                  ("p", "1．关于港口危险货物集中区安全防护部署方案的通知"),
                  ("p", "2．关于重点食品专项抽检计划的通知"),
                  ("break", None)] + source_blocks(S5) + [("break", None)] + source_blocks(S4)
    write_docx(D / "misc/compilation_short.docx", comp_short)


# ----------------------------------------------------------------------------- self-checks
def _norm(t):
    return re.sub(r"[\s\W_]+", "", t)


def _lcs(a, b):
    a, b = _norm(a), _norm(b)
    best = 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def check():
    """paraphrases and the news release must share no run of 30 normalised characters with their source"""
    from docx import Document as D2
    def txt(p):
        return "\n".join(x.text for x in D2(p).paragraphs)
    src1 = "\n".join(S1["paras"])
    para = txt(OUT / "rail/minutes_paraphrase.docx")
    assert _lcs(src1, para) < 30, _lcs(src1, para)
    src5 = "\n".join(S5["paras"])
    req = txt(OUT / "port/request_paraphrase.docx")
    assert _lcs(src5, req.replace("《关于港口危险货物集中区安全防护部署方案的通知》", "")) < 30
    news = "7月1日凌晨，北港区附近水域发生一起两船碰撞事故。事故发生后，市、区两级迅速启动应急响应，海事、港口、消防等部门第一时间赶赴现场开展搜救和污染防控。目前，受伤人员已送医救治，现场溢油已基本清除，港区通航秩序正常。事故原因正在进一步调查中。"
    assert _lcs("\n".join(N4["paras"]), news) < 30
    print("self-checks ok")


if __name__ == "__main__":
    build()
    check()
    n = sum(1 for p in OUT.rglob("*") if p.is_file())
    print(f"{n} files in {OUT}")
