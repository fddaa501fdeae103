#!/usr/bin/env python3
"""trim-litellm.py: make the demo catalog from LiteLLM's price map.

Keeps the models the marketplace can list (with a mode and a price) and
only the fields the importer reads.  Run by a maintainer when refreshing
the demo data; the output is committed (a fresh clone needs no network).

    python3 sql/demo/trim-litellm.py SRC.json > sql/demo/litellm-models.json
"""
import json
import sys

MODES = {"chat", "completion", "responses", "embedding", "image_generation",
         "audio_transcription", "audio_speech", "rerank", "moderation"}
KEEP = ("litellm_provider", "mode", "max_input_tokens", "max_output_tokens",
        "input_cost_per_token", "output_cost_per_token",
        "cache_read_input_token_cost", "output_cost_per_image",
        "input_cost_per_second", "deprecation_date")


def main(path):
    with open(path, encoding="utf-8") as f:
        src = json.load(f, parse_float=str)   # keep prices' exact text
    out = {}
    for name, entry in src.items():
        if not isinstance(entry, dict) or name == "sample_spec":
            continue
        if entry.get("mode") not in MODES:
            continue
        if not any(k in entry for k in ("input_cost_per_token",
                                        "output_cost_per_image",
                                        "input_cost_per_second")):
            continue
        kept = {k: entry[k] for k in KEEP if k in entry}
        kept.update({k: True for k, v in entry.items()
                     if k.startswith("supports_") and v is True})
        out[name] = kept
    # One model per line keeps diffs readable; prices keep their digits.
    lines = []
    for name, entry in out.items():
        fields = []
        for k, v in entry.items():
            if k.endswith(("_token", "_image", "_second")):
                fields.append("%s:%s" % (json.dumps(k), v))
            else:
                fields.append("%s:%s" % (json.dumps(k), json.dumps(v)))
        lines.append("%s:{%s}" % (json.dumps(name, ensure_ascii=False),
                                   ",".join(fields)))
    sys.stdout.write("{\n" + ",\n".join(lines) + "\n}\n")

if __name__ == "__main__":
    main(sys.argv[1])
