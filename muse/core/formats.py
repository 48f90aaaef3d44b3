"""Platform formats for ad copy and taglines: one table of name, aliases, shape and hard limits.

A format is named before the brief ("/ad 小红书 新款防晒霜", "/ad google running shoes"). It
changes the prompt (the shape, said in the system prompt), the structure check (the lines of a
variant and the parts they make) and the limits, counted as the platform counts them
(counting.py). A variant that breaks a limit is redrawn by the core and, if it still does, marked
for the user with the limit it broke.

Every variant of a format is a few lines without blank lines, read as a sequence of parts: a part
has a fixed number of lines except at most one, which takes the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from muse.core.counting import Counting
from muse.core.messages import Lang

WHOLE = "*"  # a limit on the whole variant rather than on one part
# "#话题#" (Weibo's form; 小红书 accepts it too) or "#tag" (everywhere else).
_DOUBLE_TAG = re.compile(r"#[^#\s]{1,40}#")
_SINGLE_TAG = re.compile(r"(?<![\w#&])#[^\s#]{1,60}")
_EMOJI_LEAD = re.compile("^[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff]")
# List markers a model puts before a bullet ("- ", "• ", "1. ", "①").
_BULLET = re.compile(r"^(?:[-*+•·▪●✓✔]\s*|\d{1,2}\s*[.、)）]\s*|[①-⑳]\s*)")
_SEPARATORS = " \t\u3000:：,，"


@dataclass(frozen=True, slots=True)
class Part:
    """Consecutive lines of a variant with one role ("title", "body", "hashtags"…)."""

    role: str
    lines: tuple[int, int] = (1, 1)  # least and most lines; at most one part of a format varies
    # A label each line starts with, "{n}" numbering it within the part ("标题 {n}：").
    label: dict[Lang, str] | None = None
    bullet: bool = False  # each line starts with "- "
    emoji_led: bool = False  # the part's first line starts with an emoji
    tags_only: bool = False  # the line holds hashtags and nothing else


@dataclass(frozen=True, slots=True)
class Limit:
    """A hard limit: at most `most`, counted by `counting`, per line of a part or in all."""

    role: str  # a Part's role, or WHOLE
    most: int
    counting: Counting = Counting.CHARACTERS
    per_line: bool = True  # each line of the part; False: the part's lines together


@dataclass(frozen=True, slots=True)
class Format:
    """One platform's shape and limits for ad copy (and the line limit for taglines)."""

    name: str  # canonical, as training data spells it: "xiaohongshu"
    label: dict[Lang, str]  # what the reply calls it: "小红书" / "Xiaohongshu"
    aliases: tuple[str, ...]  # what users type, any case
    shape: dict[Lang, str]  # the shape, said to the model in the system prompt
    parts: tuple[Part, ...]
    limits: tuple[Limit, ...]
    hashtags: tuple[int, int] | None = None  # how many in the whole variant; None: any
    double_tags: bool = False  # hashtags in Weibo's "#话题#" form
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = (self.name, self.label["zh"], self.label["en"], *self.aliases)
        object.__setattr__(self, "names", tuple(dict.fromkeys(n.casefold() for n in names)))

    @property
    def line_limit(self) -> Limit:
        """The limit one tagline keeps on this platform: its first part's (title, hook,
        headline) or, for a one-part post, the whole post's."""
        first = self.parts[0].role
        return next(lim for lim in self.limits if lim.role in (first, WHOLE))

    def hashtags_in(self, text: str) -> list[str]:
        """The hashtags of `text` in this format's form."""
        return (_DOUBLE_TAG if self.double_tags else _SINGLE_TAG).findall(text)


def _labels(zh: str, en: str) -> dict[Lang, str]:
    return {"zh": zh, "en": en}


FORMATS: tuple[Format, ...] = (
    Format(
        name="xiaohongshu",
        label=_labels("小红书", "Xiaohongshu"),
        aliases=("xhs", "rednote", "小红书笔记"),
        shape=_labels(
            "第一行是不超过 20 字的标题；然后一到十行正文，第一行以一个 emoji 开头，"
            "像用户的真实分享；"
            "末行是 3 到 6 个话题标签（#话题），不写别的。",
            "a title of 20 characters or fewer on the first line; then one to ten lines of "
            "body, the first starting with an emoji, like a real user's note; a last line of "
            "3 to 6 hashtags (#tag) and nothing else.",
        ),
        parts=(
            Part("title"),
            Part("body", (1, 10), emoji_led=True),
            Part("hashtags", tags_only=True),
        ),
        limits=(Limit("title", 20), Limit("body", 1000, per_line=False)),
        hashtags=(3, 6),
    ),
    Format(
        name="weibo",
        label=_labels("微博", "Weibo"),
        aliases=("新浪微博",),
        shape=_labels(
            "一条微博，一到三行，带 1 到 3 个 #话题#（前后都有 #），连话题一起不超过 140 字"
            "（两个英文字母或数字算一个字）。",
            "one Weibo post of one to three lines with 1 to 3 hashtags in Weibo's #topic# form, "
            "140 or fewer in all, hashtags included (two Latin letters or digits count as one).",
        ),
        parts=(Part("post", (1, 3)),),
        limits=(Limit(WHOLE, 140, Counting.HALF_WIDTH, per_line=False),),
        hashtags=(1, 3),
        double_tags=True,
    ),
    Format(
        name="douyin",
        label=_labels("抖音", "Douyin"),
        aliases=("tiktok", "抖音文案"),
        shape=_labels(
            "第一行是前三秒的钩子，不超过 15 字；然后三到五行字幕文案；末行是行动号召。",
            "a 3-second hook of 15 characters or fewer on the first line; then three to five "
            "caption lines; a last line that is the call to action.",
        ),
        parts=(Part("hook"), Part("caption", (3, 5)), Part("call to action")),
        limits=(Limit("hook", 15),),
    ),
    Format(
        name="moments",
        label=_labels("朋友圈", "WeChat Moments"),
        aliases=("微信朋友圈", "wechat moments"),
        shape=_labels(
            "像朋友发的朋友圈，一到三行口语短句，一共不超过 80 字，不带话题标签。",
            "like a friend's WeChat Moments post: one to three short conversational lines, "
            "80 characters or fewer in all, no hashtags.",
        ),
        parts=(Part("post", (1, 3)),),
        limits=(Limit(WHOLE, 80, per_line=False),),
        hashtags=(0, 0),
    ),
    Format(
        name="sem",
        label=_labels("搜索广告", "Search ad"),
        aliases=("baidu", "百度", "百度推广", "search ad"),
        shape=_labels(
            "三行：“标题：”不超过 25 字，“描述 1：”和“描述 2：”各不超过 40 字"
            "（两个英文字母或数字算一个字）。",
            'three lines: "Headline: " of 25 or fewer, "Description 1: " and "Description 2: " '
            "of 40 or fewer each (a Chinese character counts 1, two Latin characters 1).",
        ),
        parts=(
            Part("headline", label=_labels("标题：", "Headline: ")),
            Part("description", (2, 2), label=_labels("描述 {n}：", "Description {n}: ")),
        ),
        limits=(
            Limit("headline", 25, Counting.HALF_WIDTH),
            Limit("description", 40, Counting.HALF_WIDTH),
        ),
    ),
    Format(
        name="ecommerce",
        label=_labels("电商详情", "Product page"),
        aliases=("taobao", "淘宝", "详情页", "电商", "product page", "tmall", "天猫", "jd", "京东"),
        shape=_labels(
            "第一行是不超过 30 字的商品标题；然后五行卖点，每行以“- ”开头，每条不超过 30 字。",
            "a product headline of 30 characters or fewer; then five selling points, each on "
            'its own line starting with "- ", 30 characters or fewer each.',
        ),
        parts=(Part("headline"), Part("bullet", (5, 5), bullet=True)),
        limits=(Limit("headline", 30), Limit("bullet", 30)),
    ),
    Format(
        name="google",
        label=_labels("Google 广告", "Google Ads"),
        aliases=("google ads", "googleads", "adwords", "谷歌", "谷歌广告"),
        shape=_labels(
            "五行：“标题 1：”到“标题 3：”各不超过 30 个字符，“描述 1：”“描述 2：”各不超过 90 个字符"
            "（Google 把一个汉字算两个字符）。",
            'five lines: "Headline 1: " to "Headline 3: " of 30 characters or fewer each, '
            '"Description 1: " and "Description 2: " of 90 or fewer each.',
        ),
        parts=(
            Part("headline", (3, 3), label=_labels("标题 {n}：", "Headline {n}: ")),
            Part("description", (2, 2), label=_labels("描述 {n}：", "Description {n}: ")),
        ),
        limits=(Limit("headline", 30, Counting.GOOGLE), Limit("description", 90, Counting.GOOGLE)),
    ),
    Format(
        name="x",
        label=_labels("X（推特）", "X"),
        aliases=("twitter", "推特", "tweet"),
        shape=_labels(
            "一条帖子，一到四行，至多 2 个话题标签（#tag），"
            "不超过 280（X 把一个汉字或 emoji 算 2）。",
            "one post of one to four lines with at most 2 hashtags (#tag), 280 or fewer as X "
            "counts (a Chinese character or an emoji counts 2).",
        ),
        parts=(Part("post", (1, 4)),),
        limits=(Limit(WHOLE, 280, Counting.X, per_line=False),),
        hashtags=(0, 2),
    ),
    Format(
        name="instagram",
        label=_labels("Instagram", "Instagram"),
        aliases=("ig", "ins", "insta"),
        shape=_labels(
            "一到十行配文，末行是 5 到 10 个话题标签（#tag），不写别的；一共不超过 2200 字。",
            "a caption of one to ten lines, then a last line of 5 to 10 hashtags (#tag) and "
            "nothing else; 2,200 characters or fewer in all.",
        ),
        parts=(Part("caption", (1, 10)), Part("hashtags", tags_only=True)),
        limits=(Limit(WHOLE, 2200, per_line=False),),
        hashtags=(5, 10),
    ),
)
_BY_NAME: dict[str, Format] = {name: f for f in FORMATS for name in f.names}
# Longest first, so "google ads" is tried before "google" and "小红书笔记" before "小红书".
_NAMES = sorted(_BY_NAME, key=len, reverse=True)


def get_format(name: str) -> Format:
    """The format called `name` (canonical name, label or alias, any case); KeyError else."""
    return _BY_NAME[name.casefold()]


def pick(argument: str) -> tuple[Format | None, str]:
    """The format named at the start of a command argument and the brief after it.

    "小红书 新款防晒霜" → (xiaohongshu, "新款防晒霜"). The name must be followed by a separator
    (space, colon, comma) or end the argument, so "微博运营课" stays a brief.
    """
    text = argument.strip()
    folded = text.casefold()
    for name in _NAMES:
        if folded.startswith(name):
            rest = text[len(name) :]
            if not rest or rest[0] in _SEPARATORS:
                return _BY_NAME[name], rest.lstrip(_SEPARATORS).strip()
    return None, text


def _strip_label(line: str, part: Part) -> str:
    """`line` without a label like the part's ("标题1:", "Headline 2 -") or a list marker."""
    if part.label:
        words = {t.replace("{n}", "").strip(" ：:").casefold() for t in part.label.values()}
        match = re.match(r"^([^\s:：\-—]+?)\s*\d{0,2}\s*[:：\-—]\s*", line)
        if match and match.group(1).casefold() in words:
            return line[match.end() :].strip()
    if part.bullet:
        return _BULLET.sub("", line, count=1).strip()
    return line


def _assign(parts: tuple[Part, ...], count: int) -> list[int] | None:
    """How many lines each part takes of `count` lines; None when they cannot fit."""
    fixed = sum(p.lines[0] for p in parts if p.lines[0] == p.lines[1])
    sizes: list[int] = []
    for part in parts:
        low, high = part.lines
        if low == high:
            sizes.append(low)
            continue
        size = count - fixed
        if not low <= size <= high:
            return None
        sizes.append(size)
    return sizes if sum(sizes) == count else None


def layout(fmt: Format, text: str, lang: Lang) -> list[tuple[Part, list[str]]] | None:
    """The parts of a variant and their lines with labels and markers stripped; None when the
    lines do not make the format's parts."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    sizes = _assign(fmt.parts, len(lines))
    if sizes is None:
        return None
    out: list[tuple[Part, list[str]]] = []
    start = 0
    for part, size in zip(fmt.parts, sizes, strict=True):
        out.append((part, [_strip_label(line, part) for line in lines[start : start + size]]))
        start += size
    return out


def normalize(fmt: Format, text: str, lang: Lang) -> str:
    """The variant with markdown gone and labels and bullets written the format's way; `text`
    itself (markdown gone) when its lines do not make the format's parts."""
    text = "\n".join(line.replace("**", "").strip() for line in text.split("\n") if line.strip())
    parts = layout(fmt, text, lang)
    if parts is None:
        return text
    lines: list[str] = []
    for part, body in parts:
        for n, line in enumerate(body, start=1):
            if part.label:
                line = part.label[lang].format(n=n) + line
            elif part.bullet:
                line = "- " + line
            lines.append(line)
    return "\n".join(lines)


def _measure(limit: Limit, parts: list[tuple[Part, list[str]]]) -> list[int]:
    """The lengths `limit` applies to: each line of its part, the part's lines, or the whole."""
    if limit.role == WHOLE:
        return [limit.counting.length("\n".join(line for _, body in parts for line in body))]
    body = [line for part, lines in parts if part.role == limit.role for line in lines]
    if limit.per_line:
        return [limit.counting.length(line) for line in body]
    return [limit.counting.length("\n".join(body))]


def shape_problem(fmt: Format, text: str, lang: Lang) -> str | None:
    """What is wrong with a variant's lines, parts or hashtags for `fmt`; None when right."""
    parts = layout(fmt, text, lang)
    if parts is None:
        counts = " + ".join(
            f"{p.role} ×{p.lines[0]}" if p.lines[0] == p.lines[1] else f"{p.role} ×{p.lines}"
            for p in fmt.parts
        )
        return f"{fmt.name}: lines {counts}"
    for part, body in parts:
        if any(not line for line in body):
            return f"{fmt.name}: an empty {part.role}"
        if part.emoji_led and not _EMOJI_LEAD.match(body[0]):
            return f"{fmt.name}: the {part.role} starts with an emoji"
        if part.tags_only and _SINGLE_TAG.sub("", body[0]).replace("#", "").strip():
            return f"{fmt.name}: the {part.role} line holds hashtags only"
    if fmt.hashtags is not None:
        low, high = fmt.hashtags
        found = len(fmt.hashtags_in(text))
        if not low <= found <= high or (high == 0 and "#" in text):
            return f"{fmt.name}: {low} to {high} hashtags, found {found}"
    return None


def broken_limits(fmt: Format, text: str, lang: Lang) -> list[tuple[Limit, int]]:
    """Each limit `text` breaks with the length it has (the longest where a limit applies to
    each line)."""
    parts = layout(fmt, text, lang)
    if parts is None:
        return []
    broken = []
    for limit in fmt.limits:
        lengths = _measure(limit, parts)
        if lengths and max(lengths) > limit.most:
            broken.append((limit, max(lengths)))
    return broken


_ROLE_NAMES: dict[str, dict[Lang, str]] = {
    "title": _labels("标题", "title"),
    "body": _labels("正文", "body"),
    "hook": _labels("开头钩子", "hook"),
    "headline": _labels("标题", "headline"),
    "description": _labels("描述", "description"),
    "bullet": _labels("卖点", "selling point"),
    WHOLE: _labels("全文", "post"),
}


def limit_mark(fmt: Format, limit: Limit, length: int, lang: Lang) -> str:
    """The visible mark for a broken limit: "⚠️ 超出小红书的限制：标题 23 字（上限 20）"."""
    role = _ROLE_NAMES.get(limit.role, _labels(limit.role, limit.role))[lang]
    if lang == "zh":
        return (
            f"⚠️ 超出{fmt.label['zh']}的限制：{role} {length} 字（上限 {limit.most}，发布前请修改）"
        )
    return (
        f"⚠️ Over {fmt.label['en']}'s limit: {role} is {length} characters "
        f"(limit {limit.most}; edit before publishing)"
    )


def format_list(lang: Lang) -> str:
    """Every format with its names and limits, for "/ad formats" and /help."""
    if lang == "zh":
        lines = ["可用的平台格式（写在简介前面，例如 /ad 小红书 新款防晒霜）："]
    else:
        lines = ["Platform formats (name one before the brief, e.g. /ad google running shoes):"]
    for fmt in FORMATS:
        names = ", ".join(dict.fromkeys((fmt.name, *fmt.aliases)))
        shape = fmt.shape[lang]
        label = fmt.label[lang]
        lines.append(
            f"• {label}（{names}）：{shape}" if lang == "zh" else f"• {label} ({names}): {shape}"
        )
    return "\n".join(lines)
