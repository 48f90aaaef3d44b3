"""Well-formed completions of the long-form skills in both languages, shared by their tests."""

from __future__ import annotations

PRESS = {
    "zh": (
        "「青禾」社区食堂第二家店落户拱墅\n\n"
        "杭州，2026年6月3日——社区餐饮品牌「青禾」今天宣布，第二家社区食堂将于6月8日在拱墅区营业。\n\n"
        "新店面积约三百平方米，设有八十个座位和一个送餐窗口，每天供应十二道家常菜。\n\n"
        "「青禾」创始人周宁说：“很多老人一个人在家不愿意开火，我们希望他们下楼就能吃上热饭。”\n\n"
        "关于青禾：「青禾」成立于2024年，专注社区食堂的运营，目前在杭州经营两家门店。"
    ),
    "en": (
        "Harbor Lane Bakery Opens Second Shop in the Pearl District\n\n"
        "PORTLAND, Ore., June 3, 2026 — Harbor Lane Bakery will open its second shop on June 8.\n\n"
        "The new shop seats 30 and adds a window for pre-ordered loaves.\n\n"
        '"We kept selling out by ten in the morning," said co-owner Dana Whitfield.\n\n'
        "About Harbor Lane Bakery: Founded in 2019, it bakes naturally leavened bread."
    ),
}
_CHORUS = {
    "zh": "【副歌】\n四张床 四个梦\n明天各自去远方",
    "en": "[Chorus]\nFour beds, four dreams\nTomorrow we scatter",
}
LYRICS = {
    "zh": "\n\n".join(
        [
            "四张床",
            "【主歌 1】\n六楼的灯总是熄得很晚\n泡面的香气飘过走廊",
            _CHORUS["zh"],
            "【主歌 2】\n谁的闹钟响了三遍\n谁的球鞋堆在门边",
            _CHORUS["zh"],
            "【桥段】\n行李箱轮子滚过楼梯\n我们谁也没回头去",
            _CHORUS["zh"],
        ]
    ),
    "en": "\n\n".join(
        [
            "Four Beds",
            "[Verse 1]\nThe sixth-floor light stays on late\nNoodles steaming down the hall",
            _CHORUS["en"],
            "[Verse 2]\nSomeone's alarm rings three times\nSneakers piled by the door",
            _CHORUS["en"],
            "[Bridge]\nSuitcase wheels on the stairs\nNobody looks back",
            _CHORUS["en"],
        ]
    ),
}
STORY = {
    "zh": (
        "雾吃掉的东西\n一句话梗概：一座孤岛的灯塔看守人发现夜雾每晚带走岛上的一件东西。\n\n"
        "主要人物：\n沈苇：三十岁的灯塔看守人，靠一本值班日志记住岛上的每一样东西。\n阿禾：岛上送信的邮差少年。\n\n"
        "开端：沈苇在值班日志上发现昨天记下的码头木桩今天不见了，岛上的人却说那里从来没有木桩。\n\n"
        "发展：阿禾帮她一件件核对日志，发现被雾带走的东西都和一个离岛多年的人有关，而那人的信一直没寄出去。\n\n"
        "高潮：雾漫上灯塔的那一夜，沈苇把日志一页页念出来，阿禾举着灯把那封信送到码头，雾在信前停住了。\n\n"
        "结局：雾散后木桩回到了码头，沈苇在日志末页写下阿禾的名字，从此岛上多了一个会记事的邮差。"
    ),
    "en": (
        "What the Fog Takes\nLogline: A lighthouse keeper learns the fog takes one thing a night.\n\n"
        "Characters:\nMara Quill: the keeper, who logs every object on the island.\n"
        "Tom Reyes: the postman who knows everyone's business.\n\n"
        "Setup: Mara notices the pier post is gone, and nobody on the island remembers it at all.\n\n"
        "Rising action: Tom helps her check the logbook; every lost thing belonged to one man.\n\n"
        "Climax: As the fog climbs the tower, Mara reads the log aloud while Tom runs a letter down.\n\n"
        "Resolution: The fog lifts, the post returns, and Mara writes Tom into the log for good."
    ),
}
DESIGN = {
    "zh": "\n\n".join(
        [
            "设计理念：把咖啡馆当作街坊的客厅来设计，门口留出一条长凳，让路过的人不点单也能坐一会儿，店里的桌椅、灯光和音乐都围着多坐一会儿来安排。",
            "风格与配色：以暖白墙面为底，配浅橡木色家具和一面砖红色的展示墙，点缀少量墨绿色，整体色调温和不抢眼，像一间老房子被重新擦亮后透出的光。",
            "材质与工艺：地面用灰色水磨石，耐磨好打理；吧台台面是回收老榆木，保留原有的钉眼；座椅坐垫用亚麻布，可以拆下来清洗，桌角全部做成圆角。",
            "布局与空间：吧台靠里，把临街的三米留给一张可坐八人的长桌，靠墙一排双人小桌，角落留给书架，过道保持九十厘米，推婴儿车和坐轮椅的客人也能进来。",
            "情感体验：下午三点阳光斜照进来，邻居阿姨在长桌边择菜聊天，学生在角落写作业，店员认得每个人的杯子，像家门口多出来的一间屋子，谁都可以进来坐坐。",
        ]
    ),
    "en": "\n\n".join(
        [
            "Concept: A front room for the street: a bench by the door invites people to sit without ordering.",
            "Style and palette: Warm white walls, pale oak furniture and one brick-red wall (#A6473A) for the shelves.",
            "Materials: Grey terrazzo floors that shrug off spills, a counter of reclaimed elm and washable linen seats.",
            "Layout and space: The bar sits at the back; the front three metres hold a long table for eight by the window.",
            "Feeling: At three in the afternoon the sun slants in, a student works in the corner and the barista knows your cup.",
        ]
    ),
}
