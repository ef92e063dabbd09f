#!/usr/bin/python3
"""Fails when a test case of an integration script is missing from ctest.

Usage: registered_cases.py SCRIPT CLASS CASE...

tests/integration/CMakeLists.txt names every case of every script (one
ctest each); a test_ method added to CLASS in SCRIPT but not to that list
would never run in CI. This reads SCRIPT's syntax tree, so nothing of it
runs.
"""

import ast
import sys


def test_methods(script, class_name):
    with open(script, encoding="utf-8") as source:
        tree = ast.parse(source.read(), script)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return {f.name[len("test_"):] for f in node.body
                    if isinstance(f, ast.FunctionDef) and f.name.startswith("test_")}
    sys.exit("%s has no class %s" % (script, class_name))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    script, class_name, registered = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    defined = test_methods(script, class_name)
    missing = sorted(defined - registered)
    stale = sorted(registered - defined)
    for name in missing:
        print("%s: %s.test_%s is not registered in tests/integration/CMakeLists.txt" % (script, class_name, name))
    for name in stale:
        print("%s: CMakeLists.txt registers %s, which %s does not define" % (script, name, class_name))
    sys.exit(1 if missing or stale else 0)


if __name__ == "__main__":
    main()
