"""Token getters: each computed attribute of a construct (or of an object inside one) is a
property that returns a token Terraform resolves at apply.

The generated constructs declare one per attribute, in one line::

    state = attribute(STRING, "Lifecycle state: ...")
    linked_alerts = attribute(AlertListReference, "Passive health check alerts ...")

A getter reads the attribute of its owner: a construct (the attribute's name is its path) or an
`ObjectReference` (the path of the object, then the name), so the same declaration serves both.
`attribute` is annotated with the type its property returns on an instance (as
`dataclasses.field` is), so editors and type checkers see `remediation.state` as a `str`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from ._cdk import cdk

R = TypeVar("R")


def _identity(value: Any) -> Any:
    # The CDK has no boolean token type: a resolvable, as `get_boolean_attribute` returns.
    return value


# How the interpolation of each kind of attribute becomes a token, and the type it is to Python.
_TOKENS: Mapping[str, tuple[Callable[[Any], Any], str]] = {
    "string": (lambda value: cdk.Token.as_string(value), "str"),
    "number": (lambda value: cdk.Token.as_number(value), "float"),
    "bool": (_identity, "Any"),
    "string_list": (lambda value: cdk.Token.as_list(value), "list[str]"),
    "string_map": (lambda value: cdk.Token.as_string_map(value), "Mapping[str, str]"),
}


class TokenSource:
    """What a getter reads from: a construct or an object reference."""

    def _attribute_path(self, name: str) -> tuple[Any, str]:
        """The construct that holds attribute `name` and its path inside it."""
        raise NotImplementedError


class Getter(property):
    """A property whose name is the attribute's (set when the class is created)."""

    def __init__(self, read: Callable[[Any, str], Any], returns: str, doc: str) -> None:
        def fget(owner: TokenSource) -> Any:
            element, path = owner._attribute_path(self.attribute)
            return read(element, path)

        fget.__annotations__ = {"return": returns}
        fget.__doc__ = doc
        super().__init__(fget, doc=doc)
        self.__doc__ = doc  # what `help()` and the docs show, not this class's docstring
        self.attribute = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name


def token_reader(kind: str) -> tuple[Callable[[Any, str], Any], str]:
    """How to read an attribute of `kind` (from its construct and path), and the Python type it reads as."""
    to_token, returns = _TOKENS[kind]
    return (lambda element, path: to_token(element.interpolation_for_attribute(path))), returns


class Kind(Generic[R]):
    """The kind of a scalar or collection attribute, typed by what its token is to Python."""

    def __init__(self, name: str) -> None:
        self.name = name


STRING: Kind[str] = Kind("string")
NUMBER: Kind[float] = Kind("number")
BOOL: Kind[Any] = Kind("bool")  # a resolvable: the CDK has no boolean token
STRING_LIST: Kind[list[str]] = Kind("string_list")
STRING_MAP: Kind[Mapping[str, str]] = Kind("string_map")


def attribute(kind: Kind[R] | type[R], doc: str) -> R:
    """The token getter of a computed attribute: a `Kind` (`STRING`...) or a reference class, for an
    object or a list of objects."""
    if isinstance(kind, Kind):
        return Getter(*token_reader(kind.name), doc)
    return Getter(lambda element, path: kind(element, path), kind.__name__, doc)


class ObjectReference(TokenSource):
    """One object inside a computed attribute; its properties are tokens for its fields."""

    def __init__(self, element: Any, path: str) -> None:
        self._element = element
        self._path = path

    @property
    def resolvable(self) -> Any:
        """The whole object, as a value to pass to other constructs or outputs."""
        return self._element.interpolation_for_attribute(self._path)

    def _attribute_path(self, name: str) -> tuple[Any, str]:
        return self._element, f"{self._path}.{name}"


Item = TypeVar("Item", bound=ObjectReference)


class ObjectListReference(Generic[Item]):
    """A computed list of objects: `get(i)` for one element, `resolvable` for the whole list."""

    _item_type: type[Item]

    def __init__(self, element: Any, path: str) -> None:
        self._element = element
        self._path = path

    def get(self, index: int) -> Item:
        """The element at `index` (0-based), whose fields are tokens."""
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError(f"{self._path}: the index must be a whole number of at least 0, got {index!r}")
        return self._item_type(self._element, f"{self._path}[{index}]")

    @property
    def resolvable(self) -> Any:
        """The whole list, e.g. for `TerraformOutput(value=...)` or `TerraformIterator.from_list(...)`."""
        return self._element.interpolation_for_attribute(self._path)
