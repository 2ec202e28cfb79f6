#!/usr/bin/python3
"""Validates every built-in scenario file against resources/scenario.schema.json (JSON Schema 2020-12), and
checks that the schema refuses files with a typo or a wrong type, each at the place of the mistake. With
--forkscope, `forkscope check` must refuse each of those broken files too, at the same place, and accept a
changed file the schema accepts: the schema and the loader agree. A few files only the loader can refuse
(a name, a value out of range) show where the schema stops.

Usage: validate_schema.py SCHEMA SCENARIO_DIR [--forkscope FORKSCOPE] [FILE.json ...]
Extra files are validated too (a teacher's own, or the fuzzer's seed with every step). Exit 0 when every
file passes and every broken one is refused; 1 otherwise, listing what went wrong."""

import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

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

    def preset_without_id(d):
        d["presets"] = [{"name": "a quick look", "params": {"sleep": 0.1}}]

    def preset_id_with_spaces(d):
        d["presets"] = [{"id": "a quick look", "name": "a quick look", "params": {"sleep": 0.1}}]

    def preset_value_a_list(d):
        d["presets"] = [{"id": "quick", "name": "a quick look", "params": {"sleep": [0.1]}}]

    def caption_rule_typo(d):
        d["caption"] = [{"iff": "true", "text": "slept"}]

    # (what, change, where the schema refuses it, a text its error names,
    #  where `forkscope check` refuses it, a text its message names)
    return [
        ("a typo'd step key", step_key_typo, "/workers/0/steps/1", "'iff'",
         "/workers/0/steps/1/iff", "unknown key 'iff'"),
        ("a step value of the wrong type", step_wrong_type, "/workers/0/steps/1/sleep", "'long'",
         "/workers/0/steps/1/sleep", "'long'"),
        ("two ops in one step", two_ops, "/workers/0/steps/1", "valid under each of",
         "/workers/0/steps/1/print", "a step does one thing"),
        ("an unknown op", unknown_op, "/main/3", "'sleeep'", "/main/3", "a step needs one of"),
        ("an unknown bare step", unknown_bare_step, "/main/3", "'stop'", "/main/3", "unknown step 'stop'"),
        ("a typo'd top-level key", top_key_typo, "/", "'worker'", "/worker", "unknown key 'worker'"),
        ("a typo'd parameter key", param_key_typo, "/params/1", "'maximum'",
         "/params/1/maximum", "unknown key 'maximum'"),
        ("a parameter bound of the wrong type", param_wrong_type, "/params/1/min", "'one'",
         "/params/1/min", "needs 'min' (a number)"),
        ("a choice parameter without choices", choice_without_choices, "/params/0", "'choices' is a required",
         "/params/0", "needs 'choices'"),
        ("an unknown kind", bad_kind, "/kind", "'fibre'", "/kind", "fibre"),
        ("format 2", format_two, "/format", "1 was expected", "/format", "reads format 1 files, not 2"),
        ("copies without steps", copies_without_steps, "/main/3", "'steps' is a required",
         "/main/3", "needs 'steps'"),
        ("a range with another key", range_with_extra_key, "/workers/0/items", "'step'",
         "/workers/0/items", "range"),
        ("a headline rule without text", headline_without_text, "/headline/2", "'text' is a required",
         "/headline/2", "a headline rule is"),
        ("join with false", join_false, "/main/3/join", "True was expected", "/main/3/join", "takes true"),
        ("a preset without an id", preset_without_id, "/presets/0", "'id' is a required",
         "/presets/0", "a preset is {\"id\""),
        ("a preset id with spaces", preset_id_with_spaces, "/presets/0/id", "does not match",
         "/presets/0/id", "a preset's id is lower case letters"),
        ("a preset value that is a list", preset_value_a_list, "/presets/0/params/sleep", "is not of type",
         "/presets/0/params/sleep", "a number or a text, not a list"),
        ("a typo'd caption rule key", caption_rule_typo, "/caption/0", "'iff'",
         "/caption/0/iff", "unknown key 'iff'"),
    ]


# Broken files the schema cannot refuse (it knows shapes, not names or ranges), and `forkscope check` does.
def loader_only_cases():
    def preset_value_out_of_range(d):
        d["presets"] = [{"id": "slow", "name": "very slow", "params": {"sleep": 99999}}]

    def preset_unknown_parameter(d):
        d["presets"] = [{"id": "many", "name": "many", "params": {"sleeper": 3}}]

    def unknown_lock(d):
        d["workers"][0]["steps"].append({"lock": "balance"})

    return [
        ("a preset value out of range", preset_value_out_of_range, "/presets/0/params/sleep",
         "'99999' is not allowed for 'sleep'"),
        ("a preset naming no parameter", preset_unknown_parameter, "/presets/0/params/sleeper",
         "unknown parameter 'sleeper'"),
        ("a lock nobody declared", unknown_lock, "/workers/0/steps/3/lock", "unknown lock 'balance'"),
    ]


def with_a_preset(d):
    """A change both must accept: a preset with an id, in words, and values the parameters allow."""
    d["presets"] = [{"id": "quick", "name": "a quick look", "params": {"sleep": 0.1, "kind": "thread"},
                     "_note": "a comment"}]


class Checker:
    """`forkscope check` on a file written to a folder of its own."""

    def __init__(self, forkscope, folder):
        self.forkscope = forkscope
        self.folder = folder
        self.count = 0

    def check(self, doc):
        self.count += 1
        path = os.path.join(self.folder, f"case-{self.count}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
        p = subprocess.run([self.forkscope, "check", path], capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout + p.stderr


def refused_at(output, where, says):
    """Whether one of check's lines (file:line:column: /pointer: message) is at `where` and says `says`."""
    return any(f": {where}: " in line and says in line for line in output.splitlines())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("schema")
    parser.add_argument("scenario_dir")
    parser.add_argument("--forkscope", help="the forkscope executable: its check must agree with the schema")
    parser.add_argument("extra", nargs="*", help="more files that must pass")
    args = parser.parse_intermixed_args()
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []

    builtin = sorted(glob.glob(os.path.join(args.scenario_dir, "*.json")))
    if len(builtin) < 16:
        failures.append(f"expected the 16 built-in scenario files in {args.scenario_dir}, found {len(builtin)}")
    for name in builtin + args.extra:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        for e in errors(validator, doc):
            failures.append(f"{name}: {path_of(e)}: {e.message}")
    print(f"{len(builtin) + len(args.extra)} scenario files checked against {os.path.basename(args.schema)}")

    with open(os.path.join(args.scenario_dir, "sleepers.json"), encoding="utf-8") as f:
        sleepers = json.load(f)
    # The cases below change sleepers.json at these places: make sure they are still what the cases expect.
    assert "sleep" in sleepers["workers"][0]["steps"][1], "sleepers.json's second worker step is no longer a sleep"
    assert len(sleepers["workers"][0]["steps"]) == 3, "sleepers.json's worker no longer has three steps"
    assert len(sleepers["main"]) == 3 and len(sleepers["headline"]) == 2 and len(sleepers["params"]) >= 3
    assert "presets" not in sleepers and "caption" not in sleepers and "locks" not in sleepers

    with tempfile.TemporaryDirectory(prefix="forkscope-schema-") as folder:
        checker = Checker(args.forkscope, folder) if args.forkscope else None

        # Changes both must accept: a comment key in a step, a preset.
        commented = copy.deepcopy(sleepers)
        commented["workers"][0]["steps"][1]["_note"] = "a comment"
        preset = copy.deepcopy(sleepers)
        with_a_preset(preset)
        for what, doc in (("a '_' comment key in a step", commented), ("a preset", preset)):
            for e in errors(validator, doc):
                failures.append(f"{what}: refused by the schema: {path_of(e)}: {e.message}")
            if checker:
                rc, out = checker.check(doc)
                if rc != 0:
                    failures.append(f"{what}: refused by forkscope check (exit {rc}): {out.strip()}")

        for what, change, where, says, loader_where, loader_says in broken_cases():
            doc = copy.deepcopy(sleepers)
            change(doc)
            found = errors(validator, doc)
            at = [e for e in found if path_of(e) == where and any(says in m for m in messages(e))]
            if not at:
                failures.append(f"{what}: not refused by the schema at {where} with an error naming {says} "
                                "(errors: " + ("; ".join(f"{path_of(e)}: {e.message}" for e in found) or "none")
                                + ")")
            else:
                print(f"refused by the schema as it should be: {what}: {path_of(at[0])}: {at[0].message[:90]}")
            if checker:
                rc, out = checker.check(doc)
                if rc != 2 or not refused_at(out, loader_where, loader_says):
                    failures.append(f"{what}: forkscope check should exit 2 naming {loader_where} and "
                                    f"'{loader_says}'; it exited {rc}: {out.strip()}")
                else:
                    print(f"  and by forkscope check: {loader_where}")
        print(f"{len(broken_cases())} broken files checked" + (" by both" if checker else " by the schema"))

        for what, change, where, says in loader_only_cases():
            doc = copy.deepcopy(sleepers)
            change(doc)
            found = errors(validator, doc)
            if found:  # the schema learnt something: move the case to broken_cases
                failures.append(f"{what}: the schema refuses it now ({path_of(found[0])}: {found[0].message})")
            if checker:
                rc, out = checker.check(doc)
                if rc != 2 or not refused_at(out, where, says):
                    failures.append(f"{what}: forkscope check should exit 2 naming {where} and '{says}'; "
                                    f"it exited {rc}: {out.strip()}")
                else:
                    print(f"refused by forkscope check alone, as it should be: {what}: {where}")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
