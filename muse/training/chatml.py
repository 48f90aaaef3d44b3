"""ChatML: the chat format Muse's model is trained and served in, and SFT's loss mask.

`render` and `CHAT_TEMPLATE` produce the same string: `<|im_start|>role\ncontent<|im_end|>\n`
per message (the format of Qwen and OpenAI's ChatML), `<|im_start|>assistant\n` appended when a
reply is wanted. The template goes into tokenizer_config.json, so the core's `LocalEngine`, a
model server and llama.cpp all build the prompt the model was trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
END_OF_TEXT = "<|endoftext|>"
SPECIAL_TOKENS = (END_OF_TEXT, IM_START, IM_END)

# Jinja, as Hugging Face's `apply_chat_template` runs it; must stay equal to `render`.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


def render(messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
    """The ChatML text of `messages`, exactly as `CHAT_TEMPLATE` renders it."""
    text = "".join(f"{IM_START}{m['role']}\n{m['content']}{IM_END}\n" for m in messages)
    return text + (f"{IM_START}assistant\n" if add_generation_prompt else "")


@dataclass(frozen=True, slots=True)
class Encoded:
    """Token ids of one dialogue and which of them the SFT loss is computed on."""

    ids: list[int]
    trained: list[bool]  # True on the assistant replies' tokens, their end-of-turn included


def assistant_spans(
    tokenizer: Any, messages: Sequence[Message], only_last: bool
) -> tuple[str, list[range]]:
    """The dialogue's text in the tokenizer's own chat template and the replies' character spans.

    A reply spans from the end of the prompt that asks for it (`add_generation_prompt`) to the
    end of the text with it, whitespace after its end-of-turn marker left out. This holds for any
    template that extends a dialogue only by appending, as ChatML and the common ones do.
    `only_last` keeps the final reply alone: earlier ones are history as the core stores it.
    """
    text = _template(tokenizer, messages, False)
    replies = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    if only_last:
        replies = replies[-1:]
    spans: list[range] = []
    for i in replies:
        if i == 0:
            raise ValueError("a dialogue must not start with an assistant message")
        start = len(_template(tokenizer, messages[:i], True))
        upto = _template(tokenizer, messages[: i + 1], False)
        if not text.startswith(upto) or not upto.startswith(text[:start]):
            raise ValueError("the tokenizer's chat template does not extend dialogues by appending")
        spans.append(range(start, len(upto.rstrip())))
    return text, spans


def encode_dialogues(
    tokenizer: Any, dialogues: Sequence[tuple[Sequence[Message], bool]]
) -> list[Encoded]:
    """Token ids of each (messages, only_last) dialogue, its replies marked for the loss.

    Tokenizing the whole text at once and marking tokens by their character offsets keeps the
    ids exactly those the serving prompt + reply tokenize to.
    """
    rendered = [
        assistant_spans(tokenizer, messages, only_last) for messages, only_last in dialogues
    ]
    batch = tokenizer(
        [text for text, _ in rendered],
        add_special_tokens=False,
        return_offsets_mapping=True,
        verbose=False,
    )
    encoded: list[Encoded] = []
    for (_, spans), ids, offsets in zip(
        rendered, batch["input_ids"], batch["offset_mapping"], strict=True
    ):
        trained = [any(start in span for span in spans) for start, _ in offsets]
        encoded.append(Encoded(list(ids), trained))
    return encoded


def _template(tokenizer: Any, messages: Sequence[Message], add_generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        list(messages), tokenize=False, add_generation_prompt=add_generation_prompt
    )
