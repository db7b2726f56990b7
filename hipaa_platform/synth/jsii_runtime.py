"""jsii's Node.js kernel without its relay process.

jsii starts `node jsii-runtime.js`, which starts a second Node.js process for the kernel and relays
every message between Python and the kernel: two more pipe hops and process wake-ups for each call
into the bindings, and a synthesis makes about a hundred of them per service. JSII_RUNTIME, a jsii
setting, points jsii at direct_runtime.js instead, which runs the same kernel file in the process
jsii starts, on the pipes jsii already holds. It is used only when the installed kernel has the one
API channel direct_runtime.js knows (fd 3, read and written) and JSII_RUNTIME is not set already;
otherwise jsii's own runtime runs as before.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

LAUNCHER = Path(__file__).with_name("direct_runtime.js")
KERNEL_VARIABLE = "HIPAA_PLATFORM_JSII_KERNEL"
# The kernel's own file names, as jsii's relay lays them out (program.js starts its index worker
# from its own directory), by their names inside the jsii package.
KERNEL_FILES = {"lib__runtime-index-worker.js": "runtime-index-worker.js", "lib__program.js": "program.js"}
API_CHANNEL = b"readFD:3,writeFD:3"


def use_direct_runtime(cache: Path) -> bool:
    """Point jsii at the direct runtime, with the kernel files copied under `cache` once per
    installed kernel file (by its size and modification time, so a start-up reads no more than its
    metadata). Returns whether it did; call before the first import of a binding."""
    if "JSII_RUNTIME" in os.environ:
        return False
    embedded = _packaged_kernel()
    if embedded is None:
        return False
    try:
        packaged = (embedded / "lib__program.js").stat()
        kernel = cache / f"{packaged.st_size}-{packaged.st_mtime_ns}" / "program.js"
        if not kernel.exists() and not _copy_kernel(embedded, kernel.parent):
            return False
    except OSError:
        return False
    os.environ[KERNEL_VARIABLE] = str(kernel)
    os.environ["JSII_RUNTIME"] = str(LAUNCHER)
    return True


def _copy_kernel(embedded: Path, directory: Path) -> bool:
    """Copy the kernel files, refusing a kernel whose API channel is not the one the launcher knows;
    program.js last, so that its presence means a whole copy; each file renamed into place, so that
    test workers starting side by side never read a partial one."""
    if API_CHANNEL not in (embedded / "lib__program.js").read_bytes():
        return False
    directory.mkdir(parents=True, exist_ok=True)
    for packaged, name in KERNEL_FILES.items():
        partial = directory / f".{name}.{os.getpid()}"
        partial.write_bytes((embedded / packaged).read_bytes())
        partial.replace(directory / name)
    return True


def _packaged_kernel() -> Path | None:
    """The kernel files inside the installed jsii package, found without importing it."""
    spec = importlib.util.find_spec("jsii")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "_embedded" / "jsii"
