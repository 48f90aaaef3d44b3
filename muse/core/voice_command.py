"""`/voice`: show the brand voice in force, or change a scope's own when the sender may."""

from __future__ import annotations

from muse.core.authority import Authority
from muse.core.config import Settings
from muse.core.history.store import VoiceStore
from muse.core.messages import Incoming, Lang
from muse.core.texts import text
from muse.core.voice import (
    WHERE,
    Level,
    VoiceInputError,
    apply,
    describe,
    parse_change,
    scopes,
    target,
)


async def answer_voice(
    voices: VoiceStore,
    settings: Settings,
    argument: str,
    msg: Incoming,
    lang: Lang,
    authority: Authority | None,
) -> str:
    """The reply to `/voice argument` sent as `msg`, having made the change it asks for.

    A person's own private chat is theirs to change; a channel or the workspace only for
    `MUSE_ADMINS` or whom the platform's `authority` allows.
    """
    try:
        change = parse_change(argument)
    except VoiceInputError as exc:
        return text(exc.key, lang, **exc.values)
    scope = target(msg, change.workspace)
    where = WHERE[lang][scope.level]
    if change.field == "show":
        if change.workspace:
            voice = await voices.get(scope)
            return describe(None if voice.empty else voice, scope.level, lang)
        found = await voices.find(scopes(msg))
        if found is None:
            return describe(None, None, lang)
        return describe(found[1], found[0].level, lang)
    allowed = (
        scope.level is Level.PERSON
        or settings.is_admin(msg.platform, msg.user_id)
        or (authority is not None and await authority.may_change(msg, scope.level))
    )
    if not allowed:
        return text("voice_refused", lang, where=where)
    voice = apply(await voices.get(scope), change)
    await voices.put(scope, voice, msg.user_id)
    return text("voice_cleared" if voice.empty else "voice_set", lang, where=where)
