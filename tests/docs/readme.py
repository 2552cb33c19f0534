"""The README's fenced blocks, read with markdown-it, and the shell script a reader would type.

Block kinds, by the fence's info string:

- ``sh`` / ``shell`` / ``bash``: commands, run in order in one bash session (as one reader in
  one terminal), from the root of a checkout;
- ``LANG file=PATH``: a file the reader saves; written at that point of the session;
- ``hcl`` / ``python`` without ``file=``: snippets, checked for syntax (and ``terraform fmt``).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

SHELL_LANGUAGES = frozenset({"sh", "shell", "bash"})


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the opening fence
    language: str
    file: str | None
    text: str

    @property
    def is_shell(self) -> bool:
        return self.language in SHELL_LANGUAGES and self.file is None


def fenced_blocks(markdown: str) -> list[Block]:
    blocks = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type != "fence":
            continue
        words = token.info.split()
        language = words[0] if words else ""
        file = next((word.split("=", 1)[1] for word in words[1:] if word.startswith("file=")), None)
        blocks.append(Block(line=token.map[0] + 1, language=language, file=file, text=token.content))
    return blocks


def session_script(blocks: list[Block]) -> str:
    """One bash script: each shell block's commands, and each file block as a heredoc."""
    lines = ["set -euo pipefail"]
    for block in blocks:
        lines.append(f"echo '>>> README line {block.line}'")
        if block.file is not None:
            target = shlex.quote(block.file)
            lines.append(f'mkdir -p "$(dirname {target})"')
            lines.append(f"cat > {target} <<'README_FILE_END'\n{block.text}README_FILE_END")
        else:
            lines.append(block.text)
    return "\n".join(lines) + "\n"


def read(path: Path) -> str:
    return path.read_text()
