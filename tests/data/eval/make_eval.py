"""Write the evaluation set for the demo catalogue: documents and their labels.

Each covered content (one per catalogue item, written here in fresh words) appears twice: marked as
its item says (no verdict expected) and in one wrong way (unmarked, over-marked, under-marked or
with too long a period). Routine documents marked "to be safe" expect NO_BASIS; public notices
expect nothing. Run ``python tests/data/eval/make_eval.py`` to regenerate ``docs/`` and
``labels.tsv``.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
RANK = {"秘密": 1, "机密": 2, "绝密": 3}
BY_RANK = {v: k for k, v in RANK.items()}
MAX = {"秘密": 10, "机密": 20, "绝密": 30}

# item, level, term written in a correct mark, max years (None: condition/长期), content
COVERED = [
    ("EDU-01", "绝密", "启用前", None, "按照全国统一考试试卷的保管要求，试卷运抵后存入保密室，实行双人双锁、全程监控。"),
    ("EDU-02", "机密", "启用前", None, "本年度中考试卷将于6月10日由印刷厂运抵各考区，启用前由专人看管。"),
    ("EDU-03", "秘密", "启用前", None, "全市高一期末统一考试的试卷已印制完毕，请各校在启用前妥善保管，不得提前拆封。"),
    ("EDU-04", "秘密", "1年", 1, "本次命题工作共抽调命题教师十二人，入闱时间为5月20日至6月8日。"),
    ("GEO-01", "绝密", "长期", None, "经省测绘主管部门批准，向我局提供本市坐标系统的坐标转换参数一套，仅限项目组使用。"),
    ("GEO-02", "秘密", "10年", 10, "为开展地铁线路设计，现向设计院提供沿线1:500比例尺地形图数字成果。"),
    ("GEO-03", "机密", "20年", 20, "附件为本市范围内的重力测量成果和加密点数据，供地质调查项目使用。"),
    ("GEO-05", "秘密", "10年", 10, "航摄原始影像共计1200幅，已刻录光盘移交档案室保存。"),
    ("PLAN-01", "秘密", "公布前", None, "经研究，北片区规划调整方案拟提高部分地块容积率，并调整用地性质。"),
    ("PLAN-02", "秘密", "公布前", None, "关于垃圾焚烧厂选址，初步形成了三个备选地块的比选方案，请领导审定。"),
    ("PLAN-03", "秘密", "征收公告发布前", None, "高新区扩区拟征收土地约800亩，征收补偿标准测算结果见附表。"),
    ("PLAN-04", "秘密", "提交审议前", None, "2027年市本级预算草案送审稿已编制完成，拟于下周提交市政府常务会研究。"),
    ("PLAN-05", "机密", "公布前", None, "管道燃气价格调整方案拟将居民气价每立方米上调0.2元，调价幅度控制在8%以内。"),
    ("NEG-01", "机密", "5年", 5, "在与某新能源企业的投资谈判中，我方谈判底线为税收返还不超过三年。"),
    ("NEG-03", "秘密", "成交前", None, "市属企业国有股权挂牌转让的底价，经集体研究确定为评估值的九成。"),
    ("NEG-04", "秘密", "开标前", None, "市民中心工程招标的标底已由造价咨询机构编制完成，开标前封存。"),
    ("INV-01", "机密", "案件侦查终结", None, "专案组制定了抓捕方案，拟于本月15日凌晨对犯罪团伙实施收网行动。"),
    ("INV-02", "秘密", "10年", 10, "举报人姓名、工作单位和联系方式详见附件，请严格保护举报人身份。"),
    ("INF-01", "秘密", "10年", 10, "为做好防汛保供，现将城区供水主干管网布局及取水口位置图印发有关单位。"),
    ("INF-02", "机密", "10年", 10, "城北500千伏变电站安防方案已修订，增设了周界报警和视频巡检。"),
    ("INF-04", "机密", "警卫任务结束", None, "本次重要会议期间的警卫方案已经指挥部审定，警卫路线分为主线和备用线。"),
    ("INF-05", "机密", "20年", 20, "市级指挥所人防工程的具体位置、防护等级和出入口分布见附图。"),
    ("PER-01", "秘密", "10年", 10, "现将拟提拔干部的干部考察材料和民主推荐得票情况报送市委组织部。"),
    ("RES-01", "秘密", "5年", 5, "截至三季度末，市级粮食储备库点分布和储备数量如下表所示。"),
    ("SEC-01", "机密", "10年", 10, "机关涉密网络拓扑结构调整后，地址分配表已重新编制。"),
    ("DEF-01", "机密", "10年", 10, "全市国防动员潜力数据汇总表及分析报告已完成，报送军分区。"),
]

ROUTINE = [
    "请各科室于本周五下午三点到三楼会议室参加季度工作例会。",
    "现将国庆节假期值班安排表印发给你们，请按时到岗。",
    "为提升干部职工业务能力，局里定于下月举办公文写作培训班。",
    "本月机关食堂将调整就餐时间，午餐改为十一点半开始。",
    "局领导在全市工作会议上的讲话稿已整理完毕，供各科室学习。",
    "一季度我局共办理群众来信来访四十二件，办结率百分之百。",
    "请各科室在月底前报送年度工作总结和明年工作打算。",
    "机关办公楼将于周六进行消防设施检测，请提前关闭电脑。",
    "为做好创建文明城市工作，请各科室组织志愿者参加周末义务劳动。",
    "现将本周工作简报印发，请各科室认真阅研。",
    "局党组理论学习中心组将于下周二开展集中学习。",
    "请各科室做好办公用品采购需求统计，于本周内报办公室。",
    "根据工作安排，局机关开展节约用电用水专项检查。",
    "本局今年共组织职工体检一次，体检报告已发放本人。",
    "全局春季运动会定于四月中旬举行，请各科室积极报名。",
    "请各科室更新通讯录，新的内部通讯录将于下周印发。",
]

PUBLIC = [
    "现将北片区规划调整方案予以公示，公开征求意见，公示期为三十日。",
    "今年中考成绩将于7月1日公布，考生可通过官方网站查询。",
    "标准地图服务平台提供公开版地图，社会公众可免费下载使用。",
    "为方便市民出行，本市公交线路优化方案已经公开发布。",
    "市统计局发布了一季度全市经济运行情况，地区生产总值同比增长。",
    "市人大常委会审议批准了本市年度财政决算，决算报告依法公开。",
    "经公开招标，市民中心工程中标公示期满，现予公告。",
    "某案已侦查终结并移送审查起诉，人民法院作出一审判决。",
    "欢迎市民参加全民国家安全教育日宣传活动，共同维护国家安全。",
    "供水企业提醒广大市民节约用水，合理安排用水时间。",
    "全市民兵训练基地举办开放日活动，欢迎市民参观。",
    "市应急管理局发布防汛避险常识，请市民关注天气预报。",
    "各考点将于考前一天开放，考生可熟悉考场环境。",
    "市自然资源局举办测绘法宣传日活动，普及测绘地理信息知识。",
]


def _doc(mark: str | None, body: str, n: int) -> str:
    lines = [f"{n:06d}", mark] if mark else []
    lines += ["示例市某局文件", "关于有关工作事项的通知", "各科室：", body, "特此通知。",
              "知悉范围：本局领导班子成员", "示例市某局", "2026年3月2日"]
    return "\n".join(lines) + "\n"


def _wrong(i: int, level: str, max_years: int | None) -> tuple[str | None, str]:
    """A wrong marking for the i-th covered content and the verdict it should draw: items
    above 秘密 are under-marked, 秘密 items over-marked, in turn with unmarked and too long."""
    if max_years is not None and max_years < MAX[level]:
        kind = "period"
    elif level == "秘密":
        kind = "over" if i % 2 else "unmarked"
    else:
        kind = "unmarked" if i % 3 == 2 else "under"
    if kind == "unmarked":
        return None, "UNMARKED_MATCH"
    if kind == "over":
        return f"{BY_RANK[RANK[level] + 1]}★5年", "OVER_CLASSIFIED"
    if kind == "under":
        return f"{BY_RANK[RANK[level] - 1]}★5年", "UNDER_CLASSIFIED"
    assert max_years is not None
    return f"{level}★{min(max_years + 3, MAX[level])}年", "PERIOD_ABOVE_CATALOG"


def main() -> None:
    docs = HERE / "docs"
    docs.mkdir(exist_ok=True)
    for old in docs.glob("*.txt"):
        old.unlink()
    rows: list[tuple[str, str, str]] = []
    n = 0
    for i, (item, level, term, max_years, body) in enumerate(COVERED):
        n += 1
        name = f"{n:03d}_{item}_correct.txt"
        (docs / name).write_text(_doc(f"{level}★{term}", body, n), encoding="utf-8")
        rows.append((name, "", f"covered by {item}, marked as the item says"))
        n += 1
        mark, verdict = _wrong(i, level, max_years)
        name = f"{n:03d}_{item}_{verdict.lower()}.txt"
        (docs / name).write_text(_doc(mark, body, n), encoding="utf-8")
        rows.append((name, verdict, f"covered by {item} ({level}), marked {mark or 'nothing'}"))
    for body in ROUTINE:
        n += 1
        name = f"{n:03d}_routine_marked.txt"
        (docs / name).write_text(_doc("秘密★1年", body, n), encoding="utf-8")
        rows.append((name, "NO_BASIS", "routine matter marked 秘密 to be safe"))
    for body in PUBLIC:
        n += 1
        name = f"{n:03d}_public.txt"
        (docs / name).write_text(_doc(None, body, n), encoding="utf-8")
        rows.append((name, "", "public matter, no mark"))
    with (HERE / "labels.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(("file", "verdicts", "why"))
        writer.writerows(rows)
    print(f"{n} documents in {docs}")


if __name__ == "__main__":
    main()
