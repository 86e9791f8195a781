"""The registry of rule kinds. A template's rules are data; the Python here is the kinds.

:func:`compile_rules` turns every rule of a template into checks (validating each rule's params
and the fields its messages use), once per template.
"""

from __future__ import annotations

import string
from functools import cache

from models.rules import carryover, meta, prose, tables  # noqa: F401  (each registers its kinds)
from models.rules.base import KINDS, Check, Context, Env, Reads, RuleKind
from models.template import ReportTemplate, RuleSpec, TemplateError

__all__ = ["KINDS", "Check", "Context", "Env", "Reads", "RuleKind", "compile_rules"]


def _message_fields(text: str) -> set[str]:
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:  # an unmatched brace
        raise TemplateError(f"消息格式错误：{text!r}（{exc}）") from None


def _validate(rule: RuleSpec, rule_kind: RuleKind) -> None:
    unknown = set(rule.params) - rule_kind.params
    if unknown:
        raise TemplateError(f"规则 {rule.id}: 类型 {rule.kind} 没有参数 {sorted(unknown)}")
    extra = set(rule.messages) - rule_kind.variants
    if extra:
        raise TemplateError(f"规则 {rule.id}: 类型 {rule.kind} 没有消息 {sorted(extra)}")
    allowed: frozenset[str] = getattr(rule_kind, "fields", frozenset())
    for text in (rule.message, *rule.messages.values()):
        bad = _message_fields(text) - allowed
        if bad and "*" not in allowed:
            raise TemplateError(f"规则 {rule.id}: 消息中的 {sorted(bad)} 不是可用的字段（可用：{sorted(allowed)}）")


@cache
def compile_rules(template: ReportTemplate) -> tuple[Check, ...]:
    """Every check of the template's rules, in template order. Raises :class:`TemplateError`
    for an unknown kind, unknown params or cells, or a message naming a field the kind lacks."""
    env = Env(template)
    out: list[Check] = []
    for rule in template.rules:
        rule_kind = KINDS.get(rule.kind)
        if rule_kind is None:
            raise TemplateError(f"规则 {rule.id}: 未知类型 {rule.kind!r}（可用：{'、'.join(sorted(KINDS))}）")
        _validate(rule, rule_kind)
        try:
            out.extend(rule_kind.compile(rule, env))
        except TemplateError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise TemplateError(f"规则 {rule.id}: 参数格式错误 {exc!r}") from None
    return tuple(out)
