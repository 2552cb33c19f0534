"""`provider install` run again changes nothing Terraform hashes: the lock files already written stay valid."""

from __future__ import annotations

from provider_shim import PROVIDER_ADDRESS, PROVIDER_VERSION
from provider_shim.install import EXECUTABLE, LAUNCHER, install


def _package_files(installation) -> dict[str, tuple[bytes, int]]:
    """Every file of the hashed package directories: content and modification time."""
    files = {}
    for os_arch in installation.platforms:
        package = installation.mirror / PROVIDER_ADDRESS / PROVIDER_VERSION / os_arch
        for path in sorted(package.rglob("*")):
            files[str(path.relative_to(installation.mirror))] = (path.read_bytes(), path.stat().st_mtime_ns)
    return files


def test_a_second_install_rewrites_nothing(tmp_path):
    first = install(tmp_path / "tf")
    before = _package_files(first)
    config = first.cli_config.stat().st_mtime_ns
    second = install(tmp_path / "tf")
    assert _package_files(second) == before
    assert second.cli_config.stat().st_mtime_ns == config
    assert all(content == LAUNCHER.encode() for content, _ in before.values())


def test_install_leaves_the_launcher_alone_in_the_package_directory(tmp_path):
    # What an interrupted write or an older layout could leave there would change the h1: hash.
    installation = install(tmp_path / "tf")
    package = installation.mirror / PROVIDER_ADDRESS / PROVIDER_VERSION / installation.platforms[0]
    (package / f"{EXECUTABLE}.tmp").write_text("half a launcher")
    (package / "old").mkdir()
    (package / "old" / "file").write_text("x")
    install(tmp_path / "tf")
    assert sorted(p.name for p in package.iterdir()) == [EXECUTABLE]
    assert (package / EXECUTABLE).read_text() == LAUNCHER
    assert not [p for p in (tmp_path / "tf").iterdir() if p.name.startswith(".")]  # no temporaries left


def test_a_launcher_edited_by_hand_is_put_back(tmp_path):
    installation = install(tmp_path / "tf")
    launcher = installation.mirror / PROVIDER_ADDRESS / PROVIDER_VERSION / installation.platforms[0] / EXECUTABLE
    launcher.write_text("#!/bin/sh\nexit 1\n")
    launcher.chmod(0o644)
    install(tmp_path / "tf")
    assert launcher.read_text() == LAUNCHER
    assert launcher.stat().st_mode & 0o777 == 0o755
