"""Edits a copied passage goes through (seeded): re-punctuation, line breaks, full/half width,
traditional characters, OCR-like noise, inserted spaces, sentence reordering. No edit ever turns a
figure into another figure."""

import random
import re

_S = ("这个们为发会对时实现进动经过产业关于开门问间题应该设计划论议请调读说话语认识记讲让证试验检测评价质"
      "级约纪线练组织细结给统维绩续络编总务长东车军转输运达还远选边适报备处复样机构权极标楼术场坏块坚执导将"
      "专岭区县乡镇厅广厂历压厉参双变号员围国图园声够头夺学宁宝审层属届岛峡师带帮并库废异弹强归当录彻径恶态"
      "战户扩扫抢护担拟择挥换据损摄数断无旧显暂杂条来极枪树桥档汇沟没泽洁浅济润涨湾满滞灾灵炼点烟热爱状独环"
      "电画畅疗监盖盘码础确碍离种积称稳穷竞笔筹签节范类紧红纳纵终绝继综绿缆缓缩网罗联职肃脑舰艺获营药虑补装"
      "见规视览觉订讨训许访诉诈词译诚询详误诸课谁谈谋谍谨负责财货购贯费资赛赶跃践轨软轮载较辆辖辑迁违连迟递"
      "逻遗邮邻释钢钥铁银链销锁错键闭闸闻队阶际陆险随隐难雾静页项顺须预领频额风飞馆驶驻骤鱼鸟齐龙兴举义乐习"
      "书买乱争云亚众优传伤体侧侦储儿党兰养册写农冲决况冻净减几击则刚创删剧办劳势区医华协单卖卫叙启响圆坝垒"
      "墙壮夹奖妇孙宽宾寻岗巩帅庄庆张弥弯忆忧怀恳悬惊惩愿戏扑扬扰抚护拥拦拨挂挡挤捞携摆摊撑敌旷昼晋晒朴杀柜"
      "栏桩梦欢欧残气汉汤沦泪泼洒浊浑浓涂涛涝涡涣涧渊渍渐渗湿溃滚滤滥滨滩潜灭灯炉烂烛烦烧焕爷牵犹狱猎环琼盐"
      "着矫矿砖礼祸窃竖筑筛简粮纠纤纯纲纷纸绍绑绕绪缘缴罚罢聪肠肤胁胜脉脚脱腾舆艰芦苍荐荣莱萧蓝虚蚀衔袭观触"
      "誉讯讹诊诗诫诱诺谊谎谓谢谣谱贝贡贤败贩贪贫贴贵贷贺赋赔赖赠赵踪转轰轻辅辈辉辞辩迈逊邓郁酿钉钟钱铺锅锋"
      "锐锦镜闪闯闲阀阅阳阴阵陈韩顶顾顿颜飘饭饮馈驱驾骑鸡鸣麦齿龄爆碎误测储万两鹭与从后尽铸团窝骗币账枢")
_T = ("這個們為發會對時實現進動經過產業關於開門問間題應該設計劃論議請調讀說話語認識記講讓證試驗檢測評價質"
      "級約紀線練組織細結給統維績續絡編總務長東車軍轉輸運達還遠選邊適報備處復樣機構權極標樓術場壞塊堅執導將"
      "專嶺區縣鄉鎮廳廣廠歷壓厲參雙變號員圍國圖園聲夠頭奪學寧寶審層屬屆島峽師帶幫並庫廢異彈強歸當錄徹徑惡態"
      "戰戶擴掃搶護擔擬擇揮換據損攝數斷無舊顯暫雜條來極槍樹橋檔匯溝沒澤潔淺濟潤漲灣滿滯災靈煉點煙熱愛狀獨環"
      "電畫暢療監蓋盤碼礎確礙離種積稱穩窮競筆籌簽節範類緊紅納縱終絕繼綜綠纜緩縮網羅聯職肅腦艦藝獲營藥慮補裝"
      "見規視覽覺訂討訓許訪訴詐詞譯誠詢詳誤諸課誰談謀諜謹負責財貨購貫費資賽趕躍踐軌軟輪載較輛轄輯遷違連遲遞"
      "邏遺郵鄰釋鋼鑰鐵銀鏈銷鎖錯鍵閉閘聞隊階際陸險隨隱難霧靜頁項順須預領頻額風飛館駛駐驟魚鳥齊龍興舉義樂習"
      "書買亂爭雲亞眾優傳傷體側偵儲兒黨蘭養冊寫農衝決況凍淨減幾擊則剛創刪劇辦勞勢區醫華協單賣衛敘啟響圓壩壘"
      "牆壯夾獎婦孫寬賓尋崗鞏帥莊慶張彌彎憶憂懷懇懸驚懲願戲撲揚擾撫護擁攔撥掛擋擠撈攜擺攤撐敵曠晝晉曬樸殺櫃"
      "欄樁夢歡歐殘氣漢湯淪淚潑灑濁渾濃塗濤澇渦渙澗淵漬漸滲濕潰滾濾濫濱灘潛滅燈爐爛燭煩燒煥爺牽猶獄獵環瓊鹽"
      "著矯礦磚禮禍竊豎築篩簡糧糾纖純綱紛紙紹綁繞緒緣繳罰罷聰腸膚脅勝脈腳脫騰輿艱蘆蒼薦榮萊蕭藍虛蝕銜襲觀觸"
      "譽訊訛診詩誡誘諾誼謊謂謝謠譜貝貢賢敗販貪貧貼貴貸賀賦賠賴贈趙蹤轉轟輕輔輩輝辭辯邁遜鄧鬱釀釘鐘錢鋪鍋鋒"
      "銳錦鏡閃闖閒閥閱陽陰陣陳韓頂顧頓顏飄飯飲饋驅駕騎雞鳴麥齒齡爆碎誤測儲萬兩鷺與從後盡鑄團窩騙幣賬樞")
assert len(_S) == len(_T), (len(_S), len(_T))
TRAD = dict(zip(_S, _T, strict=True))

# look-alike characters an OCR engine confuses (never digits)
LOOKALIKE = dict(pair for a, b in [
    ("己", "已"), ("未", "末"), ("士", "土"), ("人", "入"), ("日", "曰"), ("千", "干"), ("天", "夭"),
    ("刀", "力"), ("戊", "戌"), ("拨", "拔"), ("侯", "候"), ("准", "淮"), ("辨", "辩"), ("治", "冶"),
    ("材", "村"), ("休", "体"), ("王", "玉"), ("今", "令"), ("大", "太"), ("问", "间"), ("石", "右"),
    ("由", "甲"), ("处", "外"), ("目", "自"), ("设", "没"), ("理", "埋"), ("要", "耍"), ("区", "匹"),
    ("站", "姑"), ("库", "厍"), ("场", "汤"), ("时", "对"), ("员", "贝"), ("期", "斯"), ("级", "圾"),
    ("于", "干"), ("前", "荫"), ("报", "扱"), ("水", "永"), ("位", "住"), ("工", "土"), ("行", "衍"),
] for pair in ((a, b), (b, a)))

_CJK = re.compile(r"[\u4e00-\u9fff]")


def trad(text: str) -> str:
    return "".join(TRAD.get(c, c) for c in text)


def width(text: str, rng: random.Random) -> str:
    """Digits and ASCII signs to full width, Chinese punctuation to half width (either or both)."""
    mode = rng.choice(["full", "half", "both"])
    out = []
    for c in text:
        if mode in ("full", "both") and ("0" <= c <= "9" or c in ".%+-"):
            out.append(chr(ord(c) + 0xFEE0))
        elif mode in ("half", "both") and c in "，；：（）！？":
            out.append({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?"}[c])
        else:
            out.append(c)
    return "".join(out)


def punct(text: str, rng: random.Random) -> str:
    """Re-punctuate: commas to 顿号 or dropped, semicolons to full stops and back, quotes to 「」."""
    out = []
    for i, c in enumerate(text):
        last = i == len(text) - 1
        r = rng.random()
        if c == "，":
            out.append("" if r < 0.3 else "、" if r < 0.5 else "；" if r < 0.6 else "，")
        elif c == "；":
            out.append("。" if r < 0.6 else "，")
        elif c == "。" and not last:
            out.append("；" if r < 0.5 else "。")
        elif c == "、":
            out.append("，" if r < 0.4 else "、")
        elif c == "：":
            out.append("，" if r < 0.5 else "：")
        elif c == "“":
            out.append("「")
        elif c == "”":
            out.append("」")
        else:
            out.append(c)
    return "".join(out)


def wrap(text: str, rng: random.Random) -> str:
    """Hard line breaks inside the paragraph (a PDF or a narrow column pasted back)."""
    out, n, width_ = [], 0, rng.randint(16, 30)
    for c in text:
        out.append(c)
        n += 1
        if n >= width_ and not c.isdigit() and c not in ".．":
            out.append("\n")
            n, width_ = 0, rng.randint(16, 30)
    return "".join(out).strip("\n")


def ocr(text: str, rng: random.Random, rate: float = 0.05) -> str:
    """Look-alike misreadings, dropped characters and stray spaces on CJK characters only."""
    out = []
    for c in text:
        if _CJK.match(c) and rng.random() < rate:
            r = rng.random()
            if c in LOOKALIKE and r < 0.6:
                out.append(LOOKALIKE[c])
            elif r < 0.8:
                continue  # dropped
            else:
                out.append(c + " ")
        else:
            out.append(c)
    return "".join(out)


def spaces(text: str, rng: random.Random) -> str:
    """Spaces between characters, as a text layer that spaced out justified lines."""
    return "".join(c + (" " if _CJK.match(c) and rng.random() < 0.25 else "") for c in text)


def reorder(text: str, rng: random.Random) -> str:
    """Reorder the sentences of a paragraph (split at 。 and ；)."""
    parts = [p for p in re.split(r"(?<=[。；])", text) if p]
    if len(parts) < 2:
        raise ValueError("reorder needs two sentences: " + text)
    first = parts[:]
    while parts == first:
        rng.shuffle(parts)
    parts = [p[:-1] + "。" if p.endswith("；") else p for p in parts]
    return "".join(parts)


def apply(text: str, edits: list[str], rng: random.Random) -> str:
    for e in edits:
        if e == "punct":
            text = punct(text, rng)
        elif e == "wrap":
            text = wrap(text, rng)
        elif e == "width":
            text = width(text, rng)
        elif e == "trad":
            text = trad(text)
        elif e == "ocr":
            text = ocr(text, rng)
        elif e == "ocr1":  # exactly one look-alike misreading
            cands = [i for i, c in enumerate(text) if c in LOOKALIKE]
            i = rng.choice(cands)
            text = text[:i] + LOOKALIKE[text[i]] + text[i + 1:]
        elif e == "drop1":  # exactly one dropped character
            cands = [i for i, c in enumerate(text) if _CJK.match(c)]
            i = rng.choice(cands[5:-5])
            text = text[:i] + text[i + 1:]
        elif e == "spaces":
            text = spaces(text, rng)
        elif e == "reorder":
            text = reorder(text, rng)
        elif e in ("none", "table"):
            pass
        else:
            raise ValueError(e)
    return text
