"""Reading a YAML template with cfn-lint's decoder, in linear time, keeping the last of repeated keys.

cfn-lint's decoder refuses a mapping with a key written twice, and finds
repeats by comparing every key with every earlier one (10,000 resources take
seconds). SAM CLI and other PyYAML-based deploy tools keep the last value and go
on, so wfverify does the same (to check what gets deployed): repeats are found
with a dict, reported as ``duplicate-template-key`` where the earlier key is
written, and cfn-lint constructs the rest (positions on every node, short tags).
"""

from __future__ import annotations

from typing import Any

__all__ = ["decode_keeping_last"]


def decode_keeping_last(text: str) -> tuple[Any, list[tuple[str, int, int]]]:
    """The template with the last value of each repeated key, and (key, line0, column0) per repeat."""
    from cfnlint.decode import cfn_yaml
    from yaml import MappingNode, ScalarNode

    repeats: list[tuple[str, int, int]] = []

    class _Loader(cfn_yaml.CfnFullLoader):  # type: ignore[misc]
        def construct_last(self, node: MappingNode) -> Any:
            seen: dict[str, int] = {}
            kept: list[Any] = []
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else None
                if key is not None and key in seen:
                    earlier = kept[seen[key]][0]
                    repeats.append((str(key), earlier.start_mark.line, earlier.start_mark.column))
                    kept[seen[key]] = (key_node, value_node)
                    continue
                if key is not None:
                    seen[key] = len(kept)
                kept.append((key_node, value_node))
            node.value = kept
            merged = any(getattr(k, "tag", "") == "tag:yaml.org,2002:merge" for k, _ in kept)
            node.using_merge = getattr(node, "using_merge", False) or not merged  # repeats are handled above
            return cfn_yaml.NodeConstructor.construct_yaml_map(self, node)

    _Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_last)
    loader = _Loader(text, None)
    loader.add_multi_constructor("!", cfn_yaml.multi_constructor)
    try:
        template = loader.get_single_data()
    finally:
        loader.dispose()
    if isinstance(text, str) and "&" in text:
        cfn_yaml._guard_alias_expansion(template, None)
    return template, repeats
