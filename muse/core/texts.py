"""Every sentence the core itself says to people, in Chinese and English.

Errors are human sentences that say what to do next — never codes or stack traces.
"""

from __future__ import annotations

from muse.core.messages import Lang

_TEXTS: dict[str, dict[Lang, str]] = {
    "model_unavailable": {
        "zh": "模型服务暂时不可用，请稍后再试。",
        "en": "The model is unavailable right now. Please try again in a minute.",
    },
    "model_not_installed": {
        "zh": (
            "本机还没有可用的模型，所以这次无法生成。管理员可以任选其一：\n"
            "· 训练默认模型：muse train all --preset cpu --out models/default\n"
            "· 设置 MUSE_MODEL_PATH 指向一个 Hugging Face 模型目录\n"
            "· 设置 MUSE_MODEL_URL 指向兼容 OpenAI 的模型服务（如 muse serve-model 或 vLLM）"
        ),
        "en": (
            "No model is installed here yet, so Muse cannot write this. An admin can either:\n"
            "· train the default model: muse train all --preset cpu --out models/default\n"
            "· set MUSE_MODEL_PATH to a Hugging Face model directory\n"
            "· set MUSE_MODEL_URL to an OpenAI-compatible server (muse serve-model, vLLM…)"
        ),
    },
    "model_rejected": {
        "zh": (
            "模型服务拒绝了这次请求（可能是内容太长）。请缩短一些，或发送 /reset 开始新对话后再试。"
        ),
        "en": (
            "The model server refused this request (it may be too long). Shorten it, or send "
            "/reset to start a new conversation, and try again."
        ),
    },
    "empty_reply": {
        "zh": "这次模型没有写出内容，请再试一次，或把需求说得更具体些。",
        "en": (
            "The model came back empty this time. Please try again, or give a more specific brief."
        ),
    },
    "internal": {
        "zh": "出了点问题，这次没能完成。请再试一次；如果一直这样，请联系管理员。",
        "en": "Something went wrong and this request did not finish. Please try again; "
        "if it keeps happening, tell your admin.",
    },
    "too_long": {
        "zh": "这条消息有 {length} 个字符，超过了 {limit} 的上限。请精简后再发。",
        "en": "This message has {length} characters, over the {limit} limit. Please shorten it.",
    },
    "target_gone": {
        "zh": "找不到这条回复了（可能已被 /forget 删除），请重新发起请求。",
        "en": "That reply is no longer on record (perhaps removed with /forget). "
        "Please send the request again.",
    },
    "unknown_command": {
        "zh": "没有 {command} 这个命令。发送 /help 查看可用的命令。",
        "en": "There is no {command} command. Send /help to see what Muse can do.",
    },
    "reset_done": {
        "zh": "好的，已开始新的对话。之前的内容不会再带入。",
        "en": "Done — a fresh conversation starts now. Earlier messages won't be carried over.",
    },
    "forget_done": {
        "zh": "已删除你在 Muse 的全部记录（{rows} 条）。",
        "en": "Everything Muse stored about you has been deleted ({rows} records).",
    },
    "quota_rpm": {
        "zh": "你一分钟内的请求太多了，请等一分钟再试。",
        "en": "That's a lot of requests in one minute. Please wait a minute and try again.",
    },
    "quota_user_day": {
        "zh": "你今天的生成额度已经用完了，北京时间早上 8 点（UTC 0 点）重置。",
        "en": "You've used today's writing allowance. It resets at 00:00 UTC.",
    },
    "quota_scope_day": {
        "zh": "这个工作区今天的生成额度已经用完了，北京时间早上 8 点（UTC 0 点）重置。",
        "en": "This workspace has used today's writing allowance. It resets at 00:00 UTC.",
    },
    "busy": {
        "zh": "现在请求的人太多，请一分钟后再试。",
        "en": "Muse is busy right now. Please try again in a minute.",
    },
    "chat_not_allowed": {
        "zh": "抱歉，这里还没有开通缪斯。如需使用，请联系管理员把这个工作区或群组加入名单。",
        "en": (
            "Sorry, Muse isn't enabled here. Ask your admin to add this workspace, channel or "
            "group to its list."
        ),
    },
    "user_not_allowed": {
        "zh": "抱歉，你的账号还没有开通缪斯，请联系管理员。",
        "en": "Sorry, Muse isn't enabled for your account yet. Please ask your admin.",
    },
    "voice_set": {
        "zh": "已更新{where}的品牌调性。之后的文案都会按它来写；/voice 查看，/voice clear 清除。",
        "en": (
            "The brand voice for {where} is updated; copy from now on follows it. /voice shows "
            "it, /voice clear removes it."
        ),
    },
    "voice_cleared": {
        "zh": "已清除{where}的品牌调性。",
        "en": "The brand voice for {where} is removed.",
    },
    "voice_refused": {
        "zh": "只有管理员可以修改{where}的品牌调性，请联系工作区或群组管理员。",
        "en": (
            "Only an admin can change the brand voice for {where}. Ask a workspace or group admin."
        ),
    },
    "voice_too_long": {
        "zh": "品牌调性描述太长了（{length} 字），请控制在 {limit} 字以内。",
        "en": "That description is too long ({length} characters); keep it under {limit}.",
    },
    "voice_too_many_words": {
        "zh": "词太多了（{count} 个），最多 {limit} 个，用逗号或顿号分开。",
        "en": "That is {count} words; at most {limit}, separated by commas.",
    },
    "voice_word_too_long": {
        "zh": "“{word}”太长了，每个词最多 {limit} 个字。",
        "en": "“{word}” is too long; each word can be at most {limit} characters.",
    },
    "feedback_like": {
        "zh": "谢谢！已记下你喜欢这一版，并收进了这里的收藏（/saved 查看）。",
        "en": "Thanks! Noted that you like this one and kept it here: /saved lists it.",
    },
    "saved_head": {
        "zh": "这里的收藏，最新 {count} 条：",
        "en": "Kept copy here, newest {count}:",
    },
    "saved_found": {
        "zh": "含“{word}”的收藏（{count} 条）：",
        "en": "Kept copy with “{word}” ({count}):",
    },
    "saved_tail": {
        "zh": "/saved <词> 搜索收藏，/saved remove <编号> 删除一条。",
        "en": "/saved <word> searches, /saved remove <number> removes one.",
    },
    "saved_none": {
        "zh": "这里还没有收藏。在喜欢的回复下点 👍，它就会收进这里。",
        "en": "Nothing kept here yet. Tap 👍 under a reply you like to keep it.",
    },
    "saved_none_for": {
        "zh": "收藏里没有含“{word}”的文案。",
        "en": "No kept copy here mentions “{word}”.",
    },
    "saved_removed": {
        "zh": "已从收藏里删除 #{item}。",
        "en": "Removed #{item} from the kept copy.",
    },
    "saved_not_found": {
        "zh": "这里的收藏里没有 #{item}。",
        "en": "There is no #{item} in the kept copy here.",
    },
    "feedback_like_variant": {
        "zh": "谢谢！第 {variant} 版已收进这里的收藏（/saved 查看）。",
        "en": "Thanks! Version {variant} is kept here: /saved lists it.",
    },
    "feedback_dislike": {
        "zh": "谢谢反馈！可以点「重新生成」，或直接告诉我哪里需要改。",
        "en": "Thanks for the feedback! Tap Regenerate, or tell me what to change.",
    },
    "reply_interrupted": {
        "zh": "（上次的回复还没写完，Muse 就中断了，那条没有保存。需要的话请再发一次。）",
        "en": "(Muse was interrupted before it finished your last reply, so it was not saved. "
        "Send it again if you still need it.)",
    },
    "history_trimmed": {
        "zh": "（对话较长，较早的内容已不在本次参考范围内。发送 /reset 可开始新对话。）",
        "en": "(This conversation is long, so older messages are no longer taken into account. "
        "Send /reset to start fresh.)",
    },
}


def text(key: str, lang: Lang, **values: object) -> str:
    """The sentence `key` in `lang`, with `values` filled in."""
    return _TEXTS[key][lang].format(**values)
