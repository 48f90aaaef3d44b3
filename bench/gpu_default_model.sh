#!/usr/bin/env bash
# Train Muse's default model on a borrowed GPU host that has torch and transformers but no
# internet, in two halves:
#
#   here:  bash bench/gpu_default_model.sh prepare [PRESET]   # corpus + wheels into .carry/
#   there: bash bench/gpu_default_model.sh train   [PRESET]   # train, eval, export; pack to $OUT
#
# `prepare` builds the preset's corpus (package text, composed dialogues, drills) and packs its
# JSONL files into .carry/corpus.tar.xz, and downloads wheels for the few pure-Python needs of
# `muse train` that a bare torch image lacks (pydantic, jieba, …) into .carry/wheels/ for
# CPython 3.12 on x86-64 Linux. Carry .carry/ to the host (it is ignored by git; 64 MiB fits).
#
# `train` installs those wheels with --no-index, runs `muse train all` (tokenizer, pretraining,
# SFT, eval, export) and leaves in $OUT (default ./gpu-out) the exported model's safetensors
# shards (each ≤ 15 MB) one per file, and everything else — config, tokenizer, model card,
# metrics.json, samples.md, stage summaries and loss plots, the log — in model-rest.tar.gz.
# Unpack with: mkdir -p models/default && cp $OUT/*.safetensors models/default/ &&
# tar -xzf $OUT/model-rest.tar.gz -C models/default
#
# PRESET defaults to gpu; `tiny` proves both halves on a CPU in about a minute.
set -euo pipefail

mode=${1:?usage: bash bench/gpu_default_model.sh prepare|train [PRESET]}
preset=${2:-gpu}
carry=${CARRY:-.carry}
out=${OUT:-gpu-out}
# The service dependencies `muse train` imports (settings, the brief's keywords) that the GPU
# image lacks; pinned to what this checkout was tested with.
wheels=(
    pydantic==2.14.4 pydantic-core==2.50.5 pydantic-settings==2.16.3 annotated-types==0.8.0
    typing-inspection==0.4.5 python-dotenv==1.2.4 platformdirs==4.14.8
)

prepare() {
    local python=${PYTHON:-.venv/bin/python}
    rm -rf "$carry" && mkdir -p "$carry/wheels"
    "$python" -c 'from muse.training.cli import app; app()' corpus \
        --preset "$preset" --out "$carry/corpus"
    tar -C "$carry" --exclude 'tokens-*' -cJf "$carry/corpus.tar.xz" corpus
    rm -rf "$carry/corpus"
    "$python" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d "$carry/wheels" "${wheels[@]}"
    # jieba is published as a source archive only: build its (pure-Python) wheel here.
    "$python" -m pip wheel --quiet --no-deps -w "$carry/wheels" jieba==0.42.1
    du -sh "$carry"/*
}

train() {
    local python=${PYTHON:-python3} run=$PWD/gpu-run
    mkdir -p "$out" && out=$(cd "$out" && pwd)
    exec > >(tee "$out/train.log") 2>&1
    export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # this checkout's muse, uninstalled
    if ! "$python" -c 'import jieba, pydantic_settings, platformdirs' 2>/dev/null; then
        "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
            --upgrade --target /tmp/muse-site "$carry"/wheels/*.whl
        export PYTHONPATH="$PYTHONPATH:/tmp/muse-site"
    fi
    rm -rf "$run" && mkdir -p "$run/work/stages"
    tar -C "$run/work" -xJf "$carry/corpus.tar.xz"
    # The corpus was built here with the same preset: mark its stage done, as `muse train all`
    # would have, so the run starts at the tokenizer.
    "$python" - "$run" <<'EOF'
import json, sys
from pathlib import Path

from muse.training.pipeline import Layout

layout = Layout(Path(sys.argv[1]))
manifest = json.loads((layout.corpus / "manifest.json").read_text(encoding="utf-8"))
layout.marker("corpus").write_text(json.dumps(manifest), encoding="utf-8")
EOF
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
    local started=$SECONDS
    "$python" -c 'from muse.training.cli import app; app()' all --preset "$preset" --out "$run"
    echo "muse train all: $((SECONDS - started)) s wall"
    cp "$run"/*.safetensors "$out"/
    (
        cd "$run"
        find . -maxdepth 1 -type f ! -name '*.safetensors' ! -name rest.list -printf '%P\n' >rest.list
        ls work/stages/*.json work/*/summary.json work/*/loss.png >>rest.list
        tar -czf "$out/model-rest.tar.gz" -T rest.list
    )
    ls -l "$out"
}

case $mode in
    prepare) prepare ;;
    train) train ;;
    *) echo "unknown mode $mode: prepare or train" >&2; exit 2 ;;
esac
