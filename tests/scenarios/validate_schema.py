#!/usr/bin/python3
"""Validates every built-in scenario file against resources/scenario.schema.json (JSON Schema 2020-12), and
checks that the schema refuses files with a typo or a wrong type, each at the place of the mistake.

Usage: validate_schema.py SCHEMA SCENARIO_DIR [FILE.json ...]
Extra files are validated too (a teacher's own, or a fuzzer's finding). Exit 0 when every built-in file
passes and every broken one is refused; 1 otherwise, listing what went wrong."""

import copy
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_schema.py: the Python module jsonschema is missing: install the Debian package "
             "python3-jsonschema (scripts/common.sh does) and run this with /usr/bin/python3")


def path_of(error):
    return "/" + "/".join(str(p) for p in error.absolute_path)


def messages(error):
    """The error's message and those of the alternatives that failed under it (anyOf, oneOf, if/then)."""
    yield error.message
    for sub in error.context or ():
        yield from messages(sub)


def errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))


# Broken copies of sleepers.json: (what, change, the JSON pointer of the mistake, a text its error names).
def broken_cases():
    def step_key_typo(d):
        d["workers"][0]["steps"][1]["iff"] = "sleep > 0"            # {"sleep": …, "iff": …}

    def step_wrong_type(d):
        d["workers"][0]["steps"][1]["sleep"] = "long"              # seconds, or a single ${…}

    def two_ops(d):
        d["workers"][0]["steps"][1]["print"] = "and a print"       # one step does one thing

    def unknown_op(d):
        d["main"].append({"sleeep": 1})

    def unknown_bare_step(d):
        d["main"].append("stop")

    def top_key_typo(d):
        d["worker"] = d.pop("workers")

    def param_key_typo(d):
        d["params"][1]["maximum"] = d["params"][1].pop("max")

    def param_wrong_type(d):
        d["params"][1]["min"] = "one"

    def choice_without_choices(d):
        del d["params"][0]["choices"]

    def bad_kind(d):
        d["kind"] = "fibre"

    def format_two(d):
        d["format"] = 2

    def copies_without_steps(d):
        d["main"].append({"copies": 2})

    def range_with_extra_key(d):
        d["workers"][0]["items"] = {"range": [0, 3], "step": 1}

    def headline_without_text(d):
        d["headline"].append({"if": "true"})

    def join_false(d):
        d["main"].append({"join": False})

    return [
        ("a typo'd step key", step_key_typo, "/workers/0/steps/1", "'iff'"),
        ("a step value of the wrong type", step_wrong_type, "/workers/0/steps/1/sleep", "'long'"),
        ("two ops in one step", two_ops, "/workers/0/steps/1", "valid under each of"),
        ("an unknown op", unknown_op, "/main/3", "'sleeep'"),
        ("an unknown bare step", unknown_bare_step, "/main/3", "'stop'"),
        ("a typo'd top-level key", top_key_typo, "/", "'worker'"),
        ("a typo'd parameter key", param_key_typo, "/params/1", "'maximum'"),
        ("a parameter bound of the wrong type", param_wrong_type, "/params/1/min", "'one'"),
        ("a choice parameter without choices", choice_without_choices, "/params/0", "'choices' is a required"),
        ("an unknown kind", bad_kind, "/kind", "'fibre'"),
        ("format 2", format_two, "/format", "1 was expected"),
        ("copies without steps", copies_without_steps, "/main/3", "'steps' is a required"),
        ("a range with another key", range_with_extra_key, "/workers/0/items", "'step'"),
        ("a headline rule without text", headline_without_text, "/headline/2", "'text' is a required"),
        ("join with false", join_false, "/main/3/join", "True was expected"),
    ]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    schema_path, scenario_dir, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []

    files = sorted(glob.glob(os.path.join(scenario_dir, "*.json"))) + extra
    if len(files) < 16:
        failures.append(f"expected the 16 built-in scenario files in {scenario_dir}, found {len(files)}")
    for name in files:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        for e in errors(validator, doc):
            failures.append(f"{name}: {path_of(e)}: {e.message}")
    print(f"{len(files)} scenario files checked against {os.path.basename(schema_path)}")

    with open(os.path.join(scenario_dir, "sleepers.json"), encoding="utf-8") as f:
        sleepers = json.load(f)
    # The cases below change sleepers.json at these places: make sure they are still what the cases expect.
    assert "sleep" in sleepers["workers"][0]["steps"][1], "sleepers.json's second worker step is no longer a sleep"
    assert len(sleepers["main"]) == 3 and len(sleepers["headline"]) == 2 and len(sleepers["params"]) >= 2
    # A comment key is allowed anywhere a step's keys are checked.
    commented = copy.deepcopy(sleepers)
    commented["workers"][0]["steps"][1]["_note"] = "a comment"
    for e in errors(validator, commented):
        failures.append(f"a '_' comment key in a step was refused: {path_of(e)}: {e.message}")
    for what, change, where, says in broken_cases():
        doc = copy.deepcopy(sleepers)
        change(doc)
        found = errors(validator, doc)
        at = [e for e in found if path_of(e) == where and any(says in m for m in messages(e))]
        if not at:
            failures.append(f"{what}: not refused at {where} with an error naming {says} (errors: "
                            + ("; ".join(f"{path_of(e)}: {e.message}" for e in found) or "none") + ")")
        else:
            print(f"refused as it should be: {what}: {path_of(at[0])}: {at[0].message[:100]}")
    print(f"{len(broken_cases())} broken files checked")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
