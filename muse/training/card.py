"""The model card (README.md of the exported directory): data and licenses, training, metrics."""

from __future__ import annotations

from typing import Any

# Nats by which a repeated run must be easier than the first for a model to count as copying
# (an induction head takes it from ~10 nats to near 0, Olsson et al. 2022).
COPYING_GAIN = 1.0


def markdown_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """The lines of a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _number(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "—" if value is None else str(value)


def model_card(facts: dict[str, Any], metrics: dict[str, Any]) -> str:
    """Markdown for the exported model. `facts`: preset, manifest, stages, tokenizer, dtype."""
    manifest = facts.get("manifest", {})
    base = facts.get("base")
    origin = f"fine-tuned from {base}" if base else "a small Llama trained from scratch"
    stages = facts.get("stages", {})
    lines = [
        "---",
        "library_name: transformers",
        "pipeline_tag: text-generation",
        "language: [zh, en]",
        "---",
        "",
        "# Muse (缪斯) dialogue model",
        "",
        "A chat model for Muse, the creative-writing assistant for marketing teams (ad copy, "
        f"taglines, brainstorms, short-video scripts), {origin} by `muse train`. The chat "
        "template (in tokenizer_config.json) renders the messages Muse's skills send. It loads "
        "offline with `AutoModelForCausalLM` and `AutoTokenizer`; Muse uses it with "
        "`MUSE_MODEL_PATH=<this directory>`.",
        "",
        "## Training",
        "",
    ]
    rows = [["preset", facts.get("preset", "—")], ["weights", facts.get("dtype", "—")]]
    if facts.get("exported_on"):
        rows.append(["exported on", facts["exported_on"]])
    if base:
        rows.append(["base model", base])
    for name, summary in stages.items():
        if summary.get("device"):
            rows.append([f"{name} trained on", summary["device"]])
        if summary.get("train_s") is not None:
            rows.append([f"{name} training time", f"{summary['train_s'] / 60:.1f} min"])
        rows.append([f"{name} tokens seen", _number(summary.get("tokens"))])
        rows.append([f"{name} steps", _number(summary.get("steps"))])
        rows.append(
            [
                f"{name} final loss / val loss",
                f"{_number(summary.get('final_loss'))} / {_number(summary.get('val_loss'))}",
            ]
        )
    if stages:
        rows.append(["parameters", _number(list(stages.values())[-1].get("parameters"))])
    if facts.get("tokenizer"):
        tok = facts["tokenizer"]
        rows.append(
            [
                "tokenizer",
                f"byte-level BPE, {tok.get('vocab_size')} tokens, "
                f"{tok.get('chinese_chars_per_token')} Chinese characters per token",
            ]
        )
    lines += [*markdown_table(["", ""], rows), "", "## Data and licenses", ""]
    sources = [
        [s["name"], s["origin"], s["license"], s["weight"], _number(s["kept"]), _number(s["chars"])]
        for s in manifest.get("sources", [])
    ]
    authored = manifest.get("authored")
    if authored:
        sources.append(
            [
                "project-written creative examples",
                "muse/training/data (composed into dialogues)",
                authored["license"],
                1.0,
                _number(authored["examples"]),
                "—",
            ]
        )
        if authored.get("grounded_examples"):
            sources.append(
                [
                    "brief-grounded ad copy and taglines",
                    "muse/training/phrasebook.py: training categories' briefs in generic frames",
                    authored["license"],
                    1.0,
                    _number(authored["grounded_examples"]),
                    "—",
                ]
            )
    drills = manifest.get("drills")
    if drills:
        sources.append(
            [
                "copy drills",
                "muse/training/drills.py: spans of the package text recalled, coined names",
                "as the package text",
                f"{_number(facts.get('drill_share'))} of pretraining rows",
                _number(drills["documents"]),
                _number(drills["chars"]),
            ]
        )
    lines += markdown_table(
        ["source", "origin", "license", "weight", "documents", "characters"], sources
    )
    if authored:
        lines += [
            "",
            "Evaluation uses categories held out of training: "
            f"{'、'.join(authored['heldout_categories'])}.",
        ]
    if metrics:
        lines += ["", "## Evaluation (held-out categories)", ""]
        rows = [
            [
                "held-out replies: perplexity / bits per char",
                f"{_number(metrics['heldout_replies']['perplexity'], 2)} / "
                f"{_number(metrics['heldout_replies']['bits_per_char'])}",
            ],
            [
                "held-out package text: perplexity / bits per char",
                f"{_number(metrics['heldout_text']['perplexity'], 2)} / "
                f"{_number(metrics['heldout_text']['bits_per_char'])}",
            ],
        ]
        repeat = metrics.get("repeat_loss")
        if repeat:
            rows.append(
                [
                    "loss on random runs of held-out tokens / on their repeat "
                    "(copying from context)",
                    f"{_number(repeat['first'], 2)} / {_number(repeat['repeat'], 2)}",
                ]
            )
        for task, m in metrics.get("copy", {}).items():
            for key, value in m.items():
                rows.append([f"{task}: {key.replace('_', ' ')}", _number(value)])
        for task, m in metrics.get("structure", {}).items():
            rows.append([f"structure followed: {task}", _number(m["followed"])])
        memo = metrics.get("memorisation", {})
        if memo:
            rows.append(
                [
                    "longest overlap with training text (mean / max chars)",
                    f"{_number(memo['longest_overlap_mean'], 1)} / {memo['longest_overlap_max']}",
                ]
            )
            rows.append(
                [
                    "same for the hand-written references",
                    f"{_number(memo['reference_overlap_mean'], 1)} / "
                    f"{memo['reference_overlap_max']}",
                ]
            )
        lines += markdown_table(["metric", "value"], rows)
        lines += ["", "Sample replies to held-out briefs: samples.md."]
    lines += [
        "",
        "## Limits",
        "",
        "A model this small writes plausible short copy in the requested shape but makes "
        "factual and stylistic mistakes; Muse lints every ad and tagline against the ad-law "
        "term list and people should review copy before publishing.",
    ]
    repeat = metrics.get("repeat_loss")
    if repeat and repeat["copy_gain"] < COPYING_GAIN:
        lines += [
            "",
            "It has not learned to copy from its prompt (its loss on a repeated run of tokens is "
            "no lower than on the first), so it misspells names it has not seen. Muse's engine "
            "helps it spell the brief's product names in ad copy and taglines with its copy "
            "prior (`vllm_xargs` `copy_phrases` / `copy_bias`); other servers generate without it.",
        ]
    lines.append("")
    return "\n".join(lines)
