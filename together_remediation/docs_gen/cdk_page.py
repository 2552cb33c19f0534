"""``docs/cdk.md``: the ``together_cdk`` API from its docstrings (Sphinx ``:param:`` style) and
type hints.

Every name ``together_cdk`` exports from its own modules is documented: constructs with their
props (type, default, description) and their computed attributes (token getters) and methods,
the props' value types (dataclasses), the enums with their values, and the typed references
to computed objects. A prop without a ``:param:`` or a getter without a docstring is an error.
"""

from __future__ import annotations

import ast
import re
import dataclasses
import enum
import inspect
import textwrap
import typing
from typing import Any

import docstring_parser

from together_remediation.docs_gen.terraform_pages import GENERATED_NOTE, Problems

HEADER = """# together_cdk: CDK for Terraform constructs

`together_cdk` gives typed constructs for the `together-remediation/together` provider, for
CDKTF apps in Python (on `cdktf` or its fork `cdktn`). Every prop is checked when the construct
is created: a bad value raises `PropError` naming the construct and the prop, before anything
reaches Terraform or the API. Computed attributes are tokens that Terraform resolves at apply.

In the props tables, a default in the description (such as "(default `"30s"`)") is what
applies when the prop is left out: the construct writes nothing and the provider (or the
construct) uses that value; "—" means left out with no further default."""

# What every construct's first two arguments are, for a docstring that does not say.
COMMON_ARGUMENTS = {"scope": "the stack (or a construct in it) the construct belongs to.", "id": "the construct id."}

SECTIONS = (
    ("Constructs", "construct"),
    ("Prop types", "dataclass"),
    ("Enums", "enum"),
    ("References to computed objects", "reference"),
    ("Errors", "error"),
)


def cdk_page(problems: Problems) -> str:
    import together_cdk

    exported = [getattr(together_cdk, name) for name in together_cdk.__all__]
    own = [obj for obj in exported if inspect.isclass(obj) and obj.__module__.startswith("together_cdk.")]
    parts = [GENERATED_NOTE, HEADER, _overview(together_cdk.__doc__ or "")]
    by_kind: dict[str, list[type]] = {kind: [] for _, kind in SECTIONS}
    for cls in own:
        by_kind[_kind(cls)].append(cls)
    parts.append(_contents(by_kind))
    for title, kind in SECTIONS:
        parts.append(f"## {title}")
        for cls in by_kind[kind]:
            parts.append(_RENDERERS[kind](cls, problems))
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


def _kind(cls: type) -> str:
    if issubclass(cls, enum.Enum):
        return "enum"
    if dataclasses.is_dataclass(cls) or typing.is_typeddict(cls):
        return "dataclass"
    if issubclass(cls, Exception):
        return "error"
    if "scope" in inspect.signature(cls.__init__).parameters:
        return "construct"
    return "reference"


def _overview(module_doc: str) -> str:
    """The package docstring: how to use it, with its example as a Python block."""
    text = inspect.cleandoc(module_doc)
    intro, _, example = text.partition("::")
    if not example:
        return intro
    return f"{intro.strip()}:\n\n```python\n{textwrap.dedent(example).strip()}\n```"


def _contents(by_kind: dict[str, list[type]]) -> str:
    lines = []
    for title, kind in SECTIONS:
        names = ", ".join(f"[`{cls.__name__}`](#{cls.__name__.lower()})" for cls in by_kind[kind])
        lines.append(f"- {title}: {names}")
    return "\n".join(lines)


# How a :param: states a default, most explicit first: "(default `"30s"`)", "(default: none)",
# "`WaitFor.TERMINAL` (default)", "default `NONE`".
DEFAULT_IN_PARAM = (
    re.compile(r"\(default:? ((?:[^(),]|\([^()]*\))*)[,)]"),  # up to a comma: "(default `30s`, at least `1s`)"
    re.compile(r"(`[^`]+`) \(default\)"),
    re.compile(r"\b[Dd]efault:? (`[^`]+`)"),
)


def _cell(text: str) -> str:
    """One line for a table cell."""
    return " ".join((text or "").split()).replace("|", "\\|")


def _description(doc: docstring_parser.Docstring) -> str:
    return "\n\n".join(part for part in (doc.short_description, doc.long_description) if part)


def _construct(cls: type, problems: Problems) -> str:
    doc = docstring_parser.parse(inspect.getdoc(cls) or "")
    if not doc.short_description:
        problems.errors.append(f"together_cdk.{cls.__name__} has no docstring")
    described = {param.arg_name: param.description or "" for param in doc.params}
    signature = inspect.signature(cls.__init__)
    rows = ["| prop | type | default | description |", "|---|---|---|---|"]
    for name, parameter in list(signature.parameters.items())[1:]:
        if parameter.kind == parameter.VAR_POSITIONAL:
            continue
        description = described.get(name) or COMMON_ARGUMENTS.get(name, "")
        if not description:
            problems.errors.append(f"together_cdk.{cls.__name__}: prop {name!r} has no :param: description")
        # `**meta: Unpack[MetaArguments]`: keyword arguments a TypedDict lists (documented with it).
        rows.append(_prop_row(name, parameter, description))
    parts = [f"### {cls.__name__}", f"`{cls.__module__.rsplit('.', 1)[0]}.{cls.__name__}`", _description(doc), "Props:", "\n".join(rows)]
    parts.extend(_members(cls, problems))
    return "\n\n".join(parts)


def _dataclass(cls: type, problems: Problems) -> str:
    doc = docstring_parser.parse(inspect.getdoc(cls) or "")
    described = {param.arg_name: param.description or "" for param in doc.params}
    rows = ["| field | type | default | description |", "|---|---|---|---|"]
    if typing.is_typeddict(cls):  # keyword arguments, each optional
        for name, hint in cls.__annotations__.items():
            if not described.get(name):
                problems.errors.append(f"together_cdk.{cls.__name__}: key {name!r} has no :param: description")
            rows.append(f"| `{name}` | `{_cell(_annotation(hint))}` | — | {_cell(described.get(name, ''))} |")
        return "\n\n".join([f"### {cls.__name__}", _description(doc), "\n".join(rows)])
    signature = inspect.signature(cls)
    for field in dataclasses.fields(cls):
        if not described.get(field.name):
            problems.errors.append(f"together_cdk.{cls.__name__}: field {field.name!r} has no :param: description")
        rows.append(_prop_row(field.name, signature.parameters[field.name], described.get(field.name, ""), field.type))
    return "\n\n".join([f"### {cls.__name__}", _description(doc), "\n".join(rows)])


def _enum(cls: type, problems: Problems) -> str:
    doc = inspect.getdoc(cls) or ""
    member_docs = _enum_member_docs(cls)
    rows = ["| member | value | meaning |", "|---|---|---|"]
    for member in cls:
        rows.append(f"| `{member.name}` | `{member.value}` | {_cell(member_docs.get(member.name, ''))} |")
    return "\n\n".join([f"### {cls.__name__}", doc, "A prop that takes one accepts the member or its value.", "\n".join(rows)])


def _reference(cls: type, problems: Problems) -> str:
    doc = inspect.getdoc(cls) or ""
    if not doc:
        problems.errors.append(f"together_cdk.{cls.__name__} has no docstring")
    return "\n\n".join([f"### {cls.__name__}", doc, *_members(cls, problems)])


def _members(cls: type, problems: Problems) -> list[str]:
    """Computed attributes (properties) and public methods, from the class and its together_cdk bases."""
    attributes, methods = [], []
    seen: set[str] = set()
    for owner in cls.__mro__:
        if not owner.__module__.startswith("together_cdk"):
            continue
        for name, member in vars(owner).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(member, property):
                summary = inspect.getdoc(member) or ""
                if not summary:
                    problems.errors.append(f"together_cdk.{cls.__name__}.{name} has no docstring")
                returns = inspect.signature(member.fget).return_annotation
                attributes.append(f"| `{name}` | `{_cell(_annotation(returns))}` | {_cell(summary)} |")
            elif inspect.isfunction(member):
                summary = inspect.getdoc(member) or ""
                if not summary:
                    problems.errors.append(f"together_cdk.{cls.__name__}.{name}() has no docstring")
                signature = inspect.signature(member)
                arguments = ", ".join(_parameter(p) for p in list(signature.parameters.values())[1:])
                methods.append(f"- `{name}({arguments}) -> {_annotation(signature.return_annotation)}`: {_cell(summary)}")
    construction = _construction_members(cls)
    if construction:
        attributes.extend(f"| `{name}` | `{_cell(hint)}` | {_cell(text)} |" for name, (hint, text) in construction.items() if name not in seen)
    parts = []
    if attributes:
        parts.append("Attributes:\n\n| attribute | type | description |\n|---|---|---|\n" + "\n".join(sorted(attributes)))
    if methods:
        parts.append("Methods:\n\n" + "\n".join(sorted(methods)))
    return parts


def _construction_members(cls: type) -> dict[str, tuple[str, str]]:
    """Public members ``__init__`` sets (``self.batches: list[...] = ...``): their hint (or the
    class they are built from, ``self.pending = DataTogetherRemediations(...)``) and the ``#:``
    comment above them, Sphinx's convention for documenting attributes."""
    if "__init__" not in vars(cls) or not cls.__module__.startswith("together_cdk"):
        return {}
    try:
        source = textwrap.dedent(inspect.getsource(vars(cls)["__init__"]))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    tree = ast.parse(source)
    found: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        targets, hint = [], None
        if isinstance(node, ast.AnnAssign):
            targets, hint = [node.target], ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign):
            targets = node.targets
            if isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and node.value.func.id[:1].isupper():
                hint = node.value.func.id  # built from a class: that is its type
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
            ):
                found.setdefault(target.attr, (hint or "Any", _doc_comment(lines, node.lineno - 1)))
    return found


def _doc_comment(lines: list[str], index: int) -> str:
    """The ``#:`` comment lines right above ``lines[index]``."""
    comment: list[str] = []
    while index > 0 and lines[index - 1].strip().startswith("#:"):
        index -= 1
        comment.insert(0, lines[index].strip()[2:].strip())
    return " ".join(comment) or "Set when the construct is built."


def _annotation(annotation: Any) -> str:
    """The hint as written in the source (``from __future__ import annotations`` keeps it a string)."""
    if annotation is inspect.Parameter.empty:
        return "Any"
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, typing.ForwardRef):  # a TypedDict's key under `from __future__ import annotations`
        return annotation.__forward_arg__
    return inspect.formatannotation(annotation)


def _prop_row(name: str, parameter: inspect.Parameter, description: str, annotation: Any = None) -> str:
    hint = _annotation(parameter.annotation if annotation is None else annotation)
    return f"| `{name}` | `{_cell(hint)}` | {_cell(_default(parameter, description))} | {_cell(description)} |"


def _default(parameter: inspect.Parameter, description: str) -> str:
    """The signature's default, or the one the description states when the signature has None."""
    if parameter.kind == parameter.VAR_KEYWORD:
        return "—"
    if parameter.default is inspect.Parameter.empty:
        return "required"
    if parameter.default is not None:
        return f"`{parameter.default!r}`"
    for pattern in DEFAULT_IN_PARAM:
        stated = pattern.search(description)
        if stated:
            return stated.group(1)
    return "—"


def _parameter(parameter: inspect.Parameter) -> str:
    text = f"{parameter.name}: {_annotation(parameter.annotation)}"
    if parameter.default is not inspect.Parameter.empty:
        text += f" = {parameter.default!r}"
    return text


def _enum_member_docs(cls: type) -> dict[str, str]:
    """Docstrings written under enum members (a string right after the assignment)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    found = {}
    for current, following in zip(body, body[1:]):
        if (
            isinstance(current, ast.Assign)
            and len(current.targets) == 1
            and isinstance(current.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[current.targets[0].id] = inspect.cleandoc(following.value.value)
    return found


_RENDERERS = {"construct": _construct, "dataclass": _dataclass, "enum": _enum, "reference": _reference, "error": _reference}
