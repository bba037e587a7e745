"""Write the second evaluation set: documents for the health catalogue (rules/catalogs/health.yaml),
a field the matcher was not developed on, labelled by what a careful reviewer would decide.

Written and labelled before the matcher was changed for it (see docs/catalogue.md for the scores
before and after). Four groups:

- covered: the matter of an item stated as a live fact, once marked as the item says (nothing
  expected) and once marked wrongly (the verdict expected);
- routine: ordinary office matters marked 秘密 "to be safe" (NO_BASIS);
- public: public health notices, no mark (nothing);
- hard: the item's words occur but the text is not about the secret matter — negated, a title
  of another document, study or training material about a past event or a published rule,
  already public, instructional or hypothetical wording, words scattered across a long text —
  unmarked (nothing expected) or marked (NO_BASIS); and a few where a discounted occurrence
  stands beside a real one (the real one decides).

Run ``python tests/data/eval2/make_eval2.py`` to regenerate ``docs/`` and ``labels.tsv``.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

# item, level, the correct term, a wrong mark and the verdict it draws, the content (paragraphs)
COVERED: list[tuple[str, str, str, str | None, str, list[str]]] = [
    ("HLT-01", "机密", "依法公布前", "秘密★1年", "UNDER_CLASSIFIED",
     ["3月12日，某县人民医院报告1例疑似腺鼠疫病例，经省疾控中心实验室复核确诊。",
      "目前该起鼠疫疫情已划定疫点，密切接触者14人全部落实隔离医学观察。"]),
    ("HLT-01", "机密", "依法公布前", None, "UNMARKED_MATCH",
     ["据省疾控中心监测，沿海某市近日发生一起霍乱疫情，已报告确诊病例6例。",
      "疫情源头初步判断为受污染的海产品，流行病学调查仍在进行。"]),
    ("HLT-02", "机密", "20年", "秘密★10年", "UNDER_CLASSIFIED",
     ["经核查，省菌毒种保藏中心现保藏高致病性病原微生物毒株52株、样本310份。",
      "保藏库位于中心实验楼地下一层，实行双人双锁管理。"]),
    ("HLT-02", "机密", "20年", None, "UNMARKED_MATCH",
     ["根据年度清点结果，本所保藏的菌（毒）种共计87株，其中高致病性病原微生物12株，",
      "均存放于三号楼保藏室液氮罐内。"]),
    ("HLT-03", "机密", "10年", "绝密★10年", "OVER_CLASSIFIED",
     ["省疾控中心P3实验室安保方案已完成修订。",
      "修订后的方案在实验室主入口增设虹膜门禁，夜间由两名保卫人员值守，监控录像保存90天。"]),
    ("HLT-03", "机密", "10年", None, "UNMARKED_MATCH",
     ["为迎接生物安全专项检查，现将生物安全三级实验室安全保卫方案印发给你们。",
      "方案明确了实验室周界防护、出入登记和应急处置流程。"]),
    ("HLT-04", "秘密", "10年", "机密★10年", "OVER_CLASSIFIED",
     ["截至9月底，省级医药储备库点分布在6个设区市，共8处。",
      "储备数量为：新冠疫苗120万剂、抗病毒药物35万人份、医用防护服60万套。"]),
    ("HLT-04", "秘密", "10年", None, "UNMARKED_MATCH",
     ["根据储备轮换计划，现将省级医药储备调整后的储备数量和储备库点通报如下，",
      "各承储企业应于月底前完成轮换入库。"]),
    ("HLT-05", "机密", "20年", "秘密★10年", "UNDER_CLASSIFIED",
     ["保健对象李某于本月接受年度体检，体检结果显示血压偏高，",
      "病历资料已由保健办专人归档保管。"]),
    ("HLT-05", "机密", "20年", None, "UNMARKED_MATCH",
     ["现将一季度保健对象健康状况汇总报告如下：",
      "全部保健对象中，有3人需进一步复查，已安排专家会诊。"]),
    ("HLT-06", "秘密", "采购完成前", "机密★采购完成前", "OVER_CLASSIFIED",
     ["经采购领导小组研究，本轮国家免疫规划疫苗集中采购的谈判底价确定为：",
      "乙肝疫苗每剂9.5元，百白破疫苗每剂4.2元。"]),
    ("HLT-06", "秘密", "采购完成前", None, "UNMARKED_MATCH",
     ["关于流感疫苗集中采购，采购底价按去年中标价下浮5%确定，",
      "请谈判小组据此开展议价。"]),
    ("HLT-07", "秘密", "方案实施前", "机密★方案实施前", "OVER_CLASSIFIED",
     ["针对某区发生的聚集性突发公共卫生事件，指挥部拟于明日零时启动封控方案，",
      "封控范围为三个小区，人员转运方案由市卫健委牵头落实。"]),
    ("HLT-07", "秘密", "方案实施前", None, "UNMARKED_MATCH",
     ["本次突发公共卫生事件处置中，人员转运方案拟动用负压救护车20辆，",
      "转运路线和集中隔离点安排详见附件，实施前不得外传。"]),
    ("HLT-08", "秘密", "10年", "机密★10年", "OVER_CLASSIFIED",
     ["全市医疗机构共有放射源23枚，放射源数量和存放位置统计如下：",
      "市肿瘤医院12枚，存放于放疗科地下机房。"]),
    ("HLT-08", "秘密", "10年", None, "UNMARKED_MATCH",
     ["经排查，辖区内医疗机构的放射源贮存位置均已加装双人双锁和视频监控，",
      "放射源台账已更新。"]),
    ("HLT-09", "秘密", "公布前", "机密★公布前", "OVER_CLASSIFIED",
     ["专家组对全省呼吸道传染病疫情趋势预测研判如下：",
      "预计下月中旬出现发病高峰，日新增病例可能达到现有水平的三倍。"]),
    ("HLT-09", "秘密", "公布前", None, "UNMARKED_MATCH",
     ["现将第12期疫情研判报告报送省应急指挥部，",
      "报告认为本轮疫情仍处于上升期，建议提前扩充定点医院床位。"]),
    ("HLT-10", "秘密", "5年", "秘密★10年", "PERIOD_ABOVE_CATALOG",
     ["截至本周，全省血液战略储备库存量为3.2万单位，",
      "可满足全省8天临床用血；调配预案已报省卫健委备案。"]),
    ("HLT-10", "秘密", "5年", "秘密★2035年12月31日", "PERIOD_ABOVE_CATALOG",
     ["现将全省血液战略储备库存量月报报送如下：", "红细胞类库存量2.8万单位，血小板库存量可满足5天需求。"]),
    ("HLT-10", "秘密", "5年", "秘密★72个月", "PERIOD_ABOVE_CATALOG",
     ["为保障重大活动期间用血安全，省血液中心修订了血液调配预案，", "明确了跨市调配的启动条件和运输保障措施。"]),
    ("HLT-10", "秘密", "5年", "秘密★36个月", "",
     ["根据最新统计，全省血液库存量较上月增加一成，", "战略储备部分已按规定轮换。"]),
    ("HLT-10", "秘密", "5年", "秘密★2030年12月31日", "",
     ["省血液中心对血液战略储备的库存量进行了核查，", "各储备点库存符合规定。"]),
    ("HLT-03", "机密", "10年", "机密★20年", "PERIOD_ABOVE_CATALOG",
     ["P4实验室安保方案经专家论证后定稿，", "实验区实行三级门禁，保卫人员24小时驻守。"]),
    ("HLT-03", "机密", "10年", "机密★2040年6月30日", "PERIOD_ABOVE_CATALOG",
     ["现将生物安全四级实验室安全保卫方案的调整情况报告如下：", "新增周界震动报警，出入人员实行双人陪同。"]),
    ("HLT-03", "机密", "10年", "秘密★10年", "UNDER_CLASSIFIED",
     ["省疾控中心生物安全三级实验室安防方案已报公安机关备案，", "方案对病原微生物样本出入库实行全程监控。"]),
    ("HLT-10", "秘密", "5年", None, "UNMARKED_MATCH",
     ["为应对节假日用血高峰，省血液中心制定了血液调配预案，",
      "明确各中心血站之间的血液库存量调剂办法。"]),
]

ROUTINE = [
    ["请各处室于周四下午参加机关作风建设推进会。"],
    ["现将本委2027年度干部职工培训计划印发给你们，请认真组织实施。"],
    ["春节期间值班安排表已排定，请值班人员保持通讯畅通。"],
    ["为做好机关节能工作，请各处室下班前关闭电源。"],
    ["本委定于下月组织开展健康知识竞赛，请各单位踊跃报名。"],
    ["请各处室于月底前报送年度政务信息工作总结。"],
    ["机关食堂将于下周一起试行网上订餐，请大家关注通知。"],
    ["现将第三季度信访工作情况通报如下：共受理信访件28件，均已办结。"],
]

PUBLIC = [
    ["为预防秋冬季呼吸道传染病，请广大市民勤洗手、常通风，出现发热症状及时就医。"],
    ["省卫健委发布今年第一季度法定传染病疫情概况，全省共报告法定传染病病例1.2万例。"],
    ["世界献血者日宣传活动将于6月14日在省体育中心举行，欢迎市民参加无偿献血。"],
    ["全省二级以上医疗机构将全面推行检查检验结果互认，减轻群众就医负担。"],
    ["即日起，65岁以上老年人可在社区卫生服务中心免费接种流感疫苗。"],
    ["省卫健委公开招聘事业单位工作人员，报名时间为3月1日至3月10日。"],
]

# hard negatives: (mark or None, expected verdicts, why, paragraphs)
HARD: list[tuple[str | None, str, str, list[str]]] = [
    # negated or ruled out
    (None, "", "negated: the inspection did not cover storage",
     ["本次安全生产检查的范围为各单位消防设施和用电安全，不涉及菌毒种保藏场所，",
      "也未查阅任何保藏记录。"]),
    (None, "", "negated: the meeting did not discuss the floor price",
     ["会议听取了疫苗配送企业的服务情况汇报，未讨论疫苗谈判底价问题，",
      "下一步将继续做好配送保障。"]),
    (None, "", "ruled out: no blood shortage plan needed",
     ["经评估，本市目前无需启动血液调配预案，血液库存量处于正常水平，", "请各医院按计划用血。"]),
    ("秘密★1年", "NO_BASIS", "marked, but the text rules the matter out",
     ["本次专项检查不涉及放射源存放位置等内容，仅检查放射诊疗许可证件是否齐全。"]),
    # cited as the title of another document
    (None, "", "cited: an old plan listed for destruction",
     ["根据档案清理工作安排，下列文件已到期清理销毁：", "《示例省菌毒种保藏管理实施方案（2012年版）》及其附件；",
      "《关于做好2015年度办公用品采购工作的通知》。"]),
    (None, "", "cited: a superseded notice on plague",
     ["《关于做好鼠疫疫情防控工作的通知》（示卫发〔2016〕12号）自本通知印发之日起废止，",
      "各地按新的工作规范执行。"]),
    ("秘密★5年", "NO_BASIS", "marked, but the item's words are only a document title",
     ["现将《示例省医药储备库点分布和储备数量管理规定》的修订说明印发给你们，",
      "请结合工作实际提出意见。"]),
    # study or training material about a past event or a published rule
    (None, "", "a lecture about a historical epidemic",
     ["讲稿：回顾1910年东北鼠疫疫情防控历史", "伍连德博士在哈尔滨设立防疫机构，推行隔离和火葬等措施，",
      "这次疫情的防控经验对今天仍有借鉴意义。"]),
    (None, "", "study notes on a published regulation",
     ["学习《突发公共卫生事件应急条例》体会", "条例对突发公共卫生事件的报告、封控方案的制定和人员转运方案的审批作了规定，",
      "我们要认真学习，提高依法防控能力。"]),
    ("秘密★1年", "NO_BASIS", "marked training material about the rules of storage",
     ["培训材料：病原微生物实验室生物安全管理", "一、菌毒种保藏的基本要求：保藏机构应当建立严格的管理制度。",
      "二、高致病性病原微生物的运输须经审批。"]),
    (None, "", "news report on a past, published event",
     ["新闻报道：去年我省成功处置一起霍乱疫情，", "相关情况已由省政府新闻办向社会通报，疫情未出现扩散。"]),
    # already public or decided
    (None, "", "already published by a press conference",
     ["某市霍乱疫情信息已于3月5日在新闻发布会上公开通报，", "现将发布会答问口径转发给你们。"]),
    (None, "", "already approved and made public",
     ["省卫健委已批复并公开发布本年度疫情趋势预测研判结果，", "请各地参照做好防控准备。"]),
    # instructional or hypothetical wording
    (None, "", "instructional: what to do if plague appears",
     ["各级医疗机构发现鼠疫疫情的，要立即报告；对瞒报、缓报疫情的，依法依规严肃处理。"]),
    (None, "", "hypothetical: an exercise scenario",
     ["如发生霍乱疫情，应按照应急预案启动响应，", "本次演练假定某县出现聚集性病例，检验各部门协同能力。"]),
    (None, "", "instructional: duties of storing units",
     ["保藏机构应当对保藏的菌（毒）种建立档案，", "不得擅自向外单位提供；违反规定的，依法处理。"]),
    (None, "", "instructional: duties on radiation sources",
     ["医疗机构应当如实登记放射源数量和存放位置；发现放射源丢失的，要立即报告；",
      "对隐瞒不报的，依法追究责任。"]),
    # words scattered through a long text
    (None, "", "scattered: storage and strains far apart in a long opinion",
     ["关于加强公共卫生体系建设的实施意见", "一、总体要求。坚持预防为主，完善疾病预防控制体系。",
      "二、提升监测预警能力。建设全省统一的传染病监测信息系统，提高早期发现能力。",
      "三、加强实验室检测网络建设。推动市级疾控中心实验室达标建设，完善样本运输和保藏制度。",
      "四、强化应急物资保障。完善物资储备轮换机制，提高应急调运效率。",
      "五、加强人才队伍建设。扩充公共卫生专业人员编制，完善激励机制。",
      "六、深化医防融合。推进医疗机构与疾控机构信息共享，做好病原学检测。",
      "七、加强组织领导。各地要将公共卫生体系建设纳入重要议事日程。",
      "八、加强科研攻关。支持开展病原微生物基础研究和菌毒种资源利用研究。"]),
    (None, "", "scattered: blood and reserves in unrelated paragraphs",
     ["关于做好年度卫生健康工作的通知", "一、深化医药卫生体制改革，推进分级诊疗。",
      "二、完善医疗服务价格形成机制，做好医保支付方式改革。",
      "三、加强血液安全管理，推进无偿献血宣传。", "四、做好应急物资战略储备的日常维护，完善轮换制度。",
      "五、加强基层医疗卫生服务能力建设。"]),
    ("秘密★3年", "NO_BASIS", "marked, and the item's words are scattered",
     ["关于2027年度卫生健康统计工作的安排", "一、做好疫情统计报表的按时报送。",
      "二、规范各类卫生资源统计口径。", "三、做好年度卫生健康事业发展统计公报的编制工作。",
      "四、开展统计人员培训，提高数据质量，加强趋势预测等分析方法的学习。"]),
    (None, "", "negated: the unit never stored any strain",
     ["经核实，该单位从未保藏过任何菌毒种，也不具备高致病性病原微生物实验活动资质。"]),
    (None, "", "cited: titles of training courses",
     ["本年度继续教育课程包括《医疗机构放射源存放位置管理规范解读》《医疗质量安全核心制度》等，",
      "请按时完成学习。"]),
    ("秘密★1年", "NO_BASIS", "marked study notes on a past, published procurement",
     ["学习体会：回顾2019年疫苗集中采购工作", "当年的谈判底价和中标结果均已公开发布，",
      "我们要总结经验，进一步规范采购流程。"]),
    # a discounted occurrence beside a real one: the real one decides
    (None, "UNMARKED_MATCH", "a title cited, and the strains really listed",
     ["根据《示例省菌毒种保藏管理办法》，现将本中心保藏的菌毒种清点结果报告如下：",
      "共保藏高致病性病原微生物毒株18株，存放于实验楼保藏室。"]),
    ("秘密★10年", "UNDER_CLASSIFIED", "a rule quoted, and a real plague case reported",
     ["按照规定，发现鼠疫疫情的，要立即报告。", "本月8日，某县确诊1例肺鼠疫病例，疫情处置工作正在进行。"]),
    ("机密★20年", "", "a negated sentence beside the real health records",
     ["本报告不涉及在职干部的考核情况。", "保健对象张某的病历和体检结果显示，需于下月住院复查。"]),
]


def _doc(mark: str | None, paragraphs: list[str], n: int) -> str:
    lines = [f"{n:06d}", mark] if mark else []
    lines += ["示例省卫生健康委员会文件", f"示卫发〔2026〕{n}号", "关于有关工作事项的通知", "各处室、直属单位：",
              *paragraphs, "特此通知。", "知悉范围：委领导及有关处室负责人", "示例省卫生健康委员会",
              "2026年3月2日"]
    return "\n".join(lines) + "\n"


def main() -> None:
    docs = HERE / "docs"
    docs.mkdir(exist_ok=True)
    for old in docs.glob("*.txt"):
        old.unlink()
    rows: list[tuple[str, str, str]] = []
    n = 0

    def write(kind: str, mark: str | None, paragraphs: list[str], verdicts: str, why: str) -> None:
        nonlocal n
        n += 1
        name = f"{n:03d}_{kind}.txt"
        (docs / name).write_text(_doc(mark, paragraphs, n), encoding="utf-8")
        rows.append((name, verdicts, why))

    done: set[str] = set()
    for item, level, term, wrong, verdict, paragraphs in COVERED:
        if item not in done:  # the first content of each item also appears marked rightly
            done.add(item)
            write(f"{item}_correct", f"{level}★{term}", paragraphs, "",
                  f"covered by {item}, marked as the item says")
        write(f"{item}_{verdict.lower() or 'ok'}", wrong, paragraphs, verdict,
              f"covered by {item} ({level}★{term}), marked {wrong or 'nothing'}")
    for paragraphs in ROUTINE:
        write("routine_marked", "秘密★1年", paragraphs, "NO_BASIS", "routine matter marked 秘密")
    for paragraphs in PUBLIC:
        write("public", None, paragraphs, "", "public notice, no mark")
    for mark, verdicts, why, paragraphs in HARD:
        write("hard", mark, paragraphs, verdicts, why)
    with (HERE / "labels.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(("file", "verdicts", "why"))
        writer.writerows(rows)
    print(f"{n} documents in {docs}")


if __name__ == "__main__":
    main()
