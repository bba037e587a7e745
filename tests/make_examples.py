"""Regenerate the bundled example documents (fictional; written for this project).

Run from the repository root with the test extra installed: ``python tests/make_examples.py``.
DOCX files are written with python-docx, the PDF by LibreOffice.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HERE = TESTS.parent / "examples"
sys.path.insert(0, str(TESTS / "support"))

from builders import DocSpec, Para, make_docx, to_pdf  # noqa: E402

ORG = Para("某市示例局文件（虚构示例）", align="center")
BODY = "现将有关事项通知如下，请各科室认真贯彻落实，并于本月底前将落实情况书面报送办公室。"

EXAMPLES = {
    "发文稿_标志规范.docx": DocSpec(body=[
        "000012", "秘密★5年", "特急", ORG, Para("示发〔2026〕3号", align="center"),
        Para("关于做好年度测绘成果管理工作的通知", align="center"), "各科室：", BODY,
        "知悉范围：本局领导班子成员", "某市示例局", "2026年3月22日"]),
    "通知_缺期限缺范围.docx": DocSpec(body=[
        "000031", "机密★", ORG, Para("示发〔2025〕7号", align="center"),
        Para("关于某项目谈判方案的通知", align="center"), "各科室：", BODY,
        "某市示例局", "二〇二五年三月二日"]),
    "讲话稿_内部误标.docx": DocSpec(body=[
        "内部★1年", Para("在年度工作会议上的讲话（虚构示例）", align="center"), BODY]),
    "考试试卷.docx": DocSpec(first_header=["绝密★启用前"], body=[
        Para("某市2026年职业技能考试试卷（虚构示例）", align="center"),
        "知悉范围：命题组成员", "一、单项选择题（每题2分）"]),
    "已过期纪要.docx": DocSpec(body=[
        "000101", "秘密★1年", ORG, Para("示纪〔2019〕2号", align="center"),
        Para("专题会议纪要", align="center"), BODY, "知悉范围：参会人员", "某市示例局",
        "2019年5月6日"]),
}
PDF_SOURCE = DocSpec(body=[
    "秘密*2年", ORG, Para("示发〔2026〕9号", align="center"),
    Para("关于某工程安全防护方案的报告", align="center"), BODY, "知悉范围：工程组",
    "某市示例局", "2026年1月5日"])
PUBLIC = ("关于开展2026年全民国家安全教育日宣传活动的通知（虚构示例）\n\n"
          "各单位：\n根据保守国家秘密法的规定，国家秘密的密级分为绝密、机密、秘密三级。"
          "请各单位组织学习，提高保密意识。\n\n某市示例局\n2026年4月1日\n")


def main() -> None:
    for name, spec in EXAMPLES.items():
        make_docx(HERE / name, spec)
    with tempfile.TemporaryDirectory() as tmp:
        src = make_docx(Path(tmp) / "报告_星号错误.docx", PDF_SOURCE)
        to_pdf([src], HERE)
    (HERE / "公开通知.txt").write_text(PUBLIC, encoding="utf-8")
    print(f"examples written to {HERE}")


if __name__ == "__main__":
    main()
