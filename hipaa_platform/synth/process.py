"""Synthesis in a process of its own, for long runs such as deploy-local: the provider bindings hold
about 1.4 GB (Python and jsii's Node.js) for as long as a process has them loaded; a child that
synthesizes and exits gives that back before the minutes of waiting on the AWS provider."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hipaa_platform.config import AccountBaseline, Environment
from hipaa_platform.targets import Target
from hipaa_platform.targets.emulator_unsupported import Skip


def _synthesize(built: Environment | AccountBaseline, target: Target, outdir: Path) -> list[Skip]:
    from hipaa_platform.synth.app import synthesize, synthesize_account

    if isinstance(built, AccountBaseline):
        return synthesize_account(built, target, outdir).skipped
    return synthesize(built, target, outdir).skipped


def synthesize_all_apart(jobs: list[tuple[Environment | AccountBaseline, Target, Path]]) -> list[list[Skip]]:
    """Synthesize each (environment or account baseline, target, outdir) in turn in one fresh child
    process (one import of the provider bindings); returns what the target left out of each."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as child:
        return [child.submit(_synthesize, *job).result() for job in jobs]
