"""Prints, as JSON, what a Python program does with one SDK module: every call of a class
from it (keyword arguments as typed values, nested calls included) and every attribute read
from a variable bound to such a call. Used by examples.test.ts to check the Python example
against the package schema without running Python's Pulumi SDK. Usage: pythonCalls.py FILE ALIAS
"""

import ast
import json
import sys


def module_attr(node, alias):
    """`alias.X` -> "X", `alias.X.Y` -> "X.Y", else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == alias and parts:
        return ".".join(parts)
    return None


def value(node, alias):
    if isinstance(node, ast.Constant):
        return {"const": node.value}
    if isinstance(node, (ast.List, ast.Tuple)):
        return {"list": [value(e, alias) for e in node.elts]}
    if isinstance(node, ast.Dict):
        return {"dict": {k.value: value(v, alias) for k, v in zip(node.keys, node.values)}}
    if isinstance(node, ast.Call) and module_attr(node.func, alias):
        return call(node, alias)
    named = module_attr(node, alias)
    if named:
        return {"member": named}
    return {"expr": ast.unparse(node)}


def call(node, alias):
    return {
        "call": module_attr(node.func, alias),
        "line": node.lineno,
        "args": [value(a, alias) for a in node.args],
        "kwargs": {k.arg: value(k.value, alias) for k in node.keywords},
    }


def main(path, alias):
    tree = ast.parse(open(path, encoding="utf8").read(), path)
    calls, reads, bound = [], [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            name = module_attr(node.value.func, alias)
            if name:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        bound[target.id] = name
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and module_attr(node.func, alias):
            calls.append(call(node, alias))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in bound:
                reads.append({"of": bound[node.value.id], "attr": node.attr, "line": node.lineno})
    print(json.dumps({"calls": calls, "reads": reads}))


main(sys.argv[1], sys.argv[2])
