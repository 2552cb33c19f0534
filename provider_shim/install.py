"""Install the provider for Terraform with no registry: an unpacked filesystem mirror.

Layout under the install directory ``DIR``::

    DIR/terraformrc                                   CLI config (export TF_CLI_CONFIG_FILE)
    DIR/mirror/registry.terraform.io/together-remediation/together/0.1.0/<os_arch>/
        terraform-provider-together_v0.1.0            the launcher (identical on every machine)
    DIR/runtime/python                                path of the project's Python
    DIR/runtime/provider-cert.pem, provider-key.pem   the plugin's TLS certificate (key 0600)

The launcher's bytes depend on nothing (not the checkout path, not the Python code), so the
package hash in ``.terraform.lock.hcl`` never changes; whatever is machine-specific lives in
``DIR/runtime``, outside the hashed package directory, where the launcher finds it.

Installing again is a no-op for Terraform: a file whose bytes are already right is not
rewritten, the package directory is left holding the launcher alone (Terraform hashes every file
in it), and files are written through a temporary outside it, so not even an interrupted install
can change the hash an existing lock file records.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from provider_shim import PROVIDER_ADDRESS, PROVIDER_TYPE, PROVIDER_VERSION
from provider_shim.tls import write_certificate

EXECUTABLE = f"terraform-provider-{PROVIDER_TYPE}_v{PROVIDER_VERSION}"

# Six levels up from <mirror>/<host>/<namespace>/<type>/<version>/<os_arch> is DIR.
LAUNCHER = """#!/bin/sh
# Launcher of the together-remediation Terraform provider (registry.terraform.io/together-remediation/together).
# Written by `together-remediation provider install`. It is the same file on every machine, so
# Terraform's lock file never changes; the machine's Python is named in DIR/runtime/python.
self=$(readlink -f "$0") || exit 1
runtime="${self%/*}/../../../../../../runtime"
if ! read -r python < "$runtime/python"; then
  echo "together provider: $runtime/python is missing; run: together-remediation provider install" >&2
  exit 1
fi
# DIR/runtime/pythonpath, when present, lists where the provider's packages are: Python then
# starts without its site machinery (-S), which saves 20-30 ms of each of Terraform's launches.
if read -r path < "$runtime/pythonpath" 2>/dev/null; then
  PYTHONPATH="$path" TOGETHER_PROVIDER_RUNTIME="$runtime" exec "$python" -S -m provider_shim "$@"
fi
TOGETHER_PROVIDER_RUNTIME="$runtime" exec "$python" -m provider_shim "$@"
"""


@dataclass(frozen=True)
class Installation:
    directory: Path
    cli_config: Path
    mirror: Path
    platforms: tuple[str, ...]

    def export_line(self) -> str:
        return f"export TF_CLI_CONFIG_FILE={_shell_quote(str(self.cli_config))}"

    def terraform_env(
        self, base_url: str | None = None, api_key: str | None = None, extra: dict[str, str] | None = None
    ) -> dict[str, str]:
        """The environment of a terraform command that uses this installation, unattended.

        Inherited ``TF_*`` and ``TOGETHER_*`` variables are dropped, so the machine's CLI config
        or API key never leaks in; ``base_url`` and ``api_key`` (when given) configure the
        provider, and ``extra`` goes on top of everything.
        """
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TOGETHER_"))}
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
                "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",  # cdktf synth on an older Node
            }
        )
        if base_url is not None:
            env["TOGETHER_BASE_URL"] = base_url
        if api_key is not None:
            env["TOGETHER_API_KEY"] = api_key
        env.update(extra or {})
        return env


def host_platform() -> str:
    """Terraform's name of this machine's platform, e.g. ``linux_amd64``."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386", "i686": "386"}.get(machine, machine)
    return f"{system}_{arch}"


def default_directory() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "together-remediation" / "terraform"


def cli_config_text(mirror: Path) -> str:
    path = _hcl_string(str(mirror))
    source = _hcl_string(PROVIDER_ADDRESS)
    return f"""# Terraform CLI configuration written by `together-remediation provider install`.
# The provider {PROVIDER_ADDRESS} comes from the local mirror; everything else as usual.
disable_checkpoint = true

provider_installation {{
  filesystem_mirror {{
    path    = {path}
    include = [{source}]
  }}
  direct {{
    exclude = [{source}]
  }}
}}
"""


def install(directory: Path | None = None, python: str | None = None) -> Installation:
    """Write (or refresh) the mirror, the runtime files and the CLI config under ``directory``."""
    root = (directory or default_directory()).expanduser().resolve()
    mirror = root / "mirror"
    platforms = tuple(dict.fromkeys(["linux_amd64", host_platform()]))
    for os_arch in platforms:
        package = mirror / PROVIDER_ADDRESS / PROVIDER_VERSION / os_arch
        package.mkdir(parents=True, exist_ok=True)
        _remove_all_but(package, EXECUTABLE)
        _write_if_changed(package / EXECUTABLE, LAUNCHER, mode=0o755, staging=root)

    runtime = root / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    _write_if_changed(runtime / "python", (python or sys.executable) + "\n", mode=0o644, staging=root)
    search_path = provider_search_path() if python in (None, sys.executable) else None
    if search_path:
        _write_if_changed(runtime / "pythonpath", search_path + "\n", mode=0o644, staging=root)
    elif (runtime / "pythonpath").exists():
        (runtime / "pythonpath").unlink()  # another Python: let its own site find the packages
    if not (runtime / "provider-key.pem").exists() or not (runtime / "provider-cert.pem").exists():
        write_certificate(runtime)

    cli_config = root / "terraformrc"
    _write_if_changed(cli_config, cli_config_text(mirror), mode=0o644, staging=root)
    return Installation(directory=root, cli_config=cli_config, mirror=mirror, platforms=platforms)


def provider_search_path() -> str | None:
    """Where this Python finds the provider's packages, as a PYTHONPATH, or None when unsure.

    With it the launcher runs ``python -S``: no site module. Every directory the site module
    put on this Python's path is kept (site-packages, .pth entries), plus the roots of the
    project's own packages (an editable install finds those through an import hook, which
    ``-S`` skips). None when a directory cannot go into a PYTHONPATH.
    """
    import importlib.util

    roots = []
    for name in ("provider_shim", "together_api"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return None
        roots.append(str(Path(list(spec.submodule_search_locations)[0]).parent))
    import sysconfig

    stdlib = {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
    on_path = [p for p in sys.path if p and os.path.isdir(p) and not any(p.startswith(lib) and "-packages" not in p for lib in stdlib)]
    directories = roots + on_path
    if any(":" in d for d in directories):
        return None
    return ":".join(dict.fromkeys(directories))


def _remove_all_but(package: Path, keep: str) -> None:
    # Terraform's h1: hash covers every file of the package directory, so anything else there (a
    # launcher of an older layout, a stray temporary) would break the lock files already written.
    for entry in package.iterdir():
        if entry.name == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _write_if_changed(path: Path, text: str, *, mode: int, staging: Path) -> None:
    """Write ``text`` to ``path`` atomically, unless it already holds exactly that.

    The temporary is made in ``staging`` (on the same filesystem, outside the package directory).
    """
    data = text.encode()
    if not path.is_file() or path.read_bytes() != data:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=staging)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    if (path.stat().st_mode & 0o7777) != mode:
        os.chmod(path, mode)


def _hcl_string(value: str) -> str:
    # JSON string escapes are valid HCL; template sequences must be escaped on top.
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def _shell_quote(value: str) -> str:
    import shlex

    return shlex.quote(value)
