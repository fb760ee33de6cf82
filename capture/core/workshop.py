"""The workshop file: what is on the walls, validated with errors naming file, line and field.

Loading is defensive: a size limit, YAML's safe loader, no custom tags and no aliases
(an "anchor bomb" is refused before it can expand).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from capture.core.config import CONFIG
from capture.core.errors import WorkshopError

KNOWN_COLORS = ("red", "green", "blue", "yellow", "pink", "orange", "purple", "white")
# what stickers and notes may be: white ones cannot be told from the boards' paper
DECLARABLE_COLORS = tuple(c for c in KNOWN_COLORS if c != "white")
ColorName = Literal["red", "green", "blue", "yellow", "pink", "orange", "purple", "white"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")]
BoardKind = Literal["story", "process", "mire", "verbatim"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _coloured(colors: list[str]) -> list[str]:
    # Stickers and notes are found by their colour against the boards' white paper: white
    # ones cannot be told from it (and would be silently missed).
    if any(c not in DECLARABLE_COLORS for c in colors):
        raise ValueError(
            "« white » : des gommettes ou post-its blancs ne se distinguent pas du papier "
            "blanc des panneaux ; choisissez des couleurs"
        )
    return colors


class Stickers(_Strict):
    diameter_mm: float = Field(12.0, gt=4, lt=40)
    colors: list[ColorName] = Field(default_factory=lambda: ["red", "green", "blue", "yellow"])

    _no_white = field_validator("colors")(_coloured)


class Notes(_Strict):
    size_mm: float = Field(76.0, ge=38, le=150)
    colors: list[ColorName] = Field(
        default_factory=lambda: ["yellow", "pink", "orange", "green", "blue"]
    )

    _no_white = field_validator("colors")(_coloured)


class Phase(_Strict):
    id: Slug
    label: str = Field(min_length=1, max_length=80)


class BoardSpec(_Strict):
    id: Slug
    kind: BoardKind
    title: str = Field(min_length=1, max_length=120)
    text: str = Field("", max_length=600)  # the verbatim quote, or the story's opening
    phases: list[Phase] = Field(default_factory=list)  # process boards only
    size_mm: tuple[float, float] | None = None  # overrides the kind's default size

    @model_validator(mode="after")
    def _kind_fields(self) -> BoardSpec:
        if self.kind == "verbatim" and not self.text.strip():
            raise ValueError("un panneau verbatim doit avoir sa citation dans 'text'")
        if self.kind == "process" and not self.phases:
            raise ValueError("un panneau process doit avoir au moins une entrée dans 'phases'")
        if self.kind != "process" and self.phases:
            raise ValueError("seuls les panneaux process ont des 'phases'")
        if self.size_mm is not None and not all(100 <= v <= 2000 for v in self.size_mm):
            raise ValueError("size_mm doit donner deux longueurs entre 100 et 2000 mm")
        ids = [p.id for p in self.phases]
        if len(set(ids)) != len(ids):
            raise ValueError("les id des phases doivent être uniques dans le panneau")
        return self


class Wall(_Strict):
    id: Slug
    title: str = Field(min_length=1, max_length=120)
    boards: list[BoardSpec] = Field(min_length=1)


class Workshop(_Strict):
    id: Slug
    title: str = Field(min_length=1, max_length=200)
    date: str | None = None
    stickers: Stickers = Field(default_factory=Stickers)
    notes: Notes = Field(default_factory=Notes)
    walls: list[Wall] = Field(min_length=1)
    calibration_card: bool = True
    marker_id_offset: int = Field(0, ge=0, le=200)

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        return None if value is None else str(value)

    @model_validator(mode="after")
    def _unique_ids(self) -> Workshop:
        seen: set[str] = set()
        for wall in self.walls:
            for board in wall.boards:
                if board.id in seen:
                    raise ValueError(f"l'id de panneau {board.id!r} est utilisé deux fois")
                if board.id == "calibration":
                    raise ValueError("l'id 'calibration' est réservé à la carte de calibration")
                seen.add(board.id)
        return self

    def boards(self) -> list[tuple[Wall, BoardSpec]]:
        return [(wall, board) for wall in self.walls for board in wall.boards]


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases (billion-laughs) outright."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "les alias (*nom) sont interdits dans un fichier d'atelier",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key given twice is an error at its line (PyYAML keeps the last one silently)."""
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in first:
                        raise yaml.constructor.ConstructorError(
                            None, None,
                            f"la clé « {key.value} » est donnée deux fois (déjà à la ligne "
                            f"{first[key.value]})",
                            key.start_mark,
                        )
                    first[key.value] = key.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> Any:
        """An integer too long for Python to convert is an error at its line."""
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"nombre bien trop long ({len(node.value)} caractères)",
                node.start_mark,
            ) from None


_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _NoAliasLoader.construct_yaml_int)


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node along a pydantic error location."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc]
    return "".join(parts).lstrip(".") or "(top level)"


def parse_workshop(text: str, source: str = "<workshop>") -> Workshop:
    """Parse and validate workshop YAML text; raise WorkshopError naming file, line and field."""
    if len(text.encode("utf-8", "replace")) > CONFIG.limits.workshop_max_bytes:
        raise WorkshopError(
            f"{source}: le fichier dépasse {CONFIG.limits.workshop_max_bytes} octets"
        )
    try:
        _check_depth(text, source)
        root = yaml.compose(text, Loader=_NoAliasLoader)
        data = yaml.load(text, Loader=_NoAliasLoader) if root is not None else None
    except yaml.YAMLError as exc:
        raise WorkshopError(_yaml_message(exc, text, source)) from None
    if not isinstance(data, dict):
        raise WorkshopError(
            f"{source}:1: le fichier d'atelier doit être un dictionnaire (id:, title:, walls: …)"
        )
    dupes = _duplicate_board_ids(data)
    if dupes:
        raise WorkshopError(
            "\n".join(f"{source}:{_line_of(root, loc) or '?'}: field {_field_name(loc)}: {msg}"
                      for loc, msg in dupes)
        )
    try:
        return Workshop.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = _line_of(root, loc)
            msg = _french_detail(err)
            lines.append(f"{source}:{line or '?'}: field {_field_name(loc)}: {msg}")
        raise WorkshopError("\n".join(lines)) from None


def _french_detail(err: Any) -> str:
    """One pydantic error in French: our own checks already are; pydantic's wording stays as a
    precise detail after a French lead-in."""
    kind, msg = err.get("type"), err["msg"]
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "missing":
        return "champ obligatoire absent"
    if kind == "extra_forbidden":
        return "champ inconnu (faute de frappe ?)"
    return f"valeur refusée ({msg})"


def _check_depth(text: str, source: str) -> None:
    """Refuse absurd nesting before anything recursive (composer, validator) sees it.

    The parser yields events without recursion, so counting open collections is safe here.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_NoAliasLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > CONFIG.limits.workshop_max_depth:
                raise WorkshopError(
                    f"{source}:{event.start_mark.line + 1}: listes et dictionnaires imbriqués sur "
                    f"plus de {CONFIG.limits.workshop_max_depth} niveaux"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _duplicate_board_ids(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Board ids used twice (or the reserved one), located at the offending `id:` field."""
    seen: dict[str, str] = {}
    errors: list[tuple[tuple[Any, ...], str]] = []
    walls = data.get("walls")
    for i, wall in enumerate(walls if isinstance(walls, list) else []):
        boards = wall.get("boards") if isinstance(wall, dict) else None
        for j, board in enumerate(boards if isinstance(boards, list) else []):
            bid = board.get("id") if isinstance(board, dict) else None
            if not isinstance(bid, str):
                continue
            loc = ("walls", i, "boards", j, "id")
            if bid == "calibration":
                errors.append((loc, "l'id 'calibration' est réservé à la carte de calibration"))
            elif bid in seen:
                errors.append((loc, f"l'id de panneau {bid!r} est déjà utilisé par {seen[bid]}"))
            else:
                seen[bid] = _field_name(loc[:-1])
    return errors


def _yaml_message(exc: yaml.YAMLError, text: str, source: str) -> str:
    """A YAML syntax error as `file:line: …`, with the likely cause when we can tell."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    where = f"{source}:{mark.line + 1}" if mark is not None else source
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context and context_mark is not None and context_mark is not mark:
        problem += f", {context} à la ligne {context_mark.line + 1}"
    hints = []
    first = context_mark.line if context_mark is not None else (mark.line if mark else 0)
    last = mark.line if mark is not None else first
    for n, line in enumerate(text.splitlines()[first:last + 1], start=first + 1):
        body = line.split(" #", 1)[0].replace('\\"', "")
        if body.count('"') % 2 == 1:
            hints.append(f"la ligne {n} ouvre un guillemet (\") jamais refermé")
            break
    if "\t" in problem or "\\t" in problem:  # PyYAML shows the tab as a repr
        hints.append("indentez avec des espaces, pas des tabulations")
    hint = f"; {'; '.join(hints)}" if hints else ""
    return f"{where}: YAML invalide ({problem}){hint}"


def load_workshop(path: str | Path) -> Workshop:
    """Read a workshop YAML file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > CONFIG.limits.workshop_max_bytes:
            raise WorkshopError(
                f"{path}: le fichier dépasse {CONFIG.limits.workshop_max_bytes} octets"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorkshopError(f"{path}: fichier d'atelier introuvable") from None
    except UnicodeDecodeError:
        raise WorkshopError(f"{path}:1: le fichier d'atelier n'est pas du texte UTF-8") from None
    except OSError as exc:
        raise WorkshopError(
            f"{path}: impossible de lire le fichier d'atelier ({exc.strerror})"
        ) from None
    return parse_workshop(text, str(path))


SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
