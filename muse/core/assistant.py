"""The assistant: one `Incoming` in, a stream of reply events out.

Order of work (ARCHITECTURE.md, data flow step 2): deduplicate by platform event id, refuse
over-long text, parse the command, then either answer directly (help, usage, reset, forget,
analyze) or run a skill on the model with the conversation's history — one generation at a
time per conversation, any number of conversations at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta

from muse.core.access import refusal
from muse.core.adlaw import AdLawLinter
from muse.core.analysis import analyze, render_analysis
from muse.core.authority import Authority
from muse.core.commands import Command, help_text, read, usage
from muse.core.config import Settings
from muse.core.formats import format_list, get_format
from muse.core.generation import EmptyReply, SkillRun
from muse.core.history.store import (
    Conversation,
    ConversationKey,
    FeedbackLog,
    HistoryStore,
    Library,
    UsageCounter,
    VoiceStore,
)
from muse.core.language import detect_language
from muse.core.library_command import after_vote, answer_saved
from muse.core.llm.client import (
    ModelClient,
    ModelError,
    ModelNotInstalled,
    ModelRequestRejected,
    ModelUnavailable,
)
from muse.core.locks import KeyedLocks
from muse.core.messages import (
    LIKED_PREFIX,
    Action,
    Done,
    Error,
    Incoming,
    Kind,
    Lang,
    ReplyEvent,
    Started,
    Variant,
)
from muse.core.prompt import build_prompt
from muse.core.quota import Busy, Slots, over_quota
from muse.core.skills.base import Skill
from muse.core.skills.registry import get_skill
from muse.core.texts import text
from muse.core.tokens import MESSAGE_OVERHEAD, estimate_tokens
from muse.core.voice import Voice, prompt_section, scopes
from muse.core.voice_command import answer_voice

log = logging.getLogger(__name__)

# Commands answered without the model, each as a skill name for Started/Done.
_LOCAL = {"help", "unknown", "reset", "forget", "analyze", "formats", "voice", "saved"}


def _sentence_for(error: ModelError) -> str:
    """The human sentence for a model failure, by its kind (engines have finer codes)."""
    for kind, key in (
        (ModelNotInstalled, "model_not_installed"),
        (EmptyReply, "empty_reply"),
        (ModelRequestRejected, "model_rejected"),
        (ModelUnavailable, "model_unavailable"),
    ):
        if isinstance(error, kind):
            return key
    return "internal"


class Assistant:
    """Platform-neutral core. Adapters call `handle` and render what it yields."""

    def __init__(
        self,
        store: HistoryStore,
        voices: VoiceStore,
        feedback: FeedbackLog,
        library: Library,
        usage: UsageCounter,
        model: ModelClient,
        linter: AdLawLinter,
        settings: Settings,
    ) -> None:
        self._store = store
        self._voices = voices
        self._feedback = feedback
        self._library = library
        self._usage = usage
        self._slots = Slots(settings.max_concurrent, settings.queue_wait_s)
        self._model = model
        self._linter = linter
        self._settings = settings
        self._locks = KeyedLocks()

    async def handle(
        self, msg: Incoming, authority: Authority | None = None
    ) -> AsyncIterator[ReplyEvent]:
        """Answer `msg`; yields nothing at all when its event id was already answered.

        `authority` is the platform's check of who may change a channel's or workspace's
        settings; without one only `MUSE_ADMINS` may.
        """
        lang = detect_language(msg.text, msg.language)
        if msg.event_id and not await self._store.claim_event(msg.platform, msg.event_id):
            return  # already answered (the store logs the duplicate)
        if refused := refusal(msg, self._settings):
            yield Error(text(refused, lang), refused, lang)
            return
        if len(msg.text) > self._settings.max_input_chars:
            yield Error(
                text("too_long", lang, length=len(msg.text), limit=self._settings.max_input_chars),
                "too_long",
                lang,
            )
            return
        try:
            async for event in self._dispatch(msg, lang, authority):
                yield event
        except Busy:
            log.warning("no generation slot", extra={"platform": msg.platform})
            yield Error(text("busy", lang), "busy", lang)
        except Exception:
            log.exception("request failed", extra={"platform": msg.platform})
            yield Error(text("internal", lang), "internal", lang)

    async def _dispatch(
        self, msg: Incoming, lang: Lang, authority: Authority | None
    ) -> AsyncIterator[ReplyEvent]:
        if msg.kind is Kind.ACTION:
            async for event in self._action(msg, lang):
                yield event
            return
        command = read(msg)
        if command.name == "chat" and not command.argument.strip():
            command = Command("help")  # a bare @mention or an empty message: say what Muse does
        if command.name in _LOCAL or command.missing_argument:
            yield Started(command.name, lang)
            if command.name == "voice":
                reply = await answer_voice(
                    self._voices, self._settings, command.argument, msg, lang, authority
                )
            elif command.name == "saved":
                reply = await answer_saved(self._library, command.argument, msg, lang)
            else:
                reply = await self._local(command.name, command.argument, msg, lang)
            yield Done(reply, command.name, language=lang)
            return
        fmt = get_format(command.format) if command.format else None
        skill = get_skill(command.name).with_format(fmt)
        key = ConversationKey.for_incoming(msg)
        async with self._locks.hold(f"key:{key}"):
            idle = timedelta(minutes=self._settings.idle_minutes)
            conversation = await self._store.open_conversation(key, idle)
        content = skill.user_prompt(command.argument, lang)
        brief = command.argument.strip()
        voice = await self._voice_for(msg)
        async for event in self._generate(msg, conversation, skill, content, brief, lang, voice):
            yield event

    async def _voice_for(self, msg: Incoming) -> Voice | None:
        """The brand voice that holds where `msg` was sent, if any."""
        found = await self._voices.find(scopes(msg))
        return found[1] if found else None

    async def _local(self, name: str, argument: str, msg: Incoming, lang: Lang) -> str:
        """Replies that need no model: usage lines, help, reset, forget and analysis."""
        if name == "help":
            return help_text(lang)
        if name == "unknown":
            return text("unknown_command", lang, command=argument)
        if name == "formats":
            return format_list(lang)
        if not argument and name not in ("reset", "forget"):
            return usage(name, lang)
        if name == "reset":
            await self._store.reset(ConversationKey.for_incoming(msg))
            return text("reset_done", lang)
        if name == "forget":
            rows = await self._store.forget(msg.platform, msg.workspace_id, msg.user_id)
            for kept in (self._voices, self._feedback, self._library):
                rows += await kept.forget(msg.platform, msg.workspace_id, msg.user_id)
            return text("forget_done", lang, rows=rows)
        report = await asyncio.to_thread(analyze, argument, self._linter)
        return render_analysis(report, lang)

    async def _action(self, msg: Incoming, lang: Lang) -> AsyncIterator[ReplyEvent]:
        """A button under an earlier reply: regenerate it or rework it in its conversation."""
        if msg.action is None or msg.target_message_id is None:
            raise ValueError("an action needs `action` and `target_message_id`")
        if msg.action.vote:
            stored = await self._store.add_feedback(
                msg.target_message_id,
                msg.platform,
                msg.workspace_id,
                msg.user_id,
                msg.action.vote,
            )
            if not stored:
                yield Error(text("target_gone", lang), "target_gone", lang)
                return
            await after_vote(self._store, self._library, msg)
            one = msg.variant is not None and msg.action is Action.LIKE
            if one:  # which draft won, for the preference pairs
                await self._feedback.record_action(
                    msg.target_message_id,
                    None,
                    msg.platform,
                    msg.workspace_id,
                    msg.user_id,
                    f"{LIKED_PREFIX}{msg.variant}",
                )
            yield Started("feedback", lang)
            key = "feedback_like_variant" if one else f"feedback_{msg.action}"
            thanks = text(key, lang, variant=msg.variant)
            yield Done(thanks, "feedback", language=lang)
            return
        target = await self._store.replied_message(msg.target_message_id)
        if target is None:
            yield Error(text("target_gone", lang), "target_gone", lang)
            return
        lang = detect_language(target.request, msg.language)
        skill = get_skill(target.skill).for_turn(target.request)
        content = (
            target.request if msg.action is Action.REGENERATE else skill.follow_up(msg.action, lang)
        )
        # The notice about trimmed history belongs to plain turns; buttons never repeat it.
        conversation = Conversation(target.conversation_id, trim_notice_sent=True)
        brief = skill.argument_of(target.request)  # reworks stay about the same product
        target_id, action = msg.target_message_id, msg.action.value
        voice = await self._voice_for(msg)
        async for event in self._generate(msg, conversation, skill, content, brief, lang, voice):
            if isinstance(event, Done):  # what preference pairs are derived from
                await self._feedback.record_action(
                    target_id, event.message_id, msg.platform, msg.workspace_id, msg.user_id, action
                )
            yield event

    async def _generate(
        self,
        msg: Incoming,
        conversation: Conversation,
        skill: Skill,
        content: str,
        brief: str | None,
        lang: Lang,
        voice: Voice | None,
    ) -> AsyncIterator[ReplyEvent]:
        """Run `skill` on `content` in `conversation`, storing both turns or the failure.

        `brief` is the command argument the reply must stay about (None for none); `voice` the
        brand voice in force (its section ends the system prompt).
        """
        if over := await over_quota(self._usage, self._settings, msg):
            yield Error(text(over, lang), over, lang)
            return
        yield Started(skill.name, lang)
        fmt = skill.format.name if skill.format else None
        # The conversation's lock first: a turn waiting behind its own conversation holds no
        # generation slot.
        async with self._locks.hold(f"conversation:{conversation.id}"), self._slots.hold():
            # No more turns can fit the budget than this (each costs at least the framing), so
            # long conversations are not read whole on every turn.
            budget = self._settings.history_tokens
            history = await self._store.turns(conversation.id, budget // MESSAGE_OVERHEAD + 1)
            system = skill.system_prompt(lang)
            if voice is not None:
                system += "\n\n" + prompt_section(voice, lang)
            prompt = build_prompt(system, history, content, budget)
            # A crash cut off an earlier reply here: say so once (README, "Crash safety").
            interrupted = await self._store.take_interrupted(conversation.id)
            turn_id = await self._store.add_user_turn(
                conversation.id,
                msg.user_id,
                content,
                estimate_tokens(content),
                skill.name,
                msg.message_id,
            )
            draws = skill.draws(self._settings.candidates)
            run = SkillRun(
                self._model,
                skill,
                prompt.messages,
                lang,
                self._linter,
                brief,
                draws=draws,
                voice=voice,
            )
            started = time.perf_counter()
            first_token: float | None = None
            try:
                async for delta in run.deltas():
                    first_token = first_token or time.perf_counter() - started
                    yield delta
                variants = await run.variants()
            except ModelError as exc:
                log.warning("generation failed", extra={"code": exc.code, "skill": skill.name})
                await self._store.fail_turn(turn_id, exc.code)
                yield Error(text(_sentence_for(exc), lang), exc.code, lang)
                return
            except BaseException as exc:
                # Cancelled, the adapter stopped listening, or a bug: never leave a half turn.
                await asyncio.shield(self._store.fail_turn(turn_id, type(exc).__name__))
                raise
            # History keeps the clean reply; lint markers are for the person, not the model.
            stored = skill.render([Variant(v.text) for v in variants], lang)
            notices: tuple[str, ...] = (text("reply_interrupted", lang),) if interrupted else ()
            if prompt.dropped and not conversation.trim_notice_sent:
                notices += (text("history_trimmed", lang),)
                await self._store.mark_trim_notice(conversation.id)
            reply_id: int | None = None
            try:
                reply_id = await self._store.complete_turn(
                    turn_id, stored, estimate_tokens(stored), skill.name
                )
            except LookupError:
                # The user ran /forget while this reply was written: show it, store nothing.
                log.info("reply not stored: turn forgotten", extra={"skill": skill.name})
            else:
                await self._feedback.record_generation(
                    reply_id, prompt.messages, skill.name, fmt, lang, run.records()
                )
        log.info(
            "turn done",
            extra={
                "conversation_id": conversation.id,
                "skill": skill.name,
                "variants": len(variants),
                "first_token_s": first_token,
                "total_s": time.perf_counter() - started,
            },
        )
        final = skill.render(variants, lang)
        yield Done(final, skill.name, tuple(variants), notices, reply_id, lang, skill.actions, fmt)
