"""Reading a YAML template with cfn-lint's decoder: only what state machines need, in linear time.

cfn-lint's loader composes the whole document with libyaml (fast), then its
Python constructor builds every node with its position and reads the short
tags (``!Sub``, ``!GetAtt``...). Here the composed graph is walked once (each
node once, so aliases cannot multiply the work) to find keys written twice, and
the constructor is run only on the parts a state machine is read from: the
state machine resources, and Serverless Framework's ``stepFunctions``. A
template of 10,000 other resources costs its composition, not 10,000 constructions.

cfn-lint refuses a mapping with a key written twice; SAM CLI and other
PyYAML-based deploy tools keep the last value and go on, so wfverify does the
same (to check what gets deployed) and reports each repeat as
``duplicate-template-key`` where the earlier key is written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["decode_keeping_last"]

_WANTED_TYPES = {"AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"}


def decode_keeping_last(text: str) -> tuple[Any, list[tuple[str, int, int]]]:
    """The template's state machine parts, and (key, line0, column0) for every repeated key."""
    from cfnlint.decode import cfn_yaml
    from cfnlint.decode.node import dict_node

    loader = cfn_yaml.CfnFullLoader(text, None)
    loader.add_multi_constructor("!", cfn_yaml.multi_constructor)
    try:
        root = loader.get_single_node()
        if root is None:
            return {}, []
        repeats = _keep_last(root)
        template = _construct(loader, root, dict_node)
    finally:
        loader.dispose()
    if "&" in text:
        cfn_yaml._guard_alias_expansion(template, None)
    return template, repeats


def _keep_last(root: Any) -> list[tuple[str, int, int]]:
    """Drop the earlier of repeated keys in every mapping (each node visited once)."""
    from yaml import MappingNode, ScalarNode, SequenceNode

    repeats: list[tuple[str, int, int]] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            index: dict[str, int] = {}
            kept: list[Any] = []
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else None
                if key is not None and key in index and key_node.tag != "tag:yaml.org,2002:merge":
                    earlier = kept[index[key]][0]
                    repeats.append((str(key), earlier.start_mark.line, earlier.start_mark.column))
                    kept[index[key]] = (key_node, value_node)
                else:
                    if key is not None:
                        index[key] = len(kept)
                    kept.append((key_node, value_node))
                stack.append(value_node)
            node.value = kept
            node.using_merge = True  # repeats are handled above; cfn-lint's own check compares all pairs
    return sorted(repeats, key=lambda r: (r[1], r[2]))


def _entries(node: Any) -> list[tuple[Any, Any]]:
    from yaml import MappingNode

    return list(node.value) if isinstance(node, MappingNode) else []


def _scalar(node: Any) -> str | None:
    from yaml import ScalarNode

    return str(node.value) if isinstance(node, ScalarNode) else None


def _construct(loader: Any, root: Any, dict_node: Any) -> Any:
    """A dict_node of the top level holding ``Resources`` (state machines only), ``stepFunctions``
    and ``resources`` (Serverless: its ``Resources`` likewise)."""
    from yaml import MappingNode

    if not isinstance(root, MappingNode):
        return loader.construct_document(root)
    top: dict[Any, Any] = {}
    for key_node, value_node in _entries(root):
        name = _scalar(key_node)
        if name == "Resources":
            top[loader.construct_object(key_node)] = _machines(loader, value_node, dict_node)
        elif name == "stepFunctions":
            top[loader.construct_object(key_node)] = loader.construct_object(value_node, deep=True)
        elif name == "resources":
            top[loader.construct_object(key_node)] = _construct(loader, value_node, dict_node)
    return dict_node(top, root.start_mark, root.end_mark)


def _machines(loader: Any, node: Any, dict_node: Any) -> Any:
    out: dict[Any, Any] = {}
    for logical_id, resource in _entries(node):
        kind = next((_scalar(v) for k, v in _entries(resource) if _scalar(k) == "Type"), None)
        if kind in _WANTED_TYPES:
            out[loader.construct_object(logical_id)] = loader.construct_object(resource, deep=True)
    return dict_node(out, node.start_mark, node.end_mark)
